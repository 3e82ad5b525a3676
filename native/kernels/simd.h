// A tiny SIMD vocabulary for fathom's kernels: 8-lane AVX2/FMA when this translation unit is
// compiled with -mavx2 -mfma, one lane (plain scalar code) otherwise. Kernels are written once
// against it and compiled twice (see binding.gyp); everything lives in fathom::FATHOM_ISA_NS so
// the two copies never share a symbol (an inline function shared between an AVX2 object and a
// baseline object could otherwise be folded into the AVX2 copy and crash an older CPU).
//
// exp and log follow Cephes' expf/logf (≈1 ulp on their reduced ranges); tanh follows Cephes'
// tanhf (a polynomial near 0, so small arguments keep full relative precision); erfc follows
// Numerical Recipes' erfcc (fractional error < 1.2e-7 everywhere), which keeps GELU(erf)
// relatively accurate even in the far negative tail where 1 + erf(x) would cancel.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define FATHOM_SIMD_AVX2 1
#endif

#ifndef FATHOM_ISA_NS
#error "FATHOM_ISA_NS must be defined (avx2 or base); see binding.gyp"
#endif

namespace fathom {
namespace FATHOM_ISA_NS {

inline float fmin_(float a, float b) { return a < b ? a : b; }
inline float fmax_(float a, float b) { return a > b ? a : b; }
inline int64_t imin_(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t imax_(int64_t a, int64_t b) { return a > b ? a : b; }

#if FATHOM_SIMD_AVX2
constexpr int W = 8;
struct V { __m256 v; };
inline V vload(const float* p) { return {_mm256_loadu_ps(p)}; }
inline void vstore(float* p, V a) { _mm256_storeu_ps(p, a.v); }
inline V vset(float x) { return {_mm256_set1_ps(x)}; }
inline V vzero() { return {_mm256_setzero_ps()}; }
inline V operator+(V a, V b) { return {_mm256_add_ps(a.v, b.v)}; }
inline V operator-(V a, V b) { return {_mm256_sub_ps(a.v, b.v)}; }
inline V operator*(V a, V b) { return {_mm256_mul_ps(a.v, b.v)}; }
inline V operator/(V a, V b) { return {_mm256_div_ps(a.v, b.v)}; }
inline V vfma(V a, V b, V c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }  // a*b + c
inline V vmax(V a, V b) { return {_mm256_max_ps(a.v, b.v)}; }
inline V vmin(V a, V b) { return {_mm256_min_ps(a.v, b.v)}; }
inline V vsqrt(V a) { return {_mm256_sqrt_ps(a.v)}; }
inline V vabs(V a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
inline V vneg(V a) { return {_mm256_xor_ps(_mm256_set1_ps(-0.0f), a.v)}; }
// Masks are all-ones lanes; vselect(m, a, b) = m ? a : b.
inline V vgt(V a, V b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ)}; }
inline V vlt(V a, V b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ)}; }
inline V veq(V a, V b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_EQ_OQ)}; }
inline V visnan(V a) { return {_mm256_cmp_ps(a.v, a.v, _CMP_UNORD_Q)}; }
inline V vselect(V m, V a, V b) { return {_mm256_blendv_ps(b.v, a.v, m.v)}; }
inline V vcopysign(V mag, V sgn) {
  const __m256 s = _mm256_set1_ps(-0.0f);
  return {_mm256_or_ps(_mm256_andnot_ps(s, mag.v), _mm256_and_ps(s, sgn.v))};
}
inline float vsum(V a) {
  __m128 lo = _mm256_castps256_ps128(a.v), hi = _mm256_extractf128_ps(a.v, 1);
  lo = _mm_add_ps(lo, hi);
  lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
  lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
  return _mm_cvtss_f32(lo);
}
inline float vhmax(V a) {
  __m128 lo = _mm256_castps256_ps128(a.v), hi = _mm256_extractf128_ps(a.v, 1);
  lo = _mm_max_ps(lo, hi);
  lo = _mm_max_ps(lo, _mm_movehl_ps(lo, lo));
  lo = _mm_max_ss(lo, _mm_movehdup_ps(lo));
  return _mm_cvtss_f32(lo);
}
inline float vfirst(V a) { return _mm256_cvtss_f32(a.v); }
inline V vround(V a) { return {_mm256_round_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
// 2^n for integral-valued n in [-126, 127], built in the exponent field.
inline V vpow2i(V n) {
  __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n.v), _mm256_set1_epi32(127));
  return {_mm256_castsi256_ps(_mm256_slli_epi32(e, 23))};
}
// Splits x > 0 into mantissa m in [0.5, 1) and exponent e (x = m * 2^e), as frexpf does.
inline V vfrexp(V x, V* e) {
  __m256i xi = _mm256_castps_si256(x.v);
  __m256i ei = _mm256_sub_epi32(_mm256_srli_epi32(xi, 23), _mm256_set1_epi32(126));
  *e = {_mm256_cvtepi32_ps(ei)};
  xi = _mm256_and_si256(xi, _mm256_set1_epi32(0x807fffff));
  xi = _mm256_or_si256(xi, _mm256_set1_epi32(0x3f000000));
  return {_mm256_castsi256_ps(xi)};
}
#else
constexpr int W = 1;
struct V { float v; };
inline V vload(const float* p) { return {*p}; }
inline void vstore(float* p, V a) { *p = a.v; }
inline V vset(float x) { return {x}; }
inline V vzero() { return {0.0f}; }
inline V operator+(V a, V b) { return {a.v + b.v}; }
inline V operator-(V a, V b) { return {a.v - b.v}; }
inline V operator*(V a, V b) { return {a.v * b.v}; }
inline V operator/(V a, V b) { return {a.v / b.v}; }
inline V vfma(V a, V b, V c) { return {a.v * b.v + c.v}; }
// Lane-wise max/min with the AVX semantics (second operand when either is NaN).
inline V vmax(V a, V b) { return {a.v > b.v ? a.v : b.v}; }
inline V vmin(V a, V b) { return {a.v < b.v ? a.v : b.v}; }
inline V vsqrt(V a) { return {std::sqrt(a.v)}; }
inline V vabs(V a) { return {std::fabs(a.v)}; }
inline V vneg(V a) { return {-a.v}; }
inline V vmask(bool b) { uint32_t u = b ? 0xffffffffu : 0u; float f; std::memcpy(&f, &u, 4); return {f}; }
inline bool vtrue(V m) { uint32_t u; std::memcpy(&u, &m.v, 4); return u != 0; }
inline V vgt(V a, V b) { return vmask(a.v > b.v); }
inline V vlt(V a, V b) { return vmask(a.v < b.v); }
inline V veq(V a, V b) { return vmask(a.v == b.v); }
inline V visnan(V a) { return vmask(a.v != a.v); }
inline V vselect(V m, V a, V b) { return vtrue(m) ? a : b; }
inline V vcopysign(V mag, V sgn) { return {std::copysign(mag.v, sgn.v)}; }
inline float vsum(V a) { return a.v; }
inline float vhmax(V a) { return a.v; }
inline float vfirst(V a) { return a.v; }
inline V vround(V a) { return {std::nearbyint(a.v)}; }
inline V vpow2i(V n) { return {std::ldexp(1.0f, static_cast<int>(n.v))}; }
inline V vfrexp(V x, V* e) { int ei; float m = std::frexp(x.v, &ei); *e = {static_cast<float>(ei)}; return {m}; }
#endif

