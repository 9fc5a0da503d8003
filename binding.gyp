{
  # The native backend (native/src): one addon, its kernels built once per ISA with that ISA's
  # flags and chosen at run time, so the binary never runs an instruction the CPU lacks.
  "target_defaults": {
    "cflags_cc": ["-O3", "-std=gnu++17", "-ffp-contract=fast", "-fno-math-errno"],
    "cflags_cc!": ["-fno-exceptions", "-O2"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "GS_SOURCES=<!(node scripts/kernel-id.js native)"]
  },
  "targets": [
    {
      "target_name": "kernels_avx2",
      "type": "static_library",
      "sources": ["native/src/kernels_avx2.cc"],
      "cflags_cc": ["-mavx2", "-mfma"]
    },
    {
      "target_name": "kernels_avx512",
      "type": "static_library",
      "sources": ["native/src/kernels_avx512.cc"],
      "cflags_cc": ["-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx512bw", "-mfma", "-mprefer-vector-width=512"]
    },
    {
      "target_name": "gatescope",
      "sources": ["native/src/addon.cc", "native/src/kernels_base.cc"],
      "dependencies": ["kernels_avx2", "kernels_avx512"]
    }
  ]
}
