// Ops that move data without arithmetic: reshape (a view), permute/transpose, slice (a view when
// the region is contiguous), concat, stack, split, squeeze/unsqueeze.
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import { fmtShape, normAxis, sameShape, sizeOf, stridesOf } from '../shape.js';
import { zerosLike } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { TensorData } from '../types.js';
import { forEachRow, planStrided } from './broadcast.js';

// ---------------------------------------------------------------------------------------------
// reshape: shares storage.

const reshapeSpec = defineOp({
  name: 'reshape', inputs: ['x'], outputs: 1, doc: 'same data, new shape (a view)',
  grad: ([g], { inputs: [x] }) => [reshape(g!, x!.shape)],
});
registerKernel('reshape', 'reference', (inputs, { shape }) => ({ shape, dtype: inputs[0]!.dtype, data: inputs[0]!.data }));

/** Same data under a new shape (one dimension may be -1). Shares storage. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === -1) {
      if (infer >= 0) throw new ShapeError(`reshape: more than one -1 in ${fmtShape(shape)}`, 'only one dimension can be inferred');
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`reshape: invalid dimension ${d} in ${fmtShape(shape)}`, 'dimensions are non-negative integers or -1');
    } else known *= d;
  }
  let target = shape;
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`reshape: can't reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`, 'the known dimensions must divide the element count');
    }
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  } else if (known !== x.size) {
    throw new ShapeError(`reshape: can't reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)} (${known} elements)`, 'the element counts must match; use -1 to infer one dimension');
  }
  if (sameShape(target, x.shape)) return x;
  return apply(reshapeSpec, [x], { shape: [...target] })[0]!;
}

export function flatten(x: Tensor): Tensor {
  return reshape(x, [x.size]);
}

/** Inserts a size-1 axis at `axis`. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normAxis('unsqueeze', axis, x.ndim + 1, x.shape);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Removes size-1 axes (all of them, or the given one). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normAxis('squeeze', axis, x.ndim, x.shape);
  if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${axis} of shape ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`, 'only size-1 axes can be squeezed');
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

// ---------------------------------------------------------------------------------------------
// permute

function permuteKernel(inputs: readonly TensorData[], { dims }: { readonly dims: readonly number[] }): TensorData {
  const x = inputs[0]!;
  const shape = dims.map((d) => x.shape[d]!);
  const inStrides = stridesOf(x.shape);
  const out = allocate(x.dtype, x.data.length);
  const plan = planStrided(shape, [stridesOf(shape), dims.map((d) => inStrides[d]!)]);
  const { n } = plan;
  const sx = plan.inner[1]!;
  const xd = x.data;
  forEachRow(plan, (off) => {
    const oo = off[0]!, xo = off[1]!;
    for (let i = 0; i < n; i++) out[oo + i] = xd[xo + i * sx]!;
  });
  return { shape, dtype: x.dtype, data: out };
}

const permuteSpec = defineOp({
  name: 'permute', inputs: ['x'], outputs: 1, doc: 'reorder axes (out axis i = in axis dims[i])',
  grad: ([g], { attrs }) => {
    const inv = new Array<number>(attrs.dims.length);
    attrs.dims.forEach((d, i) => (inv[d] = i));
    return [permute(g!, inv)];
  },
});
registerKernel('permute', 'reference', permuteKernel);

/** Reorders axes: output axis i is input axis dims[i]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const nd = dims.map((d) => normAxis('permute', d, x.ndim, x.shape));
  if (nd.length !== x.ndim || new Set(nd).size !== nd.length) {
    throw new ShapeError(`permute: dims ${fmtShape(dims)} are not a permutation of the ${x.ndim} axes of ${fmtShape(x.shape)}`, `list each axis 0..${x.ndim - 1} once`);
  }
  if (nd.every((d, i) => d === i)) return x;
  // Moving only size-1 axes does not change the memory order: a reshape (view) suffices.
  const moved = nd.filter((d) => x.shape[d] !== 1);
  if (moved.every((d, i) => i === 0 || d > moved[i - 1]!)) return reshape(x, nd.map((d) => x.shape[d]!));
  return apply(permuteSpec, [x], { dims: nd })[0]!;
}

/** Swaps two axes (the last two by default). */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const ia = normAxis('transpose', a, x.ndim, x.shape);
  const ib = normAxis('transpose', b, x.ndim, x.shape);
  const dims = Array.from({ length: x.ndim }, (_, i) => i);
  dims[ia] = ib;
  dims[ib] = ia;
  return permute(x, dims);
}

