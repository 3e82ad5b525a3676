// N-API bindings for GEMM: sgemm (fathom's path: OpenBLAS when built with it, else the blocked
// kernel), sgemmOwn (always fathom's own kernel, to test and benchmark the fallback on any build),
// cblasSgemm (straight to OpenBLAS: the benchmark's reference) and sgemmBatched.
// All are row-major: C = alpha·op(A)·op(B) + beta·C, op(A) [m, k], op(B) [k, n].
#include "args.h"
#include "blas.h"
#include "kernels.h"
#include "pool.h"

namespace fathom {
namespace {

// Reads (transA, transB, m, n, k, alpha) starting at argument `at` (0 unless a second GEMM's
// arguments follow a first one's).
bool read_gemm(Args& in, GemmArgs& g, size_t at = 0) {
  g.trans_a = in.boolean(at + 0, "transA");
  g.trans_b = in.boolean(at + 1, "transB");
  g.m = in.count(at + 2, "m");
  g.n = in.count(at + 3, "n");
  g.k = in.count(at + 4, "k");
  g.alpha = static_cast<float>(in.number(at + 5, "alpha"));
  return in.ok();
}

void check_ld(Args& in, int64_t ld, int64_t cols, const char* name) {
  if (in.ok() && ld < (cols > 1 ? cols : 1)) {
    in.fail(std::string(name) + " = " + std::to_string(ld) + " is smaller than the row length " + std::to_string(cols));
  }
}

// Unpacks the 13 plain-sgemm arguments starting at argument `at`; false after a thrown error.
bool unpack_sgemm(Args& in, GemmArgs& g, size_t at = 0) {
  if (!read_gemm(in, g, at)) return false;
  g.lda = in.count(at + 7, "lda");
  g.ldb = in.count(at + 9, "ldb");
  g.beta = static_cast<float>(in.number(at + 10, "beta"));
  g.ldc = in.count(at + 12, "ldc");
  const int64_t ar = g.trans_a ? g.k : g.m, ac = g.trans_a ? g.m : g.k;
  const int64_t br = g.trans_b ? g.n : g.k, bc = g.trans_b ? g.k : g.n;
  check_ld(in, g.lda, ac, "lda");
  check_ld(in, g.ldb, bc, "ldb");
  check_ld(in, g.ldc, g.n, "ldc");
  g.a = in.f32(at + 6, "A", span(ar, ac, g.lda));
  g.b = in.f32(at + 8, "B", span(br, bc, g.ldb));
  g.c = in.f32(at + 11, "C", span(g.m, g.n, g.ldc));
  return in.ok();
}

void run_gemm(const GemmArgs& g, bool use_blas) {
  if (g.m == 0 || g.n == 0) return;
  if (use_blas && g.k > 0) {
    blas_sgemm(g.trans_a, g.trans_b, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc);
  } else {
    K().gemm(g);
  }
}

Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Args in(info, "sgemm");
  GemmArgs g;
  if (unpack_sgemm(in, g)) run_gemm(g, blas_available());
  return info.Env().Undefined();
}

// Two independent products, e.g. a layer's input and weight gradients. With OpenBLAS on a
// two-thread pool they run at once, one single-threaded OpenBLAS call per core: on the GEMMs of
// a transformer's backward pass that is ≈ 10% faster than two 2-thread calls in turn, because one
// thread keeps a whole product to itself: the train-step benchmark's gradient GEMMs run at
// 80–94 GFLOP/s per core single-threaded against 116–155 for both cores together, and the
// step got ≈ 5% faster. A single-threaded OpenBLAS call may round differently in the last bits
// from a 2-thread call of the same product; which one runs depends only on the thread count, so
// a run stays reproducible bit for bit. Otherwise (other thread counts, no OpenBLAS, or from
// inside a pool task) the two products run in turn.
// (26 arguments: the 13 of sgemm for the first product, then the 13 of the second.)
Napi::Value SgemmPair(const Napi::CallbackInfo& info) {
  Args in(info, "sgemmPair");
  GemmArgs g[2];
  if (!unpack_sgemm(in, g[0], 0) || !unpack_sgemm(in, g[1], 13)) return info.Env().Undefined();
  if (g[0].c == g[1].c && g[0].m > 0 && g[0].n > 0 && g[1].m > 0 && g[1].n > 0) {
    in.fail("the two products write the same C: pass two output arrays");
    return info.Env().Undefined();
  }
  const bool concurrent = blas_available() && pool_threads() == 2 && !pool_in_task();
  if (!concurrent) {
    for (const GemmArgs& gi : g) run_gemm(gi, blas_available());
    return info.Env().Undefined();
  }
  blas_set_threads(1);
  parallel_tasks(2, [&](int64_t i) { run_gemm(g[i], true); });
  blas_set_threads(2);
  return info.Env().Undefined();
}

Napi::Value SgemmOwn(const Napi::CallbackInfo& info) {
  Args in(info, "sgemmOwn");
  GemmArgs g;
  if (unpack_sgemm(in, g)) run_gemm(g, false);
  return info.Env().Undefined();
}

Napi::Value CblasSgemm(const Napi::CallbackInfo& info) {
  Args in(info, "cblasSgemm");
  if (!blas_available()) {
    in.fail("this build has no OpenBLAS (install libopenblas-dev, then rebuild: node scripts/build-native.mjs)");
    return info.Env().Undefined();
  }
  GemmArgs g;
  if (unpack_sgemm(in, g) && g.m > 0 && g.n > 0)
    blas_sgemm(g.trans_a, g.trans_b, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc);
  return info.Env().Undefined();
}

// (transA, transB, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batch)
// Strides of A or B may be 0 (one matrix shared by the whole batch).
Napi::Value SgemmBatched(const Napi::CallbackInfo& info) {
  Args in(info, "sgemmBatched");
  GemmArgs g;
  if (!read_gemm(in, g)) return info.Env().Undefined();
  g.lda = in.count(7, "lda");
  const int64_t sa = in.count(8, "strideA");
  g.ldb = in.count(10, "ldb");
  const int64_t sb = in.count(11, "strideB");
  g.beta = static_cast<float>(in.number(12, "beta"));
  g.ldc = in.count(14, "ldc");
  const int64_t sc = in.count(15, "strideC");
  const int64_t batch = in.count(16, "batch");
  const int64_t ar = g.trans_a ? g.k : g.m, ac = g.trans_a ? g.m : g.k;
  const int64_t br = g.trans_b ? g.n : g.k, bc = g.trans_b ? g.k : g.n;
  check_ld(in, g.lda, ac, "lda");
  check_ld(in, g.ldb, bc, "ldb");
  check_ld(in, g.ldc, g.n, "ldc");
  const int64_t c_span = span(g.m, g.n, g.ldc);
  if (in.ok() && batch > 1 && sc < c_span && c_span > 0) in.fail("strideC is smaller than one C matrix: outputs would overlap");
  const int64_t last = batch > 0 ? batch - 1 : 0;
  const float* a = in.f32(6, "A", batch ? last * sa + span(ar, ac, g.lda) : 0);
  const float* b = in.f32(9, "B", batch ? last * sb + span(br, bc, g.ldb) : 0);
  float* c = in.f32(13, "C", batch ? last * sc + c_span : 0);
  if (!in.ok() || batch == 0 || g.m == 0 || g.n == 0) return info.Env().Undefined();
  const double macs = static_cast<double>(g.m) * g.n * g.k;
  if (batch > 1 && macs < 2097152.0 && pool_threads() > 1) {
    // Many small products: one per task, each on one thread with fathom's serial kernel (OpenBLAS,
    // set to the pool's thread count, would split each small product between threads again).
    parallel_tasks(batch, [&](int64_t i) {
      GemmArgs gi = g;
      gi.a = a + i * sa; gi.b = b + i * sb; gi.c = c + i * sc;
      K().gemm_serial(gi);
    });
    return info.Env().Undefined();
  }
  for (int64_t i = 0; i < batch; i++) {
    GemmArgs gi = g;
    gi.a = a + i * sa; gi.b = b + i * sb; gi.c = c + i * sc;
    run_gemm(gi, blas_available());
  }
  return info.Env().Undefined();
}

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("sgemmOwn", Napi::Function::New(env, SgemmOwn, "sgemmOwn"));
  exports.Set("sgemmPair", Napi::Function::New(env, SgemmPair, "sgemmPair"));
  exports.Set("cblasSgemm", Napi::Function::New(env, CblasSgemm, "cblasSgemm"));
  exports.Set("sgemmBatched", Napi::Function::New(env, SgemmBatched, "sgemmBatched"));
}

}  // namespace fathom
