// Elementwise kernels: binary ops over a collapsed NumPy broadcast (native/kernels.h Broadcast),
// unary ops and their backward rules, and where(). Memory-bound, so they split into large
// contiguous ranges on the pool and run inline below kParallelGrain elements.
//
// GELU(tanh) is computed as x·sigmoid(2u), u = √(2/π)(x + 0.044715x³), which equals
// 0.5x(1 + tanh u) exactly but keeps full relative precision where 1 + tanh u cancels (x ≪ 0).
// GELU(erf) uses Φ(x) = erfc(-x/√2)/2 for the same reason.
#include "kernels/common.h"

namespace fathom {
namespace FATHOM_ISA_NS {
namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluC = 0.044715f;
constexpr float kInvSqrt2 = 0.7071067811865476f;
constexpr float kInvSqrt2Pi = 0.3989422804014327f;

template <int OP>
inline V bin(V a, V b) {
  if constexpr (OP == kAdd) return a + b;
  else if constexpr (OP == kSub) return a - b;
  else if constexpr (OP == kMul) return a * b;
  else if constexpr (OP == kDiv) return a / b;
  else if constexpr (OP == kMaximum) return vselect(visnan(a), a, vmax(a, b));  // NaN wins
  else if constexpr (OP == kMinimum) return vselect(visnan(a), a, vmin(a, b));
  else if constexpr (OP == kEq) return vselect(veq(a, b), vset(1.0f), vzero());
  else return vselect(vgt(a, b), vset(1.0f), vzero());  // kGt
}

// One innermost run of n outputs; SA/SB are the operands' strides (0 or 1) along it.
template <int OP, int SA, int SB>
void bin_run(const float* a, const float* b, float* out, int64_t n) {
  if constexpr (OP == kPow) {
    for (int64_t i = 0; i < n; i++) out[i] = std::pow(a[i * SA], b[i * SB]);
  } else {
    int64_t i = 0;
    const V ca = vset(a[0]), cb = vset(b[0]);
    for (; i + W <= n; i += W) vstore(out + i, bin<OP>(SA ? vload(a + i) : ca, SB ? vload(b + i) : cb));
    for (; i < n; i++) out[i] = vfirst(bin<OP>(vset(a[i * SA]), vset(b[i * SB])));
  }
}

template <int OP>
void bin_op(const float* a, const float* b, float* out, const Broadcast& bc) {
  const int nd = bc.nd;
  const int64_t inner = bc.dims[nd - 1];
  int64_t rows = 1;
  for (int d = 0; d < nd - 1; d++) rows *= bc.dims[d];
  if (rows == 0 || inner == 0) return;
  const int64_t la = bc.sa[nd - 1], lb = bc.sb[nd - 1];
  auto run = la == 1 && lb == 1 ? bin_run<OP, 1, 1>
           : la == 1            ? bin_run<OP, 1, 0>
           : lb == 1            ? bin_run<OP, 0, 1>
                                : bin_run<OP, 0, 0>;
  parallel_for(rows, imax_(1, kParallelGrain / imax_(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      int64_t oa = 0, ob = 0, rem = r;
      for (int d = nd - 2; d >= 0; d--) {
        const int64_t i = rem % bc.dims[d];
        rem /= bc.dims[d];
        oa += i * bc.sa[d];
        ob += i * bc.sb[d];
      }
      run(a + oa, b + ob, out + r * inner, inner);
    }
  });
}

template <int OP>
inline V un(V x, float p) {
  if constexpr (OP == kNeg) return vneg(x);
  else if constexpr (OP == kExp) return vexp(x);
  else if constexpr (OP == kLog) return vlog(x);
  else if constexpr (OP == kSqrt) return vsqrt(x);
  else if constexpr (OP == kRsqrt) return vset(1.0f) / vsqrt(x);
  else if constexpr (OP == kAbs) return vabs(x);
  else if constexpr (OP == kTanh) return vtanh(x);
  else if constexpr (OP == kSigmoid) return vsigmoid(x);
  else if constexpr (OP == kRelu) return vselect(vgt(x, vzero()), x, vzero());  // NaN → 0, as the reference
  else if constexpr (OP == kGeluTanh) {
    V u = vset(kSqrt2OverPi) * vfma(vset(kGeluC) * x, x * x, x);
    return x * vsigmoid(u + u);
  } else if constexpr (OP == kGeluErf) return x * vset(0.5f) * verfc(vneg(x) * vset(kInvSqrt2));
  else if constexpr (OP == kSilu) return x * vsigmoid(x);
  else if constexpr (OP == kSquare) return x * x;
  else if constexpr (OP == kReciprocal) return vset(1.0f) / x;
  else if constexpr (OP == kScale) return x * vset(p);
  else if constexpr (OP == kAddScalar) return x + vset(p);
  else return vselect(vgt(x, vzero()), x, x * vset(p));  // kLeakyRelu
}

template <int OP>
void un_op(const float* x, float* y, int64_t n, float p) {
  parallel_for(n, kParallelGrain, [&](int64_t lo, int64_t hi) {
    int64_t i = lo;
    for (; i + W <= hi; i += W) vstore(y + i, un<OP>(vload(x + i), p));
    for (; i < hi; i++) y[i] = vfirst(un<OP>(vset(x[i]), p));
  });
}

template <class F>
void scalar_map(const float* x, float* y, int64_t n, F f) {
  parallel_for(n, kParallelGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) y[i] = f(x[i]);
  });
}

