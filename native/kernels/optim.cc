// The fused AdamW step over flat float32 buffers (Loshchilov & Hutter, "Decoupled weight decay
// regularization", 2019), with PyTorch's arithmetic (torch.optim.AdamW, foreach=False):
//   p ← p·(1 - lr·wd);  m ← β₁m + (1-β₁)g;  v ← β₂v + (1-β₂)g²
//   p ← p - (lr / bc₁) · m / (√v / √bc₂ + ε)
// One pass reads p, g, m, v and writes p, m, v: memory-bound, so it splits across the pool.
#include "kernels/common.h"

namespace fathom {
namespace FATHOM_ISA_NS {

void adamw(const AdamWArgs& a) {
  // Per-step constants in double, rounded once, as torch.optim.AdamW computes them in Python.
  const float decay = static_cast<float>(1.0 - a.lr * a.weight_decay);
  const float step = static_cast<float>(a.lr / a.bias_correction1);
  const float sqrt_bc2 = static_cast<float>(std::sqrt(a.bias_correction2));
  const float b1 = static_cast<float>(a.beta1), b2 = static_cast<float>(a.beta2);
  const float c1 = static_cast<float>(1.0 - a.beta1), c2 = static_cast<float>(1.0 - a.beta2);
  const float eps = static_cast<float>(a.eps);
  const V vdecay = vset(decay), vstep = vset(step), vb1 = vset(b1), vb2 = vset(b2);
  const V vc1 = vset(c1), vc2 = vset(c2), veps = vset(eps), vbc2 = vset(sqrt_bc2), vgs = vset(a.grad_scale);
  parallel_for(a.n, kParallelGrain, [&](int64_t lo, int64_t hi) {
    int64_t i = lo;
    for (; i + W <= hi; i += W) {
      const V g = vload(a.grad + i) * vgs;
      const V m = vload(a.m + i) * vb1 + g * vc1;
      const V v = vload(a.v + i) * vb2 + vc2 * g * g;  // addcmul order: value·g·g
      vstore(a.m + i, m);
      vstore(a.v + i, v);
      const V denom = vsqrt(v) / vbc2 + veps;
      vstore(a.param + i, vload(a.param + i) * vdecay - vstep * (m / denom));
    }
    for (; i < hi; i++) {
      const float g = a.grad[i] * a.grad_scale;
      const float m = a.m[i] * b1 + g * c1;
      const float v = a.v[i] * b2 + c2 * g * g;
      a.m[i] = m;
      a.v[i] = v;
      a.param[i] = a.param[i] * decay - step * (m / (std::sqrt(v) / sqrt_bc2 + eps));
    }
  });
}

}  // namespace FATHOM_ISA_NS
}  // namespace fathom
