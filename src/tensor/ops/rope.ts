// Rotary position embeddings (Su et al. 2021, RoFormer) in the rotate-half layout of GPT-NeoX and
// Hugging Face Llama: feature i pairs with i + D/2. Fused forward and backward (the backward is
// the inverse rotation). The cos/sin tables are inputs, so scaled variants need no new kernel.
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import { fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { DType, TensorData } from '../types.js';

function rotate(inverse: boolean) {
  return (inputs: readonly TensorData[]): TensorData => {
    const [x, cos, sin] = inputs as [TensorData, TensorData, TensorData];
    const D = x.shape[x.shape.length - 1]!;
    const T = x.shape[x.shape.length - 2]!;
    const half = D / 2;
    const xd = x.data, cd = cos.data, sd = sin.data;
    const out = allocate(x.dtype, xd.length);
    const sign = inverse ? -1 : 1;
    const rows = D === 0 ? 0 : xd.length / D;
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      const t = (r % T) * half;
      for (let i = 0; i < half; i++) {
        const c = cd[t + i]!, s = sign * sd[t + i]!;
        const a = xd[o + i]!, b = xd[o + i + half]!;
        out[o + i] = a * c - b * s;
        out[o + i + half] = b * c + a * s;
      }
    }
    return { shape: x.shape, dtype: x.dtype, data: out };
  };
}

const ropeSpec = defineOp({
  name: 'rope', inputs: ['x', 'cos', 'sin'], outputs: 1, doc: 'rotary embedding, rotate-half pairs (fused; backward is ropeBackward)',
  grad: ([g], { inputs: [, cos, sin] }) => [apply(ropeBackwardSpec, [g!, cos!, sin!], {})[0]!, null, null],
});
const ropeBackwardSpec = defineOp({ name: 'ropeBackward', inputs: ['dy', 'cos', 'sin'], outputs: 1, doc: 'inverse rotation (gradient of rope)' });
registerKernel('rope', 'reference', rotate(false));
registerKernel('ropeBackward', 'reference', rotate(true));

/** Rotates feature pairs (i, i + D/2) of x [..., T, D] by the angles whose cos/sin are given as [T, D/2] tables. */
export function rope(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const D = x.shape[x.ndim - 1] ?? 0;
  const T = x.shape[x.ndim - 2] ?? 0;
  if (x.ndim < 2 || D % 2 !== 0) throw new ShapeError(`rope: input ${fmtShape(x.shape)} needs rank ≥ 2 and an even last dimension`, 'rotary embeddings rotate pairs of features; use an even head size');
  for (const [name, t] of [['cos', cos], ['sin', sin]] as const) {
    if (t.ndim !== 2 || t.shape[0] !== T || t.shape[1] !== D / 2) {
      throw new ShapeError(`rope: ${name} table ${fmtShape(t.shape)} doesn't fit input ${fmtShape(x.shape)} (expected [${T},${D / 2}])`, 'build the tables with ropeTables(T, D, { offset }) for the positions in x');
    }
  }
  return apply(ropeSpec, [x, cos, sin], {})[0]!;
}

/** cos and sin tables [T, D/2] for positions offset … offset+T−1 (θ_i = base^(−2i/D), Llama's base 10000). */
export function ropeTables(T: number, D: number, options: { base?: number; offset?: number; dtype?: DType } = {}): { cos: Tensor; sin: Tensor } {
  const base = options.base ?? 10000;
  const offset = options.offset ?? 0;
  const dtype = options.dtype ?? 'float32';
  const half = D / 2;
  const cos = allocate(dtype, T * half);
  const sin = allocate(dtype, T * half);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      // Angles in double precision, then rounded once (as PyTorch computes them in float32 from float32 inv_freq).
      const angle = (offset + t) * Math.pow(base, (-2 * i) / D);
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  return { cos: new Tensor(cos, [T, half]), sin: new Tensor(sin, [T, half]) };
}