// d op(x)/dx · gy, from x and/or y = op(x).
template <int OP>
inline V dun(V x, V y, V gy, float p) {
  const V one = vset(1.0f);
  if constexpr (OP == kNeg) return vneg(gy);
  else if constexpr (OP == kExp) return gy * y;
  else if constexpr (OP == kLog) return gy / x;
  else if constexpr (OP == kSqrt) return gy * vset(0.5f) / y;
  else if constexpr (OP == kRsqrt) return gy * vset(-0.5f) * y * y * y;
  else if constexpr (OP == kAbs) return vselect(vgt(x, vzero()), gy, vselect(vlt(x, vzero()), vneg(gy), vzero()));
  else if constexpr (OP == kTanh) return gy * (one - y * y);
  else if constexpr (OP == kSigmoid) return gy * y * (one - y);
  else if constexpr (OP == kRelu) return vselect(vgt(x, vzero()), gy, vzero());
  else if constexpr (OP == kGeluTanh) {
    V x2 = x * x;
    V u = vset(kSqrt2OverPi) * vfma(vset(kGeluC) * x, x2, x);
    V du = vset(kSqrt2OverPi) * vfma(vset(3.0f * kGeluC), x2, one);
    V s = vsigmoid(u + u);
    return gy * vfma(x * vset(2.0f) * s * (one - s), du, s);
  } else if constexpr (OP == kGeluErf) {
    V cdf = vset(0.5f) * verfc(vneg(x) * vset(kInvSqrt2));
    V pdf = vset(kInvSqrt2Pi) * vexp(vset(-0.5f) * x * x);
    return gy * vfma(x, pdf, cdf);
  } else if constexpr (OP == kSilu) {
    V s = vsigmoid(x);
    return gy * s * vfma(x, one - s, one);
  } else if constexpr (OP == kSquare) return gy * (x + x);
  else if constexpr (OP == kReciprocal) return vneg(gy) * y * y;
  else if constexpr (OP == kScale) return gy * vset(p);
  else if constexpr (OP == kAddScalar) return gy;
  else return vselect(vgt(x, vzero()), gy, gy * vset(p));  // kLeakyRelu
}

template <int OP>
void dun_op(const float* x, const float* y, const float* gy, float* gx, int64_t n, float p) {
  parallel_for(n, kParallelGrain, [&](int64_t lo, int64_t hi) {
    int64_t i = lo;
    for (; i + W <= hi; i += W)
      vstore(gx + i, dun<OP>(x ? vload(x + i) : vzero(), y ? vload(y + i) : vzero(), vload(gy + i), p));
    for (; i < hi; i++)
      gx[i] = vfirst(dun<OP>(vset(x ? x[i] : 0.0f), vset(y ? y[i] : 0.0f), vset(gy[i]), p));
  });
}

}  // namespace

void binary(int op, const float* a, const float* b, float* out, const Broadcast& bc) {
  switch (op) {
    case kAdd: return bin_op<kAdd>(a, b, out, bc);
    case kSub: return bin_op<kSub>(a, b, out, bc);
    case kMul: return bin_op<kMul>(a, b, out, bc);
    case kDiv: return bin_op<kDiv>(a, b, out, bc);
    case kPow: return bin_op<kPow>(a, b, out, bc);
    case kMaximum: return bin_op<kMaximum>(a, b, out, bc);
    case kMinimum: return bin_op<kMinimum>(a, b, out, bc);
    case kEq: return bin_op<kEq>(a, b, out, bc);
    case kGt: return bin_op<kGt>(a, b, out, bc);
  }
}

