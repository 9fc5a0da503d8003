// The avx2 build of the kernels (see kernels.inl); binding.gyp compiles this file with its ISA's flags.
#define GS_W 8
#define GS_NS gs_avx2
#define GS_ISA "avx2"
#define GS_TABLE kernels_avx2
#include "kernels.inl"
