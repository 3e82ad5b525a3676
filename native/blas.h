// The addon's only contact with an external BLAS. With FATHOM_HAVE_OPENBLAS (set by binding.gyp
// when native/detect-blas.mjs finds OpenBLAS) these call cblas_sgemm; otherwise blas_available()
// is false and callers use fathom's own blocked GEMM (native/kernels/gemm.cc).
#pragma once
#include <cstdint>

namespace fathom {

bool blas_available();
// OpenBLAS's version/config string, or "" without OpenBLAS.
const char* blas_config();
// Keeps OpenBLAS's thread count equal to the pool's (called by pool_set_threads).
void blas_set_threads(int n);
int blas_threads();
// Row-major C = alpha * op(A) op(B) + beta * C, straight to cblas_sgemm. Only valid when
// blas_available().
void blas_sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                int64_t ldc);

}  // namespace fathom
