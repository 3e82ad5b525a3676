// The kernel table: every compute kernel of the addon, as function pointers. native/kernels/*.cc
// fill one table per ISA (fathom::avx2, fathom::base); native/dispatch.cc picks one at load time.
// All tensors are float32, contiguous row-major unless strides are given; outputs never alias
// inputs unless stated. Kernels parallelise themselves on the pool (native/pool.h).
#pragma once
#include <cstdint>

namespace fathom {

// Row-major C = alpha * op(A) op(B) + beta * C with op(A) [m, k], op(B) [k, n]; beta == 0 means C
// is write-only (NaNs in it don't propagate), as in BLAS.
struct GemmArgs {
  bool trans_a = false, trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  const float* a = nullptr;
  int64_t lda = 0;
  const float* b = nullptr;
  int64_t ldb = 0;
  float beta = 0.0f;
  float* c = nullptr;
  int64_t ldc = 0;
};

// A NumPy broadcast collapsed to at most 4 dims: out has shape dims[0..nd), and a/b advance by
// sa[i]/sb[i] elements along dim i (0 along a broadcast dim). The innermost dim has stride 1 or 0.
struct Broadcast {
  int nd = 1;
  int64_t dims[4] = {0, 1, 1, 1};
  int64_t sa[4] = {1, 0, 0, 0};
  int64_t sb[4] = {1, 0, 0, 0};
};

// kEq / kGt give 1.0 or 0.0.
enum BinaryOp : int { kAdd = 0, kSub, kMul, kDiv, kPow, kMaximum, kMinimum, kEq, kGt, kBinaryOpCount };

// `param` is used by kPowScalar (exponent), kLeakyRelu (slope), kScale (factor), kAddScalar.
enum UnaryOp : int {
  kNeg = 0, kExp, kLog, kSqrt, kRsqrt, kAbs, kTanh, kSigmoid, kRelu, kGeluTanh, kGeluErf, kSilu,
  kSquare, kReciprocal, kPowScalar, kScale, kAddScalar, kLeakyRelu, kSin, kCos, kUnaryOpCount
};

enum ReduceOp : int { kSum = 0, kMean, kMax, kMin, kReduceOpCount };

// Causal/masked scaled-dot-product attention over B×H heads. Each tensor is addressed as
// base + b*s_b + h*s_h + t*s_t with a contiguous last (feature) dim, so q/k/v may be views into a
// fused [B, T, 3, H, D] projection. Query row i (0-based within q) sits at absolute position
// i + offset and, when causal, sees keys j ≤ i + offset (offset = tk - tq for a KV cache).
// Key/value heads may be fewer than query heads (grouped-query attention; hq % hkv == 0).
struct Strides4 { int64_t b = 0, h = 0, t = 0; };
struct AttentionArgs {
  int64_t batch = 0, hq = 0, hkv = 0, tq = 0, tk = 0, d = 0, dv = 0;
  float scale = 1.0f;
  bool causal = true;
  int64_t offset = 0;
  const float* q = nullptr; Strides4 sq;
  const float* k = nullptr; Strides4 sk;
  const float* v = nullptr; Strides4 sv;
  // Optional additive mask broadcast over [B, H, tq, tk] (s_t is its row stride; columns are
  // contiguous). Entries of -inf remove a key. It gets no gradient.
  const float* mask = nullptr; Strides4 smask;
  float* o = nullptr; Strides4 so;  // forward output [.., tq, dv]
  float* lse = nullptr;             // [B, H, tq] log-sum-exp of each score row (saved for backward)
  // Backward only: the output gradient and the input gradients (written, not accumulated).
  const float* go = nullptr; Strides4 sgo;
  float* gq = nullptr; Strides4 sgq;
  float* gk = nullptr; Strides4 sgk;
  float* gv = nullptr; Strides4 sgv;
};

struct AdamWArgs {
  float* param = nullptr;
  const float* grad = nullptr;
  float* m = nullptr;
  float* v = nullptr;
  int64_t n = 0;
  // Scalars stay double until the kernel derives its per-step constants, as PyTorch does in Python.
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
  // Bias corrections 1 - beta^t, computed by the caller in double precision.
  double bias_correction1 = 1.0, bias_correction2 = 1.0;
  float grad_scale = 1.0f;  // multiplies the gradient first (gradient clipping, loss scaling)
};

struct KernelTable {
  const char* isa;  // "avx2" or "scalar"
  // Fathom's own GEMM (packing + register-blocked micro-kernel), parallel on the pool.
  void (*gemm)(const GemmArgs& g);
  // The same on the calling thread only (used inside other parallel kernels).
  void (*gemm_serial)(const GemmArgs& g);
  void (*binary)(int op, const float* a, const float* b, float* out, const Broadcast& bc);
  void (*unary)(int op, const float* x, float* y, int64_t n, float param);
  // gx = gy * d op(x)/dx, using x and/or the forward output y (either may be null when unused).
  void (*unary_backward)(int op, const float* x, const float* y, const float* gy, float* gx,
                         int64_t n, float param);
  // out[o, i] = reduce over j of x[o, j, i] for x viewed as [outer, mid, inner].
  void (*reduce)(int op, const float* x, float* out, int64_t outer, int64_t mid, int64_t inner);
  // Index (as float) of the first maximum over j of x[o, j, i] (NaN counts as the maximum).
  void (*argmax)(const float* x, float* out, int64_t outer, int64_t mid, int64_t inner);
  double (*sum_squares)(const float* x, int64_t n);
  void (*layernorm_fwd)(const float* x, const float* w, const float* b, float* y, float* mean,
                        float* rstd, int64_t rows, int64_t c, float eps);
  void (*layernorm_bwd)(const float* x, const float* w, const float* mean, const float* rstd,
                        const float* gy, float* gx, float* gw, float* gb, int64_t rows, int64_t c);
  void (*rmsnorm_fwd)(const float* x, const float* w, float* y, float* rstd, int64_t rows,
                      int64_t c, float eps);
  void (*rmsnorm_bwd)(const float* x, const float* w, const float* rstd, const float* gy,
                      float* gx, float* gw, int64_t rows, int64_t c);
  void (*softmax_fwd)(const float* x, float* y, int64_t rows, int64_t c, bool log);
  void (*softmax_bwd)(const float* y, const float* gy, float* gx, int64_t rows, int64_t c, bool log);
  void (*logsumexp)(const float* x, float* out, int64_t rows, int64_t c);
  // loss[r] = w[r] * (logsumexp(x[r]) - x[r, t[r]]), 0 where t[r] == ignore; lse[r] saved.
  void (*cross_entropy_fwd)(const float* logits, const int32_t* targets, const float* weights,
                            int32_t ignore_index, float* loss, float* lse, int64_t rows, int64_t v);
  // gx[r] = scale * w[r] * (softmax(x[r]) - onehot(t[r])), 0 rows where ignored.
  void (*cross_entropy_bwd)(const float* logits, const float* lse, const int32_t* targets,
                            const float* weights, int32_t ignore_index, float scale, float* gx,
                            int64_t rows, int64_t v);
  void (*attention_fwd)(const AttentionArgs& a);
  void (*attention_bwd)(const AttentionArgs& a);
  // Rotary embedding (Su et al., RoFormer) on x viewed as [n, t, h, d]: the pairs (i, i + d/2)
  // (half layout, as GPT-NeoX/Llama in HF) or (2i, 2i+1) (interleaved, as the original) at
  // position pos0 + t rotate by the angle whose cos/sin are tables[pos, i] ([*, d/2], row-major).
  // inverse rotates by -angle (the backward pass). y may alias x.
  void (*rope)(const float* x, const float* cos, const float* sin, float* y, int64_t n, int64_t t,
               int64_t h, int64_t d, int64_t pos0, bool interleaved, bool inverse);
  void (*embedding_fwd)(const float* w, const int32_t* idx, float* out, int64_t n, int64_t c);
  // gw (zeroed by the caller) += scatter of gout rows at idx.
  void (*embedding_bwd)(const float* gout, const int32_t* idx, float* gw, int64_t n, int64_t c);
  void (*adamw)(const AdamWArgs& a);
  // y = x with axes permuted: y.shape[i] = shape[perm[i]] (nd ≤ 8).
  void (*permute)(const float* x, float* y, int nd, const int64_t* shape, const int* perm);
  // dst[Σ i_d·dst_strides[d]] = src[Σ i_d·src_strides[d]] over shape (nd ≤ 8): slices, their
  // backward, concat. Rows whose innermost strides are both 1 are memcpy'd.
  void (*copy_strided)(const float* src, float* dst, int nd, const int64_t* shape,
                       const int64_t* src_strides, const int64_t* dst_strides);
  void (*fill)(float* dst, int64_t n, float value);
  // out = cond != 0 ? a : b with the broadcast strides of Broadcast extended by sc for cond.
  void (*where)(const float* cond, const float* a, const float* b, float* out,
                const Broadcast& bc, const int64_t* sc);
};

// Defined by native/kernels/table.cc for each ISA. kernels_avx2() is null when that copy was
// compiled without AVX2 (non-x86 builds).
const KernelTable* kernels_avx2();
const KernelTable* kernels_base();

// The table in use (see dispatch.cc), and a switch for tests/benchmarks: "avx2" or "scalar".
const KernelTable& K();
bool set_isa(const char* isa);
bool cpu_has_avx2();
bool cpu_has_fma();

}  // namespace fathom
