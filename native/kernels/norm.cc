// LayerNorm (Ba et al., 2016) and RMSNorm (Zhang & Sennrich, 2019) over the last axis, forward
// and backward, fused as in llm.c's layernorm_forward/backward: the forward saves mean and rstd
// per row so the backward needs one pass over x. The weight/bias gradients are summed per thread
// (64 rows in float, then into double) and combined at the end, so they are deterministic for a
// given thread count and accurate however many rows there are. Rows narrower than 32 features
// take a double-precision path (see kNarrow).
#include "kernels/common.h"

namespace fathom {
namespace FATHOM_ISA_NS {
namespace {

constexpr int64_t kFlushRows = 64;

// Per-thread accumulators for column sums (gw, gb): float block partials flushed into doubles.
struct ColumnSums {
  int64_t c;
  Buf<float> blk;
  Buf<double> acc;
  ColumnSums(int64_t cols, int n) : c(cols), blk(cols * n), acc(cols * n) {}
  void flush(int i) {
    for (int64_t j = 0; j < c; j++) { acc[i * c + j] += blk[i * c + j]; blk[i * c + j] = 0.0f; }
  }
};

// Splits rows into parts (one per thread), calls body(row, part) and makes sure each part's
// column partials are flushed every kFlushRows rows and at the end.
template <class F>
int run_row_parts(int64_t rows, int64_t c, ColumnSums* sums, F body) {
  const int64_t parts = imax_(1, imin_(pool_threads(), rows * c / kParallelGrain));
  parallel_tasks(parts, [&](int64_t p) {
    const int64_t lo = rows * p / parts, hi = rows * (p + 1) / parts;
    for (int64_t r = lo; r < hi; r++) {
      body(r, static_cast<int>(p));
      if (sums && (r - lo) % kFlushRows == kFlushRows - 1) sums->flush(static_cast<int>(p));
    }
    if (sums) sums->flush(static_cast<int>(p));
  });
  return static_cast<int>(parts);
}

// out[0:n] = sum over parts of the accumulated columns [from, from + n).
void combine(const ColumnSums& s, int parts, int64_t from, int64_t n, float* out) {
  for (int64_t j = 0; j < n; j++) {
    double t = 0.0;
    for (int p = 0; p < parts; p++) t += s.acc[p * s.c + from + j];
    out[j] = static_cast<float>(t);
  }
}

// Rows narrower than this take a double-precision path in the backward. With few features the
// input gradient is a near-total cancellation (for C = 1 or 2 it is driven only by eps), which
// float arithmetic turns into rounding noise; wide rows don't cancel systematically, and the
// narrow ones are too small for the slower path to cost anything.
constexpr int64_t kNarrow = 32;

// Mean (when centered) and 1/√(var + eps) of a narrow row, in double and rounded once, as the
// reference kernels compute them: the narrow backward is sensitive to the last bit of rstd.
void narrow_stats(const float* x, int64_t c, float eps, bool centered, float* mean, float* rstd) {
  double m = 0.0;
  if (centered) {
    for (int64_t j = 0; j < c; j++) m += x[j];
    m /= static_cast<double>(c);
  }
  double v = 0.0;
  for (int64_t j = 0; j < c; j++) {
    const double d = x[j] - m;
    v += d * d;
  }
  *mean = static_cast<float>(m);
  *rstd = static_cast<float>(1.0 / std::sqrt(v / static_cast<double>(c) + static_cast<double>(eps)));
}

void layernorm_bwd_row_f64(const float* x, const float* w, float mean, float rstd, const float* gy,
                           float* gx, float* aw, float* ab, int64_t c) {
  double d1 = 0.0, d2 = 0.0;
  for (int64_t j = 0; j < c; j++) {
    const double xh = (static_cast<double>(x[j]) - mean) * rstd;
    const double dn = w ? static_cast<double>(gy[j]) * w[j] : gy[j];
    d1 += dn;
    d2 += dn * xh;
    if (aw) {
      aw[j] += static_cast<float>(gy[j] * xh);
      ab[j] += gy[j];
    }
  }
  if (!gx) return;
  d1 /= static_cast<double>(c);
  d2 /= static_cast<double>(c);
  for (int64_t j = 0; j < c; j++) {
    const double xh = (static_cast<double>(x[j]) - mean) * rstd;
    const double dn = w ? static_cast<double>(gy[j]) * w[j] : gy[j];
    gx[j] = static_cast<float>((dn - d1 - xh * d2) * rstd);
  }
}

void rmsnorm_bwd_row_f64(const float* x, const float* w, float rstd, const float* gy, float* gx,
                         float* aw, int64_t c) {
  double d = 0.0;
  for (int64_t j = 0; j < c; j++) {
    const double xh = static_cast<double>(x[j]) * rstd;
    const double dn = w ? static_cast<double>(gy[j]) * w[j] : gy[j];
    d += dn * xh;
    if (aw) aw[j] += static_cast<float>(gy[j] * xh);
  }
  if (!gx) return;
  d /= static_cast<double>(c);
  for (int64_t j = 0; j < c; j++) {
    const double xh = static_cast<double>(x[j]) * rstd;
    const double dn = w ? static_cast<double>(gy[j]) * w[j] : gy[j];
    gx[j] = static_cast<float>((dn - xh * d) * rstd);
  }
}

}  // namespace

void layernorm_fwd(const float* x, const float* w, const float* b, float* y, float* mean,
                   float* rstd, int64_t rows, int64_t c, float eps) {
  parallel_for(rows, imax_(1, kParallelGrain / imax_(c, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      const float* xr = x + r * c;
      float* yr = y + r * c;
      float mu, rs;
      if (c < kNarrow) {
        narrow_stats(xr, c, eps, true, &mu, &rs);
      } else {
        mu = row_sum(xr, c) / static_cast<float>(c);
        // Two passes (mean, then squared deviations) avoid E[x²] - E[x]² cancellation.
        V acc = vzero();
        const V vm0 = vset(mu);
        int64_t j = 0;
        for (; j + W <= c; j += W) { V d = vload(xr + j) - vm0; acc = vfma(d, d, acc); }
        float var = vsum(acc);
        for (; j < c; j++) { float d = xr[j] - mu; var += d * d; }
        rs = 1.0f / std::sqrt(var / static_cast<float>(c) + eps);
      }
      if (mean) mean[r] = mu;
      if (rstd) rstd[r] = rs;
      const V vr = vset(rs), vm = vset(mu);
      int64_t j = 0;
      for (; j + W <= c; j += W) {
        V n = (vload(xr + j) - vm) * vr;
        if (w) n = n * vload(w + j);
        if (b) n = n + vload(b + j);
        vstore(yr + j, n);
      }
      for (; j < c; j++) {
        float n = (xr[j] - mu) * rs;
        if (w) n *= w[j];
        if (b) n += b[j];
        yr[j] = n;
      }
    }
  });
}

void layernorm_bwd(const float* x, const float* w, const float* mean, const float* rstd,
                   const float* gy, float* gx, float* gw, float* gb, int64_t rows, int64_t c) {
  // One accumulator row per thread holds [gw partial (c) | gb partial (c)].
  ColumnSums sums(2 * c, pool_threads());
  const bool need_sums = gw || gb;
  const int parts = run_row_parts(rows, c, need_sums ? &sums : nullptr, [&](int64_t r, int p) {
    const float* xr = x + r * c;
    const float* gr = gy + r * c;
    float* aw = sums.blk.data() + p * 2 * c;
    float* ab = aw + c;
    if (c < kNarrow) {
      layernorm_bwd_row_f64(xr, w, mean[r], rstd[r], gr, gx ? gx + r * c : nullptr, need_sums ? aw : nullptr, ab, c);
      return;
    }
    const V vm = vset(mean[r]), vr = vset(rstd[r]);
    // dnorm = gy * w; gx = rstd * (dnorm - mean(dnorm) - xhat * mean(dnorm * xhat))
    V s1 = vzero(), s2 = vzero();
    int64_t j = 0;
    for (; j + W <= c; j += W) {
      V g = vload(gr + j);
      V xh = (vload(xr + j) - vm) * vr;
      V dn = w ? g * vload(w + j) : g;
      s1 = s1 + dn;
      s2 = vfma(dn, xh, s2);
      if (need_sums) {
        vstore(aw + j, vfma(g, xh, vload(aw + j)));
        vstore(ab + j, vload(ab + j) + g);
      }
    }
    float d1 = vsum(s1), d2 = vsum(s2);
    for (; j < c; j++) {
      float xh = (xr[j] - mean[r]) * rstd[r];
      float dn = w ? gr[j] * w[j] : gr[j];
      d1 += dn;
      d2 += dn * xh;
      if (need_sums) { aw[j] += gr[j] * xh; ab[j] += gr[j]; }
    }
    if (!gx) return;
    const float inv_c = 1.0f / static_cast<float>(c);
    d1 *= inv_c;
    d2 *= inv_c;
    const V vd1 = vset(d1), vd2 = vset(d2);
    float* gxr = gx + r * c;
    j = 0;
    for (; j + W <= c; j += W) {
      V xh = (vload(xr + j) - vm) * vr;
      V dn = w ? vload(gr + j) * vload(w + j) : vload(gr + j);
      vstore(gxr + j, (dn - vd1 - xh * vd2) * vr);
    }
    for (; j < c; j++) {
      float xh = (xr[j] - mean[r]) * rstd[r];
      float dn = w ? gr[j] * w[j] : gr[j];
      gxr[j] = (dn - d1 - xh * d2) * rstd[r];
    }
  });
  if (gw) combine(sums, parts, 0, c, gw);
  if (gb) combine(sums, parts, c, c, gb);
}

void rmsnorm_fwd(const float* x, const float* w, float* y, float* rstd, int64_t rows, int64_t c,
                 float eps) {
  parallel_for(rows, imax_(1, kParallelGrain / imax_(c, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      const float* xr = x + r * c;
      float* yr = y + r * c;
      float rs, unused;
      if (c < kNarrow) narrow_stats(xr, c, eps, false, &unused, &rs);
      else rs = 1.0f / std::sqrt(row_dot(xr, xr, c) / static_cast<float>(c) + eps);
      if (rstd) rstd[r] = rs;
      const V vr = vset(rs);
      int64_t j = 0;
      for (; j + W <= c; j += W) {
        V n = vload(xr + j) * vr;
        vstore(yr + j, w ? n * vload(w + j) : n);
      }
      for (; j < c; j++) yr[j] = w ? xr[j] * rs * w[j] : xr[j] * rs;
    }
  });
}

void rmsnorm_bwd(const float* x, const float* w, const float* rstd, const float* gy, float* gx,
                 float* gw, int64_t rows, int64_t c) {
  ColumnSums sw(gw ? c : 0, pool_threads());
  const int parts = run_row_parts(rows, c, gw ? &sw : nullptr, [&](int64_t r, int p) {
    const float* xr = x + r * c;
    const float* gr = gy + r * c;
    const float rs = rstd[r];
    if (c < kNarrow) {
      rmsnorm_bwd_row_f64(xr, w, rs, gr, gx ? gx + r * c : nullptr, gw ? sw.blk.data() + p * c : nullptr, c);
      return;
    }
    const V vr = vset(rs);
    // dnorm = gy * w; gx = rstd * (dnorm - xhat * mean(dnorm * xhat)), xhat = x * rstd
    V s = vzero();
    int64_t j = 0;
    for (; j + W <= c; j += W) {
      V xh = vload(xr + j) * vr;
      V dn = w ? vload(gr + j) * vload(w + j) : vload(gr + j);
      s = vfma(dn, xh, s);
      if (gw) { float* a = sw.blk.data() + p * c + j; vstore(a, vfma(vload(gr + j), xh, vload(a))); }
    }
    float d = vsum(s);
    for (; j < c; j++) {
      float xh = xr[j] * rs;
      float dn = w ? gr[j] * w[j] : gr[j];
      d += dn * xh;
      if (gw) sw.blk[p * c + j] += gr[j] * xh;
    }
    if (!gx) return;
    d /= static_cast<float>(c);
    const V vd = vset(d);
    float* gxr = gx + r * c;
    j = 0;
    for (; j + W <= c; j += W) {
      V xh = vload(xr + j) * vr;
      V dn = w ? vload(gr + j) * vload(w + j) : vload(gr + j);
      vstore(gxr + j, (dn - xh * vd) * vr);
    }
    for (; j < c; j++) {
      float xh = xr[j] * rs;
      float dn = w ? gr[j] * w[j] : gr[j];
      gxr[j] = (dn - xh * d) * rs;
    }
  });
  if (gw) combine(sw, parts, 0, c, gw);
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