void unary(int op, const float* x, float* y, int64_t n, float p) {
  switch (op) {
    case kNeg: return un_op<kNeg>(x, y, n, p);
    case kExp: return un_op<kExp>(x, y, n, p);
    case kLog: return un_op<kLog>(x, y, n, p);
    case kSqrt: return un_op<kSqrt>(x, y, n, p);
    case kRsqrt: return un_op<kRsqrt>(x, y, n, p);
    case kAbs: return un_op<kAbs>(x, y, n, p);
    case kTanh: return un_op<kTanh>(x, y, n, p);
    case kSigmoid: return un_op<kSigmoid>(x, y, n, p);
    case kRelu: return un_op<kRelu>(x, y, n, p);
    case kGeluTanh: return un_op<kGeluTanh>(x, y, n, p);
    case kGeluErf: return un_op<kGeluErf>(x, y, n, p);
    case kSilu: return un_op<kSilu>(x, y, n, p);
    case kSquare: return un_op<kSquare>(x, y, n, p);
    case kReciprocal: return un_op<kReciprocal>(x, y, n, p);
    case kScale: return un_op<kScale>(x, y, n, p);
    case kAddScalar: return un_op<kAddScalar>(x, y, n, p);
    case kLeakyRelu: return un_op<kLeakyRelu>(x, y, n, p);
    case kPowScalar:
      if (p == 2.0f) return un_op<kSquare>(x, y, n, p);
      if (p == 1.0f) return un_op<kScale>(x, y, n, 1.0f);
      return scalar_map(x, y, n, [p](float v) { return std::pow(v, p); });
    case kSin: return scalar_map(x, y, n, [](float v) { return std::sin(v); });
    case kCos: return scalar_map(x, y, n, [](float v) { return std::cos(v); });
  }
}

void unary_backward(int op, const float* x, const float* y, const float* gy, float* gx, int64_t n,
                    float p) {
  switch (op) {
    case kNeg: return dun_op<kNeg>(x, y, gy, gx, n, p);
    case kExp: return dun_op<kExp>(x, y, gy, gx, n, p);
    case kLog: return dun_op<kLog>(x, y, gy, gx, n, p);
    case kSqrt: return dun_op<kSqrt>(x, y, gy, gx, n, p);
    case kRsqrt: return dun_op<kRsqrt>(x, y, gy, gx, n, p);
    case kAbs: return dun_op<kAbs>(x, y, gy, gx, n, p);
    case kTanh: return dun_op<kTanh>(x, y, gy, gx, n, p);
    case kSigmoid: return dun_op<kSigmoid>(x, y, gy, gx, n, p);
    case kRelu: return dun_op<kRelu>(x, y, gy, gx, n, p);
    case kGeluTanh: return dun_op<kGeluTanh>(x, y, gy, gx, n, p);
    case kGeluErf: return dun_op<kGeluErf>(x, y, gy, gx, n, p);
    case kSilu: return dun_op<kSilu>(x, y, gy, gx, n, p);
    case kSquare: return dun_op<kSquare>(x, y, gy, gx, n, p);
    case kReciprocal: return dun_op<kReciprocal>(x, y, gy, gx, n, p);
    case kScale: return dun_op<kScale>(x, y, gy, gx, n, p);
    case kAddScalar: return dun_op<kAddScalar>(x, y, gy, gx, n, p);
    case kLeakyRelu: return dun_op<kLeakyRelu>(x, y, gy, gx, n, p);
    case kPowScalar:
      parallel_for(n, kParallelGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; i++) gx[i] = gy[i] * p * std::pow(x[i], p - 1.0f);
      });
      return;
    case kSin:
      parallel_for(n, kParallelGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; i++) gx[i] = gy[i] * std::cos(x[i]);
      });
      return;
    case kCos:
      parallel_for(n, kParallelGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; i++) gx[i] = -gy[i] * std::sin(x[i]);
      });
      return;
  }
}

void where(const float* cond, const float* a, const float* b, float* out, const Broadcast& bc,
           const int64_t* sc) {
  const int nd = bc.nd;
  const int64_t inner = bc.dims[nd - 1];
  int64_t rows = 1;
  for (int d = 0; d < nd - 1; d++) rows *= bc.dims[d];
  if (rows == 0 || inner == 0) return;
  const int64_t la = bc.sa[nd - 1], lb = bc.sb[nd - 1], lc = sc[nd - 1];
  parallel_for(rows, imax_(1, kParallelGrain / imax_(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      int64_t oa = 0, ob = 0, oc = 0, rem = r;
      for (int d = nd - 2; d >= 0; d--) {
        const int64_t i = rem % bc.dims[d];
        rem /= bc.dims[d];
        oa += i * bc.sa[d];
        ob += i * bc.sb[d];
        oc += i * sc[d];
      }
      float* o = out + r * inner;
      for (int64_t i = 0; i < inner; i++)
        o[i] = cond[oc + i * lc] != 0.0f ? a[oa + i * la] : b[ob + i * lb];
    }
  });
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
