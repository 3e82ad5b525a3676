// Softmax and log-softmax over one axis (max-shifted), with their backward as separate ops so a
// backend can fuse them: softmax dx = y·(dy − Σ dy·y); log-softmax dx = dy − e^y·Σ dy.
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import type { AxisAttrs } from '../op-attrs.js';
import { normAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { TensorData } from '../types.js';

/** outer × n × inner view of a tensor around `axis`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

function softmaxKernel(log: boolean) {
  return (inputs: readonly TensorData[], { axis }: AxisAttrs): TensorData => {
    const x = inputs[0]!;
    const [outer, n, inner] = around(x.shape, axis);
    const xd = x.data;
    const out = allocate(x.dtype, xd.length);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        let m = -Infinity;
        for (let i = 0; i < n; i++) m = Math.max(m, xd[base + i * inner]!);
        if (m === -Infinity) m = 0; // an all −∞ row stays NaN-free in the shift
        let s = 0;
        for (let i = 0; i < n; i++) s += Math.exp(xd[base + i * inner]! - m);
        if (log) {
          const lse = m + Math.log(s);
          for (let i = 0; i < n; i++) out[base + i * inner] = xd[base + i * inner]! - lse;
        } else {
          const inv = 1 / s;
          for (let i = 0; i < n; i++) out[base + i * inner] = Math.exp(xd[base + i * inner]! - m) * inv;
        }
      }
    }
    return { shape: x.shape, dtype: x.dtype, data: out };
  };
}

function softmaxBackwardKernel(log: boolean) {
  return (inputs: readonly TensorData[], { axis }: AxisAttrs): TensorData => {
    const [dy, y] = inputs as [TensorData, TensorData];
    const [outer, n, inner] = around(y.shape, axis);
    const g = dy.data, yd = y.data;
    const out = allocate(y.dtype, yd.length);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        let s = 0;
        if (log) {
          for (let i = 0; i < n; i++) s += g[base + i * inner]!;
          for (let i = 0; i < n; i++) out[base + i * inner] = g[base + i * inner]! - Math.exp(yd[base + i * inner]!) * s;
        } else {
          for (let i = 0; i < n; i++) s += g[base + i * inner]! * yd[base + i * inner]!;
          for (let i = 0; i < n; i++) out[base + i * inner] = yd[base + i * inner]! * (g[base + i * inner]! - s);
        }
      }
    }
    return { shape: y.shape, dtype: y.dtype, data: out };
  };
}

const softmaxSpec = defineOp({
  name: 'softmax', inputs: ['x'], outputs: 1, doc: 'softmax over an axis (fused; backward is softmaxBackward)',
  grad: ([g], { outputs: [y], attrs }) => [apply(softmaxBackwardSpec, [g!, y!], attrs)[0]!],
});
const logSoftmaxSpec = defineOp({
  name: 'logSoftmax', inputs: ['x'], outputs: 1, doc: 'log-softmax over an axis (fused; backward is logSoftmaxBackward)',
  grad: ([g], { outputs: [y], attrs }) => [apply(logSoftmaxBackwardSpec, [g!, y!], attrs)[0]!],
});
const softmaxBackwardSpec = defineOp({ name: 'softmaxBackward', inputs: ['dy', 'y'], outputs: 1, doc: 'y·(dy − Σ dy·y)' });
const logSoftmaxBackwardSpec = defineOp({ name: 'logSoftmaxBackward', inputs: ['dy', 'y'], outputs: 1, doc: 'dy − e^y·Σ dy' });
registerKernel('softmax', 'reference', softmaxKernel(false));
registerKernel('logSoftmax', 'reference', softmaxKernel(true));
registerKernel('softmaxBackward', 'reference', softmaxBackwardKernel(false));
registerKernel('logSoftmaxBackward', 'reference', softmaxBackwardKernel(true));

/** e^x / Σ e^x along `axis` (last by default). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return apply(softmaxSpec, [x], { axis: normAxis('softmax', axis, x.ndim, x.shape) })[0]!;
}

/** x − log Σ e^x along `axis` (last by default). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return apply(logSoftmaxSpec, [x], { axis: normAxis('logSoftmax', axis, x.ndim, x.shape) })[0]!;
}
