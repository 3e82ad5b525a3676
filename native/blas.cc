// OpenBLAS glue (see blas.h). Compiled for the baseline ISA: OpenBLAS dispatches on the CPU itself.
#include "blas.h"
#include "pool.h"

#ifdef FATHOM_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace fathom {

#ifdef FATHOM_HAVE_OPENBLAS
bool blas_available() { return true; }
const char* blas_config() { return openblas_get_config(); }
void blas_set_threads(int n) { openblas_set_num_threads(n); }
int blas_threads() { return openblas_get_num_threads(); }
void blas_sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                int64_t ldc) {
  pool_park();
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}
#else
bool blas_available() { return false; }
const char* blas_config() { return ""; }
void blas_set_threads(int) {}
int blas_threads() { return 0; }
void blas_sgemm(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*,
                int64_t, float, float*, int64_t) {}
#endif

}  // namespace fathom
