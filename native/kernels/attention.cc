// Fused scaled-dot-product attention, forward and backward (Vaswani et al., 2017), computed per
// (batch, head) in blocks of query rows as in FlashAttention (Dao et al., 2022): a block's scores
// S = scale·Q Kᵀ (+ mask) live only in a per-thread scratch, the forward saves one log-sum-exp per
// row, and the backward rebuilds P = exp(S - lse) instead of storing the [T, T] probabilities.
// With a causal mask a block only touches the keys its last row can see, which skips about half
// of the work. The small GEMMs run on the calling pool thread (gemm_serial): the pool parallelises
// over (batch, head, block) and OpenBLAS must never be called from inside it.
//
// The backward uses Dᵢ = Σⱼ Pᵢⱼ dPᵢⱼ (= dOᵢ·Oᵢ), so the forward output is not needed.
#include "kernels/common.h"

namespace fathom {
namespace FATHOM_ISA_NS {
namespace {

thread_local Scratch t_scores, t_dscores;

// Query rows per block: small enough that the causal skip pays off and S stays in L2.
inline int64_t block_rows(const AttentionArgs& a) {
  int64_t bq = 32;
  while (bq > 8 && bq * a.tk > 65536) bq /= 2;
  return bq;
}

// Keys visible to query row i (0-based within q): [0, visible(i)).
inline int64_t visible(const AttentionArgs& a, int64_t i) {
  return a.causal ? imax_(0, imin_(a.tk, i + a.offset + 1)) : a.tk;
}

// Fills s[bq, ld] with scale·Q Kᵀ (+ mask) for query rows [i0, i0 + bq) and keys [0, kend).
void scores(const AttentionArgs& a, int64_t b, int64_t h, int64_t hk, int64_t i0, int64_t bq,
            int64_t kend, float* s) {
  GemmArgs g;
  g.trans_b = true;
  g.m = bq; g.n = kend; g.k = a.d;
  g.alpha = a.scale;
  g.a = a.q + b * a.sq.b + h * a.sq.h + i0 * a.sq.t; g.lda = a.sq.t;
  g.b = a.k + b * a.sk.b + hk * a.sk.h; g.ldb = a.sk.t;
  g.beta = 0.0f;
  g.c = s; g.ldc = kend;
  gemm_serial(g);
  if (!a.mask) return;
  for (int64_t i = 0; i < bq; i++) {
    const float* mr = a.mask + b * a.smask.b + h * a.smask.h + (i0 + i) * a.smask.t;
    float* sr = s + i * kend;
    int64_t j = 0;
    for (; j + W <= kend; j += W) vstore(sr + j, vload(sr + j) + vload(mr + j));
    for (; j < kend; j++) sr[j] += mr[j];
  }
}

void forward_block(const AttentionArgs& a, int64_t b, int64_t h, int64_t i0, int64_t bq) {
  const int64_t hk = h / (a.hq / a.hkv);
  const int64_t kend = visible(a, i0 + bq - 1);
  float* o = a.o + b * a.so.b + h * a.so.h + i0 * a.so.t;
  float* lse = a.lse ? a.lse + (b * a.hq + h) * a.tq + i0 : nullptr;
  if (kend <= 0) {  // no visible key for any row of the block
    for (int64_t i = 0; i < bq; i++) {
      for (int64_t j = 0; j < a.dv; j++) o[i * a.so.t + j] = 0.0f;
      if (lse) lse[i] = -INFINITY;
    }
    return;
  }
  float* s = t_scores.get(bq * kend);
  scores(a, b, h, hk, i0, bq, kend, s);
  for (int64_t i = 0; i < bq; i++) {
    float* sr = s + i * kend;
    const int64_t len = visible(a, i0 + i);
    const float m = len > 0 ? row_max(sr, len) : -INFINITY;
    float l = -INFINITY;
    if (m != -INFINITY) {
      const float sum = row_exp_sum(sr, sr, len, m);
      const V inv = vset(1.0f / sum);
      int64_t j = 0;
      for (; j + W <= len; j += W) vstore(sr + j, vload(sr + j) * inv);
      for (; j < len; j++) sr[j] *= vfirst(inv);
      l = m + std::log(sum);
    } else {
      for (int64_t j = 0; j < len; j++) sr[j] = 0.0f;  // fully masked row: output 0
    }
    for (int64_t j = len; j < kend; j++) sr[j] = 0.0f;
    if (lse) lse[i] = l;
  }
  GemmArgs g;  // O = P V
  g.m = bq; g.n = a.dv; g.k = kend;
  g.a = s; g.lda = kend;
  g.b = a.v + b * a.sv.b + hk * a.sv.h; g.ldb = a.sv.t;
  g.c = o; g.ldc = a.so.t;
  gemm_serial(g);
}

// All query heads of one key/value head (so dK, dV have a single writer).
void backward_group(const AttentionArgs& a, int64_t b, int64_t hk) {
  const int64_t group = a.hq / a.hkv, bq = block_rows(a);
  float* gk = a.gk + b * a.sgk.b + hk * a.sgk.h;
  float* gv = a.gv + b * a.sgv.b + hk * a.sgv.h;
  for (int64_t j = 0; j < a.tk; j++) {
    for (int64_t c = 0; c < a.d; c++) gk[j * a.sgk.t + c] = 0.0f;
    for (int64_t c = 0; c < a.dv; c++) gv[j * a.sgv.t + c] = 0.0f;
  }
  for (int64_t h = hk * group; h < (hk + 1) * group; h++) {
    for (int64_t i0 = 0; i0 < a.tq; i0 += bq) {
      const int64_t rows = imin_(bq, a.tq - i0);
      const int64_t kend = visible(a, i0 + rows - 1);
      const float* go = a.go + b * a.sgo.b + h * a.sgo.h + i0 * a.sgo.t;
      float* gq = a.gq + b * a.sgq.b + h * a.sgq.h + i0 * a.sgq.t;
      if (kend <= 0) {
        for (int64_t i = 0; i < rows; i++)
          for (int64_t c = 0; c < a.d; c++) gq[i * a.sgq.t + c] = 0.0f;
        continue;
      }
      float* p = t_scores.get(rows * kend);
      float* dp = t_dscores.get(rows * kend);
      scores(a, b, h, hk, i0, rows, kend, p);
      const float* lse = a.lse + (b * a.hq + h) * a.tq + i0;
      for (int64_t i = 0; i < rows; i++) {  // P = exp(S - lse), 0 where masked
        float* pr = p + i * kend;
        const int64_t len = lse[i] == -INFINITY ? 0 : visible(a, i0 + i);
        const V l = vset(lse[i]);
        int64_t j = 0;
        for (; j + W <= len; j += W) vstore(pr + j, vexp(vload(pr + j) - l));
        for (; j < len; j++) pr[j] = sexp(pr[j] - lse[i]);
        for (; j < kend; j++) pr[j] = 0.0f;
      }
      const float* q = a.q + b * a.sq.b + h * a.sq.h + i0 * a.sq.t;
      const float* k = a.k + b * a.sk.b + hk * a.sk.h;
      const float* v = a.v + b * a.sv.b + hk * a.sv.h;
      GemmArgs g;  // dV += Pᵀ dO
      g.trans_a = true; g.m = kend; g.n = a.dv; g.k = rows;
      g.a = p; g.lda = kend; g.b = go; g.ldb = a.sgo.t; g.beta = 1.0f; g.c = gv; g.ldc = a.sgv.t;
      gemm_serial(g);
      g = GemmArgs();  // dP = dO Vᵀ
      g.trans_b = true; g.m = rows; g.n = kend; g.k = a.dv;
      g.a = go; g.lda = a.sgo.t; g.b = v; g.ldb = a.sv.t; g.c = dp; g.ldc = kend;
      gemm_serial(g);
      for (int64_t i = 0; i < rows; i++) {  // dS = scale · P ∘ (dP - Σⱼ P dP)
        float* pr = p + i * kend;
        float* dr = dp + i * kend;
        const V di = vset(row_dot(pr, dr, kend)), sc = vset(a.scale);
        int64_t j = 0;
        for (; j + W <= kend; j += W) vstore(dr + j, vload(pr + j) * (vload(dr + j) - di) * sc);
        for (; j < kend; j++) dr[j] = pr[j] * (dr[j] - vfirst(di)) * a.scale;
      }
      g = GemmArgs();  // dQ = dS K
      g.m = rows; g.n = a.d; g.k = kend;
      g.a = dp; g.lda = kend; g.b = k; g.ldb = a.sk.t; g.c = gq; g.ldc = a.sgq.t;
      gemm_serial(g);
      g = GemmArgs();  // dK += dSᵀ Q
      g.trans_a = true; g.m = kend; g.n = a.d; g.k = rows;
      g.a = dp; g.lda = kend; g.b = q; g.ldb = a.sq.t; g.beta = 1.0f; g.c = gk; g.ldc = a.sgk.t;
      gemm_serial(g);
    }
  }
}

}  // namespace

void attention_fwd(const AttentionArgs& a) {
  const int64_t bq = block_rows(a), blocks = (a.tq + bq - 1) / bq;
  // Blocks near the end of a causal sequence are the most expensive; handing them out first
  // (reverse order) keeps threads finishing together.
  parallel_tasks(a.batch * a.hq * blocks, [&](int64_t t) {
    const int64_t blk = blocks - 1 - t % blocks, bh = t / blocks;
    const int64_t i0 = blk * bq;
    forward_block(a, bh / a.hq, bh % a.hq, i0, imin_(bq, a.tq - i0));
  });
}

void attention_bwd(const AttentionArgs& a) {
  parallel_tasks(a.batch * a.hkv, [&](int64_t t) { backward_group(a, t / a.hkv, t % a.hkv); });
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
