// Softmax, log-softmax and log-sum-exp over the last axis, and cross-entropy fused with
// log-softmax (as llm.c's fused classifier): the forward keeps only the per-row log-sum-exp, and
// the backward rebuilds softmax from it in one pass, so the [rows, vocab] probabilities are never
// stored. Rows are independent, so they split across the pool.
#include "kernels/common.h"

namespace fathom {
namespace FATHOM_ISA_NS {
namespace {

// One row of scratch per thread, kept for the thread's life: allocating it per call from pool
// threads made glibc grow a malloc arena per worker, which crept up over long training loops.
thread_local Scratch t_row;

inline int64_t row_grain(int64_t c) { return imax_(1, kParallelGrain / imax_(c, 1)); }

// log Σ exp(x) over a row, stable; -inf for an empty or all -inf row.
inline float row_lse(const float* x, int64_t c, float* scratch) {
  const float m = row_max(x, c);
  if (m == -INFINITY) return -INFINITY;
  if (m == INFINITY) return INFINITY;
  return m + std::log(row_exp_sum(x, scratch, c, m));
}

}  // namespace

void softmax_fwd(const float* x, float* y, int64_t rows, int64_t c, bool log) {
  parallel_for(rows, row_grain(c), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      const float* xr = x + r * c;
      float* yr = y + r * c;
      const float m = row_max(xr, c);
      const float s = row_exp_sum(xr, yr, c, m);
      int64_t j = 0;
      if (log) {
        const V sh = vset(m + std::log(s));
        for (; j + W <= c; j += W) vstore(yr + j, vload(xr + j) - sh);
        for (; j < c; j++) yr[j] = xr[j] - vfirst(sh);
      } else {
        const V inv = vset(1.0f / s);
        for (; j + W <= c; j += W) vstore(yr + j, vload(yr + j) * inv);
        for (; j < c; j++) yr[j] *= vfirst(inv);
      }
    }
  });
}

void softmax_bwd(const float* y, const float* gy, float* gx, int64_t rows, int64_t c, bool log) {
  parallel_for(rows, row_grain(c), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      const float* yr = y + r * c;
      const float* gr = gy + r * c;
      float* out = gx + r * c;
      int64_t j = 0;
      if (log) {  // gx = gy - exp(y) * Σ gy
        const V s = vset(row_sum(gr, c));
        for (; j + W <= c; j += W) vstore(out + j, vload(gr + j) - vexp(vload(yr + j)) * s);
        for (; j < c; j++) out[j] = gr[j] - sexp(yr[j]) * vfirst(s);
      } else {  // gx = y * (gy - Σ gy·y)
        const V d = vset(row_dot(gr, yr, c));
        for (; j + W <= c; j += W) vstore(out + j, vload(yr + j) * (vload(gr + j) - d));
        for (; j < c; j++) out[j] = yr[j] * (gr[j] - vfirst(d));
      }
    }
  });
}

void logsumexp(const float* x, float* out, int64_t rows, int64_t c) {
  parallel_for(rows, row_grain(c), [&](int64_t lo, int64_t hi) {
    float* scratch = t_row.get(imax_(c, 1));
    for (int64_t r = lo; r < hi; r++) out[r] = row_lse(x + r * c, c, scratch);
  });
}

void cross_entropy_fwd(const float* logits, const int32_t* targets, const float* weights,
                       int32_t ignore_index, float* loss, float* lse, int64_t rows, int64_t v) {
  parallel_for(rows, row_grain(v), [&](int64_t lo, int64_t hi) {
    float* scratch = t_row.get(imax_(v, 1));
    for (int64_t r = lo; r < hi; r++) {
      const float* xr = logits + r * v;
      const float l = row_lse(xr, v, scratch);
      lse[r] = l;
      const int32_t t = targets[r];
      if (t == ignore_index || t < 0 || t >= v) {
        loss[r] = 0.0f;  // out-of-range targets are rejected in TS before this is called
        continue;
      }
      const float w = weights ? weights[r] : 1.0f;
      loss[r] = w == 0.0f ? 0.0f : w * (l - xr[t]);
    }
  });
}

void cross_entropy_bwd(const float* logits, const float* lse, const int32_t* targets,
                       const float* weights, int32_t ignore_index, float scale, float* gx,
                       int64_t rows, int64_t v) {
  parallel_for(rows, row_grain(v), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      const float* xr = logits + r * v;
      float* gr = gx + r * v;
      const int32_t t = targets[r];
      const float w = (t == ignore_index || t < 0 || t >= v) ? 0.0f : scale * (weights ? weights[r] : 1.0f);
      int64_t j = 0;
      if (w == 0.0f) {
        for (; j < v; j++) gr[j] = 0.0f;
        continue;
      }
      const V sh = vset(lse[r]), vw = vset(w);
      for (; j + W <= v; j += W) vstore(gr + j, vexp(vload(xr + j) - sh) * vw);
      for (; j < v; j++) gr[j] = sexp(xr[j] - lse[r]) * w;
      gr[t] -= w;
    }
  });
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
