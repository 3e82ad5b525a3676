// Reductions over one (collapsed) axis — sum, mean, max, min, argmax — plus sum of squares (for
// gradient-norm clipping). Sums down columns (bias gradients over thousands
// of rows) accumulate in double; sums along rows add float partials of 256 elements in double,
// so their error does not grow with the length of the axis.
#include "kernels/common.h"

namespace fathom {
namespace FATHOM_ISA_NS {
namespace {

constexpr int64_t kSumBlock = 256;

double long_sum(const float* x, int64_t n) {
  double s = 0.0;
  for (int64_t i = 0; i < n; i += kSumBlock) s += row_sum(x + i, imin_(kSumBlock, n - i));
  return s;
}

float long_max(const float* x, int64_t n, bool is_max) {
  V m = vset(is_max ? -INFINITY : INFINITY);
  int64_t j = 0;
  // The running value is vmax's second operand, so a NaN, once in, stays (NaN propagates).
  for (; j + W <= n; j += W) {
    V v = vload(x + j);
    m = vselect(visnan(v), v, is_max ? vmax(v, m) : vmin(v, m));
  }
  alignas(32) float lanes[W];
  vstore(lanes, m);
  float r = lanes[0];
  for (int l = 1; l < W; l++) r = (r != r || lanes[l] != lanes[l]) ? NAN : (is_max ? fmax_(r, lanes[l]) : fmin_(r, lanes[l]));
  for (; j < n; j++) r = (r != r || x[j] != x[j]) ? NAN : (is_max ? fmax_(r, x[j]) : fmin_(r, x[j]));
  return r;
}

// Accumulates rows [j0, j1) of x viewed as [mid, inner] into acc (sum/mean: doubles, which the
// compiler vectorises as float→double adds, as cheap as float here since the loop streams x) or
// into m (max/min, NaN propagating). Rows are read whole and in order, which the prefetcher likes.
void accumulate_rows(int op, const float* x, int64_t j0, int64_t j1, int64_t inner, double* acc, float* m) {
  for (int64_t j = j0; j < j1; j++) {
    const float* row = x + j * inner;
    if (op == kMax || op == kMin) {
      const bool is_max = op == kMax;
      for (int64_t i = 0; i < inner; i++) {
        const float v = row[i], o = m[i];
        m[i] = (o != o || v != v) ? NAN : (is_max ? fmax_(o, v) : fmin_(o, v));
      }
    } else {
      for (int64_t i = 0; i < inner; i++) acc[i] += row[i];
    }
  }
}

}  // namespace

void reduce(int op, const float* x, float* out, int64_t outer, int64_t mid, int64_t inner) {
  if (outer == 0 || inner == 0) return;
  if (inner == 1) {
    parallel_for(outer, imax_(1, kParallelGrain / imax_(mid, 1)), [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; o++) {
        const float* row = x + o * mid;
        if (op == kMax || op == kMin) out[o] = long_max(row, mid, op == kMax);
        else {
          const double s = long_sum(row, mid);
          out[o] = static_cast<float>(op == kMean ? s / static_cast<double>(mid) : s);
        }
      }
    });
    return;
  }
  const bool extreme = op == kMax || op == kMin;
  const float init = op == kMax ? -INFINITY : INFINITY;
  const double scale = op == kMean ? 1.0 / static_cast<double>(mid) : 1.0;
  const int64_t threads = pool_threads();
  if (outer >= 2 * threads || outer * mid * inner < 4 * kParallelGrain) {
    // Many independent outputs (or little work): one outer index per task.
    parallel_for(outer, imax_(1, kParallelGrain / imax_(mid * inner, 1)), [&](int64_t lo, int64_t hi) {
      Buf<double> acc(extreme ? 0 : inner);
      for (int64_t o = lo; o < hi; o++) {
        float* dst = out + o * inner;
        if (extreme) {
          for (int64_t i = 0; i < inner; i++) dst[i] = init;
          accumulate_rows(op, x + o * mid * inner, 0, mid, inner, nullptr, dst);
        } else {
          for (int64_t i = 0; i < inner; i++) acc[i] = 0.0;
          accumulate_rows(op, x + o * mid * inner, 0, mid, inner, acc.data(), nullptr);
          for (int64_t i = 0; i < inner; i++) dst[i] = static_cast<float>(acc[i] * scale);
        }
      }
    });
    return;
  }
  // Few outputs over many rows (a bias gradient sums 2048 rows into one): each thread takes a
  // range of rows, then the per-thread partials are combined in a fixed order.
  const int64_t parts = imin_(threads, imax_(1, mid / 16));
  Buf<double> acc(extreme ? 0 : parts * inner);
  Buf<float> ext(extreme ? parts * inner : 0);
  for (int64_t o = 0; o < outer; o++) {
    const float* xo = x + o * mid * inner;
    parallel_tasks(parts, [&](int64_t p) {
      const int64_t j0 = mid * p / parts, j1 = mid * (p + 1) / parts;
      if (extreme) {
        for (int64_t i = 0; i < inner; i++) ext[p * inner + i] = init;
        accumulate_rows(op, xo, j0, j1, inner, nullptr, ext.data() + p * inner);
      } else {
        for (int64_t i = 0; i < inner; i++) acc[p * inner + i] = 0.0;
        accumulate_rows(op, xo, j0, j1, inner, acc.data() + p * inner, nullptr);
      }
    });
    float* dst = out + o * inner;
    for (int64_t i = 0; i < inner; i++) {
      if (extreme) {
        float m = init;
        for (int64_t p = 0; p < parts; p++) {
          const float v = ext[p * inner + i];
          m = (m != m || v != v) ? NAN : (op == kMax ? fmax_(m, v) : fmin_(m, v));
        }
        dst[i] = m;
      } else {
        double t = 0.0;
        for (int64_t p = 0; p < parts; p++) t += acc[p * inner + i];
        dst[i] = static_cast<float>(t * scale);
      }
    }
  }
}

void argmax(const float* x, float* out, int64_t outer, int64_t mid, int64_t inner) {
  parallel_for(outer * inner, imax_(1, kParallelGrain / imax_(mid, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; t++) {
      const int64_t o = t / inner, i = t % inner;
      const float* p = x + o * mid * inner + i;
      int64_t best = 0;
      float bv = mid > 0 ? p[0] : 0.0f;
      for (int64_t j = 1; j < mid && bv == bv; j++) {
        const float v = p[j * inner];
        if (v > bv || v != v) { bv = v; best = j; }
      }
      out[t] = static_cast<float>(best);
    }
  });
}

double sum_squares(const float* x, int64_t n) {
  const int64_t threads = pool_threads();
  double partial[64] = {0};
  const int64_t parts = n < 4 * kParallelGrain ? 1 : imin_(threads, 64);
  parallel_tasks(parts, [&](int64_t p) {
    const int64_t lo = n * p / parts, hi = n * (p + 1) / parts;
    double s = 0.0;
    for (int64_t i = lo; i < hi; i += kSumBlock) {
      const int64_t len = imin_(kSumBlock, hi - i);
      s += row_dot(x + i, x + i, len);
    }
    partial[p] = s;
  });
  double s = 0.0;
  for (int64_t p = 0; p < parts; p++) s += partial[p];
  return s;
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
