// Collects this ISA's kernels into a KernelTable (native/kernels.h). Compiled once per ISA; the
// AVX2 copy returns null from kernels_avx2() when the compiler was not given AVX2 (non-x86).
#include "kernels/common.h"

namespace fathom {
namespace FATHOM_ISA_NS {
namespace {

const KernelTable kTable = {
#if FATHOM_SIMD_AVX2
    "avx2",
#else
    "scalar",
#endif
    gemm, gemm_serial, binary, unary, unary_backward, reduce, argmax, sum_squares,
    layernorm_fwd, layernorm_bwd, rmsnorm_fwd, rmsnorm_bwd, softmax_fwd, softmax_bwd, logsumexp,
    cross_entropy_fwd, cross_entropy_bwd, attention_fwd, attention_bwd, rope, embedding_fwd,
    embedding_bwd, adamw, permute, copy_strided, fill, where,
};

}  // namespace
}  // namespace FATHOM_ISA_NS

#define FATHOM_CAT2(a, b) a##b
#define FATHOM_CAT(a, b) FATHOM_CAT2(a, b)
const KernelTable* FATHOM_CAT(kernels_, FATHOM_ISA_NS)() {
#if defined(FATHOM_WANT_AVX2) && !defined(FATHOM_SIMD_AVX2)
  return nullptr;
#else
  return &FATHOM_ISA_NS::kTable;
#endif
}

}  // namespace fathom