// e^x. Exactly 0 below the float range (masked softmax entries must vanish), +inf above, NaN kept.
inline V vexp(V x) {
  const V hi = vset(88.7228391117f), lo = vset(-87.3365447504f);
  V xc = vmin(vmax(x, lo), hi);
  // n ≤ 127 keeps 2^n finite; near the top r is a little outside the minimax range, which costs
  // accuracy only for results above 1.7e38.
  V n = vmin(vround(xc * vset(1.44269504088896341f)), vset(127.0f));
  V r = vfma(n, vset(-0.693359375f), xc);
  r = vfma(n, vset(2.12194440e-4f), r);
  V p = vset(1.9875691500e-4f);
  p = vfma(p, r, vset(1.3981999507e-3f));
  p = vfma(p, r, vset(8.3334519073e-3f));
  p = vfma(p, r, vset(4.1665795894e-2f));
  p = vfma(p, r, vset(1.6666665459e-1f));
  p = vfma(p, r, vset(5.0000001201e-1f));
  p = vfma(p * r, r, r) + vset(1.0f);
  V y = p * vpow2i(n);
  y = vselect(vlt(x, lo), vzero(), y);
  y = vselect(vgt(x, hi), vset(INFINITY), y);
  return vselect(visnan(x), x, y);
}

