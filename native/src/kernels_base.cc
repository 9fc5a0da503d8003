// The base build of the kernels (see kernels.inl); binding.gyp compiles this file with its ISA's flags.
#define GS_W 4
#define GS_NS gs_base
#define GS_ISA "base"
#define GS_TABLE kernels_base
#include "kernels.inl"
