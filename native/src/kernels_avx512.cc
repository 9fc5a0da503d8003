// The avx512 build of the kernels (see kernels.inl); binding.gyp compiles this file with its ISA's flags.
#define GS_W 16
#define GS_NS gs_avx512
#define GS_ISA "avx512"
#define GS_TABLE kernels_avx512
#include "kernels.inl"