// Natural log for x > 0 (Cephes logf); log(0) = -inf, negative or NaN → NaN, +inf → +inf.
inline V vlog(V x) {
  V e;
  V m = vfrexp(vmax(x, vset(1.17549435e-38f)), &e);  // m in [0.5, 1)
  V small = vlt(m, vset(0.707106781186547524f));
  e = vselect(small, e - vset(1.0f), e);
  m = vselect(small, m + m, m) - vset(1.0f);
  V z = m * m;
  V p = vset(7.0376836292e-2f);
  p = vfma(p, m, vset(-1.1514610310e-1f));
  p = vfma(p, m, vset(1.1676998740e-1f));
  p = vfma(p, m, vset(-1.2420140846e-1f));
  p = vfma(p, m, vset(1.4249322787e-1f));
  p = vfma(p, m, vset(-1.6668057665e-1f));
  p = vfma(p, m, vset(2.0000714765e-1f));
  p = vfma(p, m, vset(-2.4999993993e-1f));
  p = vfma(p, m, vset(3.3333331174e-1f));
  V y = p * m * z;
  y = vfma(e, vset(-2.12194440e-4f), y);
  y = vfma(z, vset(-0.5f), y);
  y = m + y;
  y = vfma(e, vset(0.693359375f), y);
  y = vselect(vlt(x, vset(1.17549435e-38f)), vset(-INFINITY), y);  // 0 and denormals
  y = vselect(vlt(x, vzero()), vset(NAN), y);
  y = vselect(vgt(x, vset(3.40282347e38f)), x, y);  // +inf
  return vselect(visnan(x), x, y);
}

// Scalar forms with the same numerics as the vector lanes (used for row tails).
inline float sexp(float x) { return vfirst(vexp(vset(x))); }
inline float slog(float x) { return vfirst(vlog(vset(x))); }

inline V vsigmoid(V x) { return vset(1.0f) / (vset(1.0f) + vexp(vneg(x))); }

inline V vtanh(V x) {
  V ax = vabs(x);
  // |x| < 0.625: odd polynomial, no cancellation near 0.
  V z = x * x;
  V p = vset(-5.70498872745e-3f);
  p = vfma(p, z, vset(2.06390887954e-2f));
  p = vfma(p, z, vset(-5.37397155531e-2f));
  p = vfma(p, z, vset(1.33314422036e-1f));
  p = vfma(p, z, vset(-3.33332819422e-1f));
  V small = vfma(p * z, x, x);
  // otherwise 1 - 2 / (e^{2|x|} + 1), sign restored; saturates to ±1 for large |x|.
  V big = vset(1.0f) - vset(2.0f) / (vexp(ax + ax) + vset(1.0f));
  big = vcopysign(big, x);
  return vselect(vlt(ax, vset(0.625f)), small, big);
}

// erfc(x), Numerical Recipes' erfcc: fractional error below 1.2e-7 for all x.
inline V verfc(V x) {
  V z = vabs(x);
  V t = vset(1.0f) / vfma(vset(0.5f), z, vset(1.0f));
  V p = vset(0.17087277f);
  p = vfma(p, t, vset(-0.82215223f));
  p = vfma(p, t, vset(1.48851587f));
  p = vfma(p, t, vset(-1.13520398f));
  p = vfma(p, t, vset(0.27886807f));
  p = vfma(p, t, vset(-0.18628806f));
  p = vfma(p, t, vset(0.09678418f));
  p = vfma(p, t, vset(0.37409196f));
  p = vfma(p, t, vset(1.00002368f));
  p = vfma(p, t, vset(-1.26551223f));
  V r = t * vexp(p - z * z);
  return vselect(vlt(x, vzero()), vset(2.0f) - r, r);
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
