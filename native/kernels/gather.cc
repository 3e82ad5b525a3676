// Row gathers: embedding lookup and its scatter-add backward, and rotary position embeddings.
// The embedding backward splits columns (not rows) across threads, so repeated token ids never
// race and the sum order — hence the result — does not depend on the thread count.
#include "kernels/common.h"

#include <cstring>

namespace fathom {
namespace FATHOM_ISA_NS {

void embedding_fwd(const float* w, const int32_t* idx, float* out, int64_t n, int64_t c) {
  parallel_for(n, imax_(1, kParallelGrain / imax_(c, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++)
      std::memcpy(out + r * c, w + static_cast<int64_t>(idx[r]) * c, static_cast<size_t>(c) * 4);
  });
}

void embedding_bwd(const float* gout, const int32_t* idx, float* gw, int64_t n, int64_t c) {
  const int64_t parts = n * c < 4 * kParallelGrain ? 1 : imin_(pool_threads(), (c + W - 1) / W);
  parallel_tasks(parts, [&](int64_t p) {
    // Column ranges are multiples of W so vector stores never straddle two threads.
    const int64_t units = (c + W - 1) / W;
    const int64_t lo = imin_(c, units * p / parts * W), hi = imin_(c, units * (p + 1) / parts * W);
    for (int64_t r = 0; r < n; r++) {
      const float* g = gout + r * c;
      float* dst = gw + static_cast<int64_t>(idx[r]) * c;
      int64_t j = lo;
      for (; j + W <= hi; j += W) vstore(dst + j, vload(dst + j) + vload(g + j));
      for (; j < hi; j++) dst[j] += g[j];
    }
  });
}

void rope(const float* x, const float* cos, const float* sin, float* y, int64_t n, int64_t t,
          int64_t h, int64_t d, int64_t pos0, bool interleaved, bool inverse) {
  const int64_t half = d / 2;
  const float sgn = inverse ? -1.0f : 1.0f;
  parallel_for(n * t, imax_(1, kParallelGrain / imax_(h * d, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t nt = lo; nt < hi; nt++) {
      const int64_t pos = pos0 + nt % t;
      const float* cr = cos + pos * half;
      const float* sr = sin + pos * half;
      for (int64_t hh = 0; hh < h; hh++) {
        const float* xr = x + (nt * h + hh) * d;
        float* yr = y + (nt * h + hh) * d;
        if (interleaved) {
          for (int64_t i = 0; i < half; i++) {
            const float a = xr[2 * i], b = xr[2 * i + 1], c = cr[i], s = sgn * sr[i];
            yr[2 * i] = a * c - b * s;
            yr[2 * i + 1] = b * c + a * s;
          }
          continue;
        }
        const V vs = vset(sgn);
        int64_t i = 0;
        for (; i + W <= half; i += W) {
          const V a = vload(xr + i), b = vload(xr + half + i), c = vload(cr + i), s = vload(sr + i) * vs;
          vstore(yr + i, a * c - b * s);
          vstore(yr + half + i, vfma(a, s, b * c));
        }
        for (; i < half; i++) {
          const float a = xr[i], b = xr[half + i], c = cr[i], s = sgn * sr[i];
          yr[i] = a * c - b * s;
          yr[half + i] = b * c + a * s;
        }
      }
    }
  });
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