// ---------------------------------------------------------------------------------------------
// slice / sliceBackward

function sliceKernel(inputs: readonly TensorData[], { starts, ends }: { readonly starts: readonly number[]; readonly ends: readonly number[] }): TensorData {
  const x = inputs[0]!;
  const shape = starts.map((s, i) => ends[i]! - s);
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let i = 0; i < starts.length; i++) base += starts[i]! * strides[i]!;
  // Contiguous region (leading extents 1, then one partial axis, then full axes): a view.
  let k = 0;
  while (k < shape.length && shape[k] === 1) k++;
  let contiguous = true;
  for (let i = k + 1; i < shape.length; i++) if (shape[i] !== x.shape[i]) contiguous = false;
  const size = sizeOf(shape);
  if (contiguous) return { shape, dtype: x.dtype, data: x.data.subarray(base, base + size) };
  const out = allocate(x.dtype, size);
  const plan = planStrided(shape, [stridesOf(shape), strides]);
  const { n } = plan;
  const sx = plan.inner[1]!;
  const xd = x.data;
  forEachRow(plan, (off) => {
    const oo = off[0]!, xo = base + off[1]!;
    for (let i = 0; i < n; i++) out[oo + i] = xd[xo + i * sx]!;
  });
  return { shape, dtype: x.dtype, data: out };
}

function sliceBackwardKernel(inputs: readonly TensorData[], { shape, starts }: { readonly shape: readonly number[]; readonly starts: readonly number[] }): TensorData {
  const dy = inputs[0]!;
  const out = allocate(dy.dtype, sizeOf(shape));
  const strides = stridesOf(shape);
  let base = 0;
  for (let i = 0; i < starts.length; i++) base += starts[i]! * strides[i]!;
  const plan = planStrided(dy.shape, [stridesOf(dy.shape), strides]);
  const { n } = plan;
  const so = plan.inner[1]!;
  const g = dy.data;
  forEachRow(plan, (off) => {
    const go = off[0]!, oo = base + off[1]!;
    for (let i = 0; i < n; i++) out[oo + i * so] = g[go + i]!;
  });
  return { shape, dtype: dy.dtype, data: out };
}

const sliceSpec = defineOp({
  name: 'slice', inputs: ['x'], outputs: 1, doc: 'x[starts:ends] per axis (a view when contiguous)',
  grad: ([g], { inputs: [x], attrs }) => [apply(sliceBackwardSpec, [g!], { shape: x!.shape, starts: attrs.starts })[0]!],
});
const sliceBackwardSpec = defineOp({ name: 'sliceBackward', inputs: ['dy'], outputs: 1, doc: 'zeros with dy written at starts (gradient of slice)' });
registerKernel('slice', 'reference', sliceKernel);
registerKernel('sliceBackward', 'reference', sliceBackwardKernel);

/** x[start:end] along `axis` (Python-style negative and clamped bounds). */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const a = normAxis('slice', axis, x.ndim, x.shape);
  const n = x.shape[a]!;
  const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const s = clamp(start);
  const e = Math.max(s, clamp(end ?? n));
  if (s === 0 && e === n) return x;
  const starts = x.shape.map(() => 0);
  const ends = [...x.shape];
  starts[a] = s;
  ends[a] = e;
  return apply(sliceSpec, [x], { starts, ends })[0]!;
}

