// The AdamW update (Loshchilov & Hutter 2019) over flat buffers, declared as an op so a backend
// can fuse it. It is the one in-place op: param, m and v are updated where they lie, and the
// same arrays are returned. Not differentiable; called through runKernel by src/optim/.
import { defineOp, registerKernel } from '../registry.js';
import type { AdamWStepAttrs } from '../op-attrs.js';
import type { TensorData } from '../types.js';

defineOp({ name: 'adamwStep', inputs: ['param', 'grad', 'm', 'v'], outputs: 3, doc: 'one AdamW step, in place → [param, m, v]' });

/** PyTorch's order: decay the weights, then the bias-corrected Adam step. */
export function adamwStepKernel(inputs: readonly TensorData[], a: AdamWStepAttrs): TensorData[] {
  const [p, g, m, v] = inputs as [TensorData, TensorData, TensorData, TensorData];
  const pd = p.data, gd = g.data, md = m.data, vd = v.data;
  const bc1 = 1 - Math.pow(a.beta1, a.step);
  const bc2 = 1 - Math.pow(a.beta2, a.step);
  const stepSize = a.lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  const decay = 1 - a.lr * a.weightDecay;
  const b1 = a.beta1, b2 = a.beta2, eps = a.eps;
  for (let i = 0; i < pd.length; i++) {
    const gi = gd[i]!;
    const mi = b1 * md[i]! + (1 - b1) * gi;
    const vi = b2 * vd[i]! + (1 - b2) * gi * gi;
    md[i] = mi;
    vd[i] = vi;
    pd[i] = pd[i]! * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
  return [p, m, v];
}
registerKernel('adamwStep', 'reference', adamwStepKernel);
