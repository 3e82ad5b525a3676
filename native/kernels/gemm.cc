// fathom's own single-precision GEMM, used when OpenBLAS is absent and inside other kernels
// (attention) that run on pool threads. It follows the BLIS/GotoBLAS structure (Goto & van de
// Geijn, "Anatomy of high-performance matrix multiplication", 2008; Van Zee & van de Geijn,
// "BLIS", 2015): B is packed into KC×NR column panels, A into MR×KC row panels (transposes and
// alpha are absorbed by the packing), and an MR×NR register-blocked micro-kernel (6×16 with AVX2:
// 12 accumulators, 2 B vectors, 1 broadcast) runs over them. Loop order jc → pc → ic → jr → ir,
// as in BLIS, keeps the B micro-panel in L1 and the A block in L2.
#include "kernels/common.h"

namespace fathom {
namespace FATHOM_ISA_NS {
namespace {

constexpr int MR = 6;
constexpr int NR = 2 * W;  // 16 with AVX2
constexpr int64_t KC = 256;
constexpr int64_t MC = 168;   // multiple of MR
constexpr int64_t NC = 4080;  // multiple of 16

thread_local Scratch t_pack_a, t_pack_b;

#if FATHOM_SIMD_AVX2
// Transposes the 8×8 block r[0..7] in place (r[i] lane j → r[j] lane i).
inline void transpose8(__m256 r[8]) {
  __m256 t[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  __m256 u[8];
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; i++) {
    r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
  }
}
#endif

// The packing loops that gather along k (op(A) = A, op(B) = Bᵀ) are transposes; with AVX2 they
// go 8×8 blocks at a time. In attention (k = head size, 32–128) packing would otherwise cost as
// much as the multiply itself.

// Packs op(A)[i0:i0+mc, p0:p0+kc] * alpha into MR-row panels: panel r holds, for each k, MR values.
void pack_a(const GemmArgs& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
  for (int64_t ir = 0; ir < mc; ir += MR) {
    const int64_t mr = imin_(MR, mc - ir);
    float* d = dst + ir * kc;
    if (!g.trans_a) {
      int64_t k0 = 0;
#if FATHOM_SIMD_AVX2
      if (mr == MR) {
        const __m256 va = _mm256_set1_ps(g.alpha);
        const __m256i six = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);
        for (; k0 + 8 <= kc; k0 += 8) {
          __m256 r[8];
          for (int i = 0; i < MR; i++) r[i] = _mm256_mul_ps(va, _mm256_loadu_ps(g.a + (i0 + ir + i) * g.lda + p0 + k0));
          r[6] = r[7] = _mm256_setzero_ps();
          transpose8(r);
          for (int k = 0; k < 8; k++) _mm256_maskstore_ps(d + (k0 + k) * MR, six, r[k]);
        }
      }
#endif
      for (int64_t i = 0; i < mr; i++) {
        const float* src = g.a + (i0 + ir + i) * g.lda + p0;
        for (int64_t k = k0; k < kc; k++) d[k * MR + i] = g.alpha * src[k];
      }
    } else {
      for (int64_t k = 0; k < kc; k++) {
        const float* src = g.a + (p0 + k) * g.lda + i0 + ir;
        for (int64_t i = 0; i < mr; i++) d[k * MR + i] = g.alpha * src[i];
      }
    }
    for (int64_t i = mr; i < MR; i++)
      for (int64_t k = 0; k < kc; k++) d[k * MR + i] = 0.0f;
  }
}

// Packs op(B)[p0:p0+kc, j0:j0+nc] into NR-column panels: panel c holds, for each k, NR values.
void pack_b(const GemmArgs& g, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int64_t nr = imin_(NR, nc - jr);
    float* d = dst + jr * kc;
    if (!g.trans_b) {
      for (int64_t k = 0; k < kc; k++) {
        const float* src = g.b + (p0 + k) * g.ldb + j0 + jr;
        float* dk = d + k * NR;
        if (nr == NR) {
          for (int v = 0; v < NR; v += W) vstore(dk + v, vload(src + v));
        } else {
          for (int64_t j = 0; j < nr; j++) dk[j] = src[j];
          for (int64_t j = nr; j < NR; j++) dk[j] = 0.0f;
        }
      }
    } else {
      int64_t k0 = 0;
#if FATHOM_SIMD_AVX2
      if (nr == NR) {
        for (; k0 + 8 <= kc; k0 += 8) {
          for (int half = 0; half < NR; half += 8) {
            __m256 r[8];
            for (int j = 0; j < 8; j++) r[j] = _mm256_loadu_ps(g.b + (j0 + jr + half + j) * g.ldb + p0 + k0);
            transpose8(r);
            for (int k = 0; k < 8; k++) _mm256_storeu_ps(d + (k0 + k) * NR + half, r[k]);
          }
        }
      }
#endif
      for (int64_t j = 0; j < nr; j++) {
        const float* src = g.b + (j0 + jr + j) * g.ldb + p0;
        for (int64_t k = k0; k < kc; k++) d[k * NR + j] = src[k];
      }
      for (int64_t j = nr; j < NR; j++)
        for (int64_t k = 0; k < kc; k++) d[k * NR + j] = 0.0f;
    }
  }
}

// C[0:mr, 0:nr] = beta * C + A_panel · B_panel over kc. beta == 0 never reads C.
void micro_kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* c,
                  int64_t ldc, float beta, int64_t mr, int64_t nr) {
  V c0[MR], c1[MR];
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++) { c0[i] = vzero(); c1[i] = vzero(); }
  for (int64_t k = 0; k < kc; k++) {
    const V b0 = vload(b), b1 = vload(b + W);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      const V ai = vset(a[i]);
      c0[i] = vfma(ai, b0, c0[i]);
      c1[i] = vfma(ai, b1, c1[i]);
    }
    a += MR;
    b += NR;
  }
  if (mr == MR && nr == NR) {
    const V vb = vset(beta);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      float* ci = c + i * ldc;
      if (beta == 0.0f) {
        vstore(ci, c0[i]);
        vstore(ci + W, c1[i]);
      } else if (beta == 1.0f) {
        vstore(ci, vload(ci) + c0[i]);
        vstore(ci + W, vload(ci + W) + c1[i]);
      } else {
        vstore(ci, vfma(vb, vload(ci), c0[i]));
        vstore(ci + W, vfma(vb, vload(ci + W), c1[i]));
      }
    }
    return;
  }
  alignas(64) float tile[MR * NR];
  for (int i = 0; i < MR; i++) { vstore(tile + i * NR, c0[i]); vstore(tile + i * NR + W, c1[i]); }
  for (int64_t i = 0; i < mr; i++)
    for (int64_t j = 0; j < nr; j++) {
      float* cij = c + i * ldc + j;
      *cij = beta == 0.0f ? tile[i * NR + j] : beta * *cij + tile[i * NR + j];
    }
}