function splitKernel(inputs: readonly TensorData[], { axis, sizes }: { readonly axis: number; readonly sizes: readonly number[] }): TensorData[] {
  const x = inputs[0]!;
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const row = x.shape[axis]! * inner;
  const out: TensorData[] = [];
  let at = 0;
  for (const n of sizes) {
    const shape = [...x.shape];
    shape[axis] = n;
    const block = n * inner;
    let data;
    if (outer === 1) data = x.data.subarray(at, at + block); // contiguous: a view
    else {
      data = allocate(x.dtype, outer * block);
      for (let o = 0; o < outer; o++) data.set(x.data.subarray(o * row + at, o * row + at + block), o * block);
    }
    out.push({ shape, dtype: x.dtype, data });
    at += block;
  }
  return out;
}

const splitSpec = defineOp({
  name: 'split', inputs: ['x'], outputs: 'variadic', doc: 'pieces along an axis (views when contiguous); gradient is a concat',
  grad: (grads, { outputs, attrs }) => {
    // Pieces that received no gradient contribute zeros.
    const parts = grads.map((g, i) => g ?? zerosLike(outputs[i]!));
    return [parts.length === 1 ? parts[0]! : apply(concatSpec, parts, { axis: attrs.axis })[0]!];
  },
});
registerKernel('split', 'reference', splitKernel);

/** Splits along `axis` into pieces of the given sizes (or `sections` equal pieces): one op, whose gradient is one concat. */
export function split(x: Tensor, sizes: number | readonly number[], axis = -1): Tensor[] {
  const a = normAxis('split', axis, x.ndim, x.shape);
  const n = x.shape[a]!;
  let parts: readonly number[];
  if (typeof sizes === 'number') {
    if (n % sizes !== 0) throw new ShapeError(`split: axis ${axis} of shape ${fmtShape(x.shape)} (size ${n}) doesn't split into ${sizes} equal parts`, 'pass explicit sizes');
    parts = Array.from({ length: sizes }, () => n / sizes);
  } else parts = sizes;
  if (parts.reduce((s, v) => s + v, 0) !== n || parts.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new ShapeError(`split: sizes ${fmtShape(parts)} don't add up to ${n} (axis ${axis} of ${fmtShape(x.shape)})`, 'the sizes must be non-negative and sum to the axis length');
  }
  return apply(splitSpec, [x], { axis: a, sizes: [...parts] });
}

// ---------------------------------------------------------------------------------------------
// concat / stack

function concatKernel(inputs: readonly TensorData[], { axis }: { readonly axis: number }): TensorData {
  const first = inputs[0]!;
  const shape = [...first.shape];
  shape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
  const out = allocate(first.dtype, sizeOf(shape));
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const rowOut = shape[axis]! * inner;
  let at = 0;
  for (const t of inputs) {
    const block = t.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * block, (o + 1) * block), o * rowOut + at);
    at += block;
  }
  return { shape, dtype: first.dtype, data: out };
}

const concatSpec = defineOp({
  name: 'concat', inputs: ['...xs'], outputs: 1, doc: 'join along an axis',
  grad: ([g], { inputs, attrs, needs }) => {
    let at = 0;
    return inputs.map((t, i) => {
      const n = t.shape[attrs.axis]!;
      const piece = needs[i] ? slice(g!, attrs.axis, at, at + n) : null;
      at += n;
      return piece;
    });
  },
});
registerKernel('concat', 'reference', concatKernel);

/** Joins tensors along `axis`; all other dimensions must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0];
  if (!first) throw new ShapeError('concat: no tensors given', 'pass at least one tensor');
  const a = normAxis('concat', axis, first.ndim, first.shape);
  for (const t of xs) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${xs.map((x) => fmtShape(x.shape)).join(', ')} differ outside axis ${axis}`, 'all dimensions except the concatenation axis must match');
    }
  }
  if (xs.length === 1) return first;
  return apply(concatSpec, xs, { axis: a })[0]!;
}

/** Stacks same-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0];
  if (!first) throw new ShapeError('stack: no tensors given', 'pass at least one tensor');
  for (const t of xs) {
    if (!sameShape(t.shape, first.shape)) throw new ShapeError(`stack: shapes ${xs.map((x) => fmtShape(x.shape)).join(', ')} differ`, 'stack needs tensors of one shape; use concat to join along an existing axis');
  }
  const a = normAxis('stack', axis, first.ndim + 1, first.shape);
  return concat(xs.map((t) => unsqueeze(t, a)), a);
}
