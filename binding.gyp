# Builds fathom's native tensor backend (build/Release/fathom_native.node).
# The kernels in native/kernels/ are compiled twice: once with AVX2/FMA (namespace fathom::avx2)
# and once for the baseline ISA (fathom::base); native/dispatch.cc picks one at load time from
# __builtin_cpu_supports, so the addon never executes AVX2 code on a CPU without it.
# GEMM goes to OpenBLAS's cblas_sgemm when native/detect-blas.mjs finds it (FATHOM_NO_BLAS=1 turns
# that off), otherwise to the kernels' own blocked GEMM. -ffp-contract=off: GCC would otherwise
# fuse a*b+c into FMAs wherever it likes, so the AVX2 and scalar copies (and two uses of one
# product) round differently; explicit FMAs (vfma) are unaffected.
{
  'variables': {
    'fathom_have_openblas%': '<!(node native/detect-blas.mjs have)',
    'fathom_kernel_sources': [
      'native/kernels/table.cc',
      'native/kernels/gemm.cc',
      'native/kernels/elementwise.cc',
      'native/kernels/reduce.cc',
      'native/kernels/layout.cc',
      'native/kernels/norm.cc',
      'native/kernels/softmax.cc',
      'native/kernels/attention.cc',
      'native/kernels/gather.cc',
      'native/kernels/optim.cc',
    ],
    'fathom_common_cflags': ['-O3', '-std=c++17', '-fno-math-errno', '-ffp-contract=off', '-fPIC', '-Wall', '-Wextra', '-Wno-unused-parameter'],
  },
  'target_defaults': {
    'cflags_cc!': ['-std=gnu++17', '-O2'],
    'cflags_cc': ['<@(fathom_common_cflags)', '-fno-exceptions'],
    'cflags!': ['-O2'],
    'include_dirs': ['native'],
  },
  'targets': [
    {
      'target_name': 'fathom_kernels_avx2',
      'type': 'static_library',
      'sources': ['<@(fathom_kernel_sources)'],
      'defines': ['FATHOM_ISA_NS=avx2', 'FATHOM_WANT_AVX2=1'],
      'conditions': [
        ['target_arch=="x64" or target_arch=="ia32"', { 'cflags_cc': ['-mavx2', '-mfma'] }],
      ],
    },
    {
      'target_name': 'fathom_kernels_base',
      'type': 'static_library',
      'sources': ['<@(fathom_kernel_sources)'],
      'defines': ['FATHOM_ISA_NS=base'],
    },
    {
      'target_name': 'fathom_native',
      'sources': [
        'native/addon.cc',
        'native/pool.cc',
        'native/dispatch.cc',
        'native/blas.cc',
        'native/bind_gemm.cc',
        'native/bind_elementwise.cc',
        'native/bind_fused.cc',
      ],
      'dependencies': [
        '<!(node -p "require(\'node-addon-api\').targets"):node_addon_api',
        'fathom_kernels_avx2',
        'fathom_kernels_base',
      ],
      'defines': ['NAPI_VERSION=8'],
      'libraries': ['-lpthread'],
      'conditions': [
        ['fathom_have_openblas==1', {
          'defines': ['FATHOM_HAVE_OPENBLAS=1'],
          'cflags_cc': ['<!@(node native/detect-blas.mjs cflags)'],
          'libraries': ['<!@(node native/detect-blas.mjs libs)'],
        }],
      ],
    },
  ],
}
