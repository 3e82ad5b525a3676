// Reductions over axes with keepdim (sum, mean, max, argmax, logsumexp) and broadcastTo, the
// op whose gradient is a reduction (sumTo). Accumulation is in double precision along rows.
import { FathomError } from '../../errors.js';
import { apply } from '../autograd.js';
import { IndexTensor } from '../index-tensor.js';
import { defineOp, registerKernel } from '../registry.js';
import type { ReduceAttrs } from '../op-attrs.js';
import { broadcastShapes, fmtShape, normAxes, normAxis, reducedShape, sameShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { FloatArray, TensorData } from '../types.js';
import { forEachRow, planRows } from './broadcast.js';
import { div, eq, isTrailingBlock, mul, sub } from './binary.js';
import { reshape } from './layout.js';
import { exp } from './unary.js';

const enum Red { Sum, Max }

/** Reduces `x` over `axes` into `out` (shape `keep`, the keepdim shape), which must be pre-initialised. */
function reduceInto(code: Red, x: TensorData, keep: readonly number[], out: FloatArray): void {
  if (x.data.length === 0) return;
  const plan = planRows(x.shape, [x.shape, keep]);
  const { n } = plan;
  const so = plan.inner[1]!;
  const xd = x.data;
  forEachRow(plan, (off) => {
    const xo = off[0]!, oo = off[1]!;
    if (so === 0) {
      if (code === Red.Sum) {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += xd[xo + i]!;
        out[oo] = out[oo]! + acc;
      } else {
        let m = out[oo]!;
        for (let i = 0; i < n; i++) if (xd[xo + i]! > m || Number.isNaN(xd[xo + i]!)) m = xd[xo + i]!;
        out[oo] = m;
      }
    } else if (code === Red.Sum) {
      for (let i = 0; i < n; i++) out[oo + i * so] = out[oo + i * so]! + xd[xo + i]!;
    } else {
      for (let i = 0; i < n; i++) if (xd[xo + i]! > out[oo + i * so]! || Number.isNaN(xd[xo + i]!)) out[oo + i * so] = xd[xo + i]!;
    }
  });
}

function sumKernel(inputs: readonly TensorData[], { axes, keepdim }: ReduceAttrs): TensorData {
  const x = inputs[0]!;
  const keep = reducedShape(x.shape, axes, true);
  const out = allocate(x.dtype, sizeOf(keep));
  const lead = leadingAxes(axes);
  if (lead > 0 && out.length > 0 && lead === axes.length) {
    // Sum over leading axes (bias gradients): add rows of length |out| into out.
    const xd = x.data, m = out.length;
    for (let o = 0; o < xd.length; o += m) for (let j = 0; j < m; j++) out[j] = out[j]! + xd[o + j]!;
  } else reduceInto(Red.Sum, x, keep, out);
  return { shape: keepdim ? keep : reducedShape(x.shape, axes, false), dtype: x.dtype, data: out };
}

/** How many of the sorted `axes` are 0, 1, 2, ... (a leading block). */
function leadingAxes(axes: readonly number[]): number {
  let k = 0;
  while (k < axes.length && axes[k] === k) k++;
  return k;
}

function maxKernel(inputs: readonly TensorData[], { axes, keepdim }: ReduceAttrs): TensorData {
  const x = inputs[0]!;
  const keep = reducedShape(x.shape, axes, true);
  const out = allocate(x.dtype, sizeOf(keep)).fill(-Infinity);
  reduceInto(Red.Max, x, keep, out);
  return { shape: keepdim ? keep : reducedShape(x.shape, axes, false), dtype: x.dtype, data: out };
}

function logsumexpKernel(inputs: readonly TensorData[], { axes, keepdim }: ReduceAttrs): TensorData {
  const x = inputs[0]!;
  const keep = reducedShape(x.shape, axes, true);
  const m = allocate(x.dtype, sizeOf(keep)).fill(-Infinity);
  reduceInto(Red.Max, x, keep, m);
  // Subtract the max (0 where it is ±inf) before exponentiating, then add it back.
  for (let i = 0; i < m.length; i++) if (!Number.isFinite(m[i]!)) m[i] = 0;
  const shifted = allocate(x.dtype, x.data.length);
  const plan = planRows(x.shape, [x.shape, keep]);
  const { n } = plan;
  const sm = plan.inner[1]!;
  forEachRow(plan, (off) => {
    for (let i = 0; i < n; i++) shifted[off[0]! + i] = Math.exp(x.data[off[0]! + i]! - m[off[1]! + i * sm]!);
  });
  const s = allocate(x.dtype, m.length);
  reduceInto(Red.Sum, { shape: x.shape, dtype: x.dtype, data: shifted }, keep, s);
  for (let i = 0; i < s.length; i++) s[i] = Math.log(s[i]!) + m[i]!;
  return { shape: keepdim ? keep : reducedShape(x.shape, axes, false), dtype: x.dtype, data: s };
}

function broadcastToKernel(inputs: readonly TensorData[], { shape }: { readonly shape: readonly number[] }): TensorData {
  const x = inputs[0]!;
  const out = allocate(x.dtype, sizeOf(shape));
  const nx = x.data.length;
  if (nx > 0 && isTrailingBlock(x.shape, shape)) {
    for (let o = 0; o < out.length; o += nx) out.set(x.data, o); // repeat a trailing block
    return { shape, dtype: x.dtype, data: out };
  }
  const plan = planRows(shape, [shape, x.shape]);
  const { n } = plan;
  const sx = plan.inner[1]!;
  const xd = x.data;
  forEachRow(plan, (off) => {
    const oo = off[0]!, xo = off[1]!;
    if (sx === 0) out.fill(xd[xo]!, oo, oo + n);
    else for (let i = 0; i < n; i++) out[oo + i] = xd[xo + i * sx]!;
  });
  return { shape, dtype: x.dtype, data: out };
}

/** g (reduced) expanded back over the reduced axes of `x`. */
function expandBack(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return broadcastTo(reshape(g, reducedShape(x.shape, axes, true)), x.shape);
}

const sumSpec = defineOp({
  name: 'sum', inputs: ['x'], outputs: 1, doc: 'sum over axes',
  grad: ([g], { inputs: [x], attrs }) => [expandBack(g!, x!, attrs.axes)],
});
const maxSpec = defineOp({
  name: 'max', inputs: ['x'], outputs: 1, doc: 'max over axes (gradient split evenly among ties, as torch.amax)',
  grad: ([g], { inputs: [x], outputs: [y], attrs }) => {
    const keep = reducedShape(x!.shape, attrs.axes, true);
    const mask = eq(x!, reshape(y!, keep));
    const count = sum(mask, attrs.axes, true);
    return [mul(mask, div(reshape(g!, keep), count))];
  },
});
const logsumexpSpec = defineOp({
  name: 'logsumexp', inputs: ['x'], outputs: 1, doc: 'log Σ exp over axes (max-shifted)',
  grad: ([g], { inputs: [x], outputs: [y], attrs }) => {
    const keep = reducedShape(x!.shape, attrs.axes, true);
    return [mul(reshape(g!, keep), exp(sub(x!, reshape(y!, keep))))];
  },
});
const broadcastToSpec = defineOp({
  name: 'broadcastTo', inputs: ['x'], outputs: 1, doc: 'materialise a NumPy broadcast',
  grad: ([g], { inputs: [x] }) => [sumTo(g!, x!.shape)],
});
registerKernel('sum', 'reference', sumKernel);
registerKernel('max', 'reference', maxKernel);
registerKernel('logsumexp', 'reference', logsumexpKernel);
registerKernel('broadcastTo', 'reference', broadcastToKernel);

type Axes = number | readonly number[] | undefined;

/** Sum over `axes` (all when omitted). */
export function sum(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  return apply(sumSpec, [x], { axes: normAxes('sum', axes, x.ndim, x.shape), keepdim })[0]!;
}

/** Mean over `axes` (all when omitted). The mean over zero elements is NaN, as in NumPy. */
export function mean(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  const ax = normAxes('mean', axes, x.ndim, x.shape);
  let count = 1;
  for (const a of ax) count *= x.shape[a]!;
  return div(apply(sumSpec, [x], { axes: ax, keepdim })[0]!, count);
}

/** Max over `axes` (all when omitted). */
export function max(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  const ax = normAxes('max', axes, x.ndim, x.shape);
  for (const a of ax) {
    if (x.shape[a] === 0) throw new FathomError(`max: axis ${a} of shape ${fmtShape(x.shape)} is empty`, 'max over zero elements is undefined; check the shape');
  }
  return apply(maxSpec, [x], { axes: ax, keepdim })[0]!;
}

/** log Σ exp(x) over `axes`, computed stably. */
export function logsumexp(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  return apply(logsumexpSpec, [x], { axes: normAxes('logsumexp', axes, x.ndim, x.shape), keepdim })[0]!;
}

/** `x` materialised at a broadcast-compatible `shape`. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (!sameShape(target, shape)) {
    throw new FathomError(`broadcastTo: shape ${fmtShape(x.shape)} can't broadcast to ${fmtShape(shape)}`, 'the target needs at least as many dimensions, each equal or the source 1');
  }
  if (sameShape(x.shape, shape)) return x;
  return apply(broadcastToSpec, [x], { shape: [...shape] })[0]!;
}

/** Sums a broadcast gradient back to `shape` (the inverse of broadcasting). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length > 0 ? apply(sumSpec, [g], { axes, keepdim: true })[0]! : g;
  return reshape(s, shape);
}

/** Index of the maximum along `axis` (first among ties), as an IndexTensor. */
export function argmax(x: Tensor, axis = -1, keepdim = false): IndexTensor {
  const a = normAxis('argmax', axis, x.ndim, x.shape);
  const n = x.shape[a]!;
  if (n === 0) throw new FathomError(`argmax: axis ${axis} of shape ${fmtShape(x.shape)} is empty`, 'argmax over zero elements is undefined; check the shape');
  const outer = sizeOf(x.shape.slice(0, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  const out = new Int32Array(outer * inner);
  const xd = x.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let best = 0;
      let bv = xd[base]!;
      for (let i = 1; i < n; i++) {
        const v = xd[base + i * inner]!;
        if (v > bv) {
          bv = v;
          best = i;
        }
      }
      out[o * inner + j] = best;
    }
  }
  return new IndexTensor(out, reducedShape(x.shape, [a], keepdim));
}
