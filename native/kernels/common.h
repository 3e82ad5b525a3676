// Shared includes for the ISA-specific kernel files (each compiled twice, see binding.gyp), and
// the declarations table.cc collects into a KernelTable.
#pragma once
#include <cstdint>
#include <cstdlib>

#include "kernels.h"
#include "pool.h"
#include "kernels/simd.h"

namespace fathom {
namespace FATHOM_ISA_NS {

// Below this many elements a memory-bound kernel runs on the calling thread: waking the pool
// costs more than it saves.
constexpr int64_t kParallelGrain = 16384;

// A per-thread scratch buffer, 64-byte aligned, grown on demand and kept for the next call.
struct Scratch {
  float* p = nullptr;
  int64_t cap = 0;
  ~Scratch() { std::free(p); }
  float* get(int64_t n) {
    if (n > cap) {
      std::free(p);
      cap = n + 64;
      p = static_cast<float*>(std::aligned_alloc(64, ((cap * 4 + 63) / 64) * 64));
    }
    return p;
  }
};

// A zero-initialised heap array. Kernels use this rather than std::vector so that no standard
// library template is instantiated with ISA-specific code (see simd.h).
template <class T>
struct Buf {
  T* p;
  explicit Buf(int64_t n) : p(static_cast<T*>(std::calloc(static_cast<size_t>(n > 0 ? n : 1), sizeof(T)))) {}
  ~Buf() { std::free(p); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  T* data() { return p; }
  const T* data() const { return p; }
  T& operator[](int64_t i) { return p[i]; }
  const T& operator[](int64_t i) const { return p[i]; }
};

void gemm(const GemmArgs& g);
void gemm_serial(const GemmArgs& g);
void binary(int op, const float* a, const float* b, float* out, const Broadcast& bc);
void unary(int op, const float* x, float* y, int64_t n, float param);
void unary_backward(int op, const float* x, const float* y, const float* gy, float* gx, int64_t n,
                    float param);
void where(const float* cond, const float* a, const float* b, float* out, const Broadcast& bc,
           const int64_t* sc);
void reduce(int op, const float* x, float* out, int64_t outer, int64_t mid, int64_t inner);
void argmax(const float* x, float* out, int64_t outer, int64_t mid, int64_t inner);
double sum_squares(const float* x, int64_t n);
void permute(const float* x, float* y, int nd, const int64_t* shape, const int* perm);
void copy_strided(const float* src, float* dst, int nd, const int64_t* shape,
                  const int64_t* src_strides, const int64_t* dst_strides);
void fill(float* dst, int64_t n, float value);
void layernorm_fwd(const float* x, const float* w, const float* b, float* y, float* mean,
                   float* rstd, int64_t rows, int64_t c, float eps);
void layernorm_bwd(const float* x, const float* w, const float* mean, const float* rstd,
                   const float* gy, float* gx, float* gw, float* gb, int64_t rows, int64_t c);
void rmsnorm_fwd(const float* x, const float* w, float* y, float* rstd, int64_t rows, int64_t c,
                 float eps);
void rmsnorm_bwd(const float* x, const float* w, const float* rstd, const float* gy, float* gx,
                 float* gw, int64_t rows, int64_t c);
void softmax_fwd(const float* x, float* y, int64_t rows, int64_t c, bool log);
void softmax_bwd(const float* y, const float* gy, float* gx, int64_t rows, int64_t c, bool log);
void logsumexp(const float* x, float* out, int64_t rows, int64_t c);
void cross_entropy_fwd(const float* logits, const int32_t* targets, const float* weights,
                       int32_t ignore_index, float* loss, float* lse, int64_t rows, int64_t v);
void cross_entropy_bwd(const float* logits, const float* lse, const int32_t* targets,
                       const float* weights, int32_t ignore_index, float scale, float* gx,
                       int64_t rows, int64_t v);
void attention_fwd(const AttentionArgs& a);
void attention_bwd(const AttentionArgs& a);
void rope(const float* x, const float* cos, const float* sin, float* y, int64_t n, int64_t t,
          int64_t h, int64_t d, int64_t pos0, bool interleaved, bool inverse);
void embedding_fwd(const float* w, const int32_t* idx, float* out, int64_t n, int64_t c);
void embedding_bwd(const float* gout, const int32_t* idx, float* gw, int64_t n, int64_t c);
void adamw(const AdamWArgs& a);

// Row helpers shared by the norm, softmax and attention kernels.
inline float row_max(const float* x, int64_t c) {
  V m = vset(-INFINITY);
  int64_t j = 0;
  for (; j + W <= c; j += W) m = vmax(vload(x + j), m);
  float r = vhmax(m);
  for (; j < c; j++) r = fmax_(x[j], r);
  return r;
}
inline float row_sum(const float* x, int64_t c) {
  V s0 = vzero(), s1 = vzero();
  int64_t j = 0;
  for (; j + 2 * W <= c; j += 2 * W) { s0 = s0 + vload(x + j); s1 = s1 + vload(x + j + W); }
  for (; j + W <= c; j += W) s0 = s0 + vload(x + j);
  float r = vsum(s0 + s1);
  for (; j < c; j++) r += x[j];
  return r;
}
inline float row_dot(const float* x, const float* y, int64_t c) {
  V s0 = vzero(), s1 = vzero();
  int64_t j = 0;
  for (; j + 2 * W <= c; j += 2 * W) {
    s0 = vfma(vload(x + j), vload(y + j), s0);
    s1 = vfma(vload(x + j + W), vload(y + j + W), s1);
  }
  for (; j + W <= c; j += W) s0 = vfma(vload(x + j), vload(y + j), s0);
  float r = vsum(s0 + s1);
  for (; j < c; j++) r += x[j] * y[j];
  return r;
}
// y[j] = exp(x[j] - shift), returning the sum of y (y may alias x).
inline float row_exp_sum(const float* x, float* y, int64_t c, float shift) {
  V s = vzero(), sh = vset(shift);
  int64_t j = 0;
  for (; j + W <= c; j += W) {
    V e = vexp(vload(x + j) - sh);
    vstore(y + j, e);
    s = s + e;
  }
  float r = vsum(s);
  for (; j < c; j++) {
    float e = sexp(x[j] - shift);
    y[j] = e;
    r += e;
  }
  return r;
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