// The full blocked loop nest on C[i0:i0+m, j0:j0+n] (one thread).
void gemm_block(const GemmArgs& g, int64_t i0, int64_t m, int64_t j0, int64_t n) {
  if (m <= 0 || n <= 0) return;
  if (g.k == 0) {
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        float* cij = g.c + (i0 + i) * g.ldc + j0 + j;
        *cij = g.beta == 0.0f ? 0.0f : g.beta * *cij;
      }
    return;
  }
  const int64_t kc_max = imin_(KC, g.k), nc_max = imin_(NC, (n + NR - 1) / NR * NR);
  const int64_t mc_max = imin_(MC, (m + MR - 1) / MR * MR);
  float* pa = t_pack_a.get(mc_max * kc_max);
  float* pb = t_pack_b.get(nc_max * kc_max);
  for (int64_t jc = 0; jc < n; jc += NC) {
    const int64_t nc = imin_(NC, n - jc);
    for (int64_t pc = 0; pc < g.k; pc += KC) {
      const int64_t kc = imin_(KC, g.k - pc);
      const float beta = pc == 0 ? g.beta : 1.0f;  // later k-blocks accumulate
      pack_b(g, pc, kc, j0 + jc, nc, pb);
      for (int64_t ic = 0; ic < m; ic += MC) {
        const int64_t mc = imin_(MC, m - ic);
        pack_a(g, i0 + ic, mc, pc, kc, pa);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          for (int64_t ir = 0; ir < mc; ir += MR) {
            float* c = g.c + (i0 + ic + ir) * g.ldc + j0 + jc + jr;
            micro_kernel(kc, pa + ir * kc, pb + jr * kc, c, g.ldc, beta, imin_(MR, mc - ir),
                         imin_(NR, nc - jr));
          }
        }
      }
    }
  }
}

}  // namespace

void gemm_serial(const GemmArgs& g) { gemm_block(g, 0, g.m, 0, g.n); }

// Splits C along its larger side into one block per thread: splitting n makes every thread pack
// all of A (m·k) and splitting m all of B (k·n), so the larger side is the cheaper one to cut.
void gemm(const GemmArgs& g) {
  const int64_t threads = pool_threads();
  const double work = static_cast<double>(g.m) * g.n * g.k;
  // Below ≈128³ multiply-adds (≈ 40 µs on one core) waking a second thread costs more than it saves.
  if (threads <= 1 || pool_in_task() || work < 2097152.0) {
    gemm_serial(g);
    return;
  }
  const bool split_n = g.n >= g.m;
  const int64_t len = split_n ? g.n : g.m, unit = split_n ? NR : MR;
  const int64_t units = (len + unit - 1) / unit;
  const int64_t parts = imin_(threads, units);
  if (parts <= 1) {
    gemm_serial(g);
    return;
  }
  parallel_tasks(parts, [&](int64_t t) {
    const int64_t lo = units * t / parts * unit, hi = imin_(len, units * (t + 1) / parts * unit);
    if (split_n) gemm_block(g, 0, g.m, lo, hi - lo);
    else gemm_block(g, lo, hi - lo, 0, g.n);
  });
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
