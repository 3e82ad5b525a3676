// Data movement: strided copies (slices, their backward, concat), fill and permute. All copy rows
// of the innermost dimension; row start offsets advance like an odometer instead of being
// recomputed with divisions, since rows can be as short as one 32-float attention head.
#include "kernels/common.h"

#include <cstring>

namespace fathom {
namespace FATHOM_ISA_NS {
namespace {

// Copies n floats; short rows inline (a call to memcpy costs as much as 32 floats).
inline void copy_row(float* dst, const float* src, int64_t n) {
  if (n > 64) {
    std::memcpy(dst, src, static_cast<size_t>(n) * 4);
    return;
  }
  int64_t i = 0;
  for (; i + W <= n; i += W) vstore(dst + i, vload(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

}  // namespace

void copy_strided(const float* src, float* dst, int nd, const int64_t* shape,
                  const int64_t* src_strides, const int64_t* dst_strides) {
  int64_t total = 1;
  for (int d = 0; d < nd; d++) total *= shape[d];
  if (total == 0) return;
  const int64_t inner = shape[nd - 1], si = src_strides[nd - 1], di = dst_strides[nd - 1];
  const int64_t rows = total / inner;
  const int outer_nd = nd - 1;
  parallel_for(rows, imax_(1, kParallelGrain / inner), [&](int64_t lo, int64_t hi) {
    // Multi-index of row `lo` over the outer dims, then advanced one row at a time.
    int64_t idx[8] = {0}, so = 0, dof = 0;
    for (int64_t d = outer_nd - 1, rem = lo; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      so += idx[d] * src_strides[d];
      dof += idx[d] * dst_strides[d];
    }
    for (int64_t r = lo; r < hi; r++) {
      if (si == 1 && di == 1) copy_row(dst + dof, src + so, inner);
      else for (int64_t i = 0; i < inner; i++) dst[dof + i * di] = src[so + i * si];
      for (int d = outer_nd - 1; d >= 0; d--) {
        so += src_strides[d];
        dof += dst_strides[d];
        if (++idx[d] < shape[d]) break;
        so -= shape[d] * src_strides[d];
        dof -= shape[d] * dst_strides[d];
        idx[d] = 0;
      }
    }
  });
}

void fill(float* dst, int64_t n, float value) {
  parallel_for(n, 4 * kParallelGrain, [&](int64_t lo, int64_t hi) {
    const V v = vset(value);
    int64_t i = lo;
    for (; i + W <= hi; i += W) vstore(dst + i, v);
    for (; i < hi; i++) dst[i] = value;
  });
}

// y = x with axes permuted, as a strided copy into a dense output; output dims that are adjacent
// and in order in x are merged first (e.g. [B,T,H,D]→[B,H,T,D] keeps D rows).
void permute(const float* x, float* y, int nd, const int64_t* shape, const int* perm) {
  int64_t in_stride[8];
  for (int d = nd - 1, s = 1; d >= 0; d--) { in_stride[d] = s; s *= shape[d]; }
  int64_t dims[8], src[8];
  int m = 0;
  for (int d = 0; d < nd; d++) {
    const int64_t size = shape[perm[d]], stride = in_stride[perm[d]];
    if (size == 1) continue;
    if (m > 0 && src[m - 1] == stride * size) {
      dims[m - 1] *= size;
      src[m - 1] = stride;
    } else {
      dims[m] = size;
      src[m] = stride;
      m++;
    }
  }
  if (m == 0) {
    dims[0] = 1;
    src[0] = 1;
    m = 1;
  }
  int64_t dst[8];
  for (int d = m - 1, s = 1; d >= 0; d--) { dst[d] = s; s *= dims[d]; }
  copy_strided(x, y, m, dims, src, dst);
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
