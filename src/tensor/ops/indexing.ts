// Integer-indexed ops: gather (torch.gather) with its scatter-add gradient, embedding lookup
// with a scatter-add backward op (fused, llm.c's encoder_backward), indexSelect and oneHot.
// Indices are IndexTensors (Int32Array) passed as attributes; they get no gradient.
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { checkIndexRange } from '../index-tensor.js';
import type { IndexTensor } from '../index-tensor.js';
import { defineOp, registerKernel } from '../registry.js';
import { fmtShape, normAxis, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { DType, IndexData, TensorData } from '../types.js';
import { permute, reshape } from './layout.js';

/** For each position of `index` (shape ≤ x's shape), the flat offset into a tensor of `shape` with `axis` replaced by the index. */
function gatherOffsets(shape: readonly number[], axis: number, index: IndexData): Int32Array {
  const xs = stridesOf(shape);
  const n = index.data.length;
  const offs = new Int32Array(n);
  const nd = index.shape.length;
  const coord = new Array<number>(nd).fill(0);
  let base = 0; // Σ_{d≠axis} coord_d · xs_d
  for (let p = 0; p < n; p++) {
    offs[p] = base + index.data[p]! * xs[axis]!;
    for (let d = nd - 1; d >= 0; d--) {
      coord[d]!++;
      if (d !== axis) base += xs[d]!;
      if (coord[d]! < index.shape[d]!) break;
      if (d !== axis) base -= xs[d]! * index.shape[d]!;
      coord[d] = 0;
    }
  }
  return offs;
}

function gatherKernel(inputs: readonly TensorData[], { axis, index }: { readonly axis: number; readonly index: IndexData }): TensorData {
  const x = inputs[0]!;
  const offs = gatherOffsets(x.shape, axis, index);
  const out = allocate(x.dtype, offs.length);
  for (let p = 0; p < offs.length; p++) out[p] = x.data[offs[p]!]!;
  return { shape: index.shape, dtype: x.dtype, data: out };
}

function scatterAddKernel(inputs: readonly TensorData[], { axis, index, shape }: { readonly axis: number; readonly index: IndexData; readonly shape: readonly number[] }): TensorData {
  const src = inputs[0]!;
  const offs = gatherOffsets(shape, axis, index);
  const out = allocate(src.dtype, sizeOf(shape));
  for (let p = 0; p < offs.length; p++) out[offs[p]!] = out[offs[p]!]! + src.data[p]!;
  return { shape, dtype: src.dtype, data: out };
}

const gatherSpec = defineOp({
  name: 'gather', inputs: ['x'], outputs: 1, doc: 'torch.gather along an axis',
  grad: ([g], { inputs: [x], attrs }) => [apply(scatterAddSpec, [g!], { axis: attrs.axis, index: attrs.index, shape: x!.shape })[0]!],
});
const scatterAddSpec = defineOp({ name: 'scatterAdd', inputs: ['src'], outputs: 1, doc: 'zeros(shape) with src added at index along axis (gradient of gather)' });
registerKernel('gather', 'reference', gatherKernel);
registerKernel('scatterAdd', 'reference', scatterAddKernel);

/** out[..., i, ...] = x[..., index[..., i, ...], ...] along `axis` (torch.gather): index has x's rank, each other dim ≤ x's. */
export function gather(x: Tensor, axis: number, index: IndexTensor): Tensor {
  const a = normAxis('gather', axis, x.ndim, x.shape);
  if (index.ndim !== x.ndim || index.shape.some((d, i) => i !== a && d > x.shape[i]!)) {
    throw new ShapeError(`gather: index shape ${fmtShape(index.shape)} doesn't fit input shape ${fmtShape(x.shape)} on axis ${axis}`, 'the index needs the input\'s rank and no larger size on the other axes');
  }
  checkIndexRange('gather', 'index', index, x.shape[a]!);
  return apply(gatherSpec, [x], { axis: a, index })[0]!;
}

// ---------------------------------------------------------------------------------------------
// embedding

function embeddingKernel(inputs: readonly TensorData[], { ids }: { readonly ids: IndexData }): TensorData {
  const w = inputs[0]!;
  const C = w.shape[1]!;
  const out = allocate(w.dtype, ids.data.length * C);
  for (let p = 0; p < ids.data.length; p++) {
    const r = ids.data[p]! * C;
    out.set(w.data.subarray(r, r + C), p * C);
  }
  return { shape: [...ids.shape, C], dtype: w.dtype, data: out };
}

function embeddingBackwardKernel(inputs: readonly TensorData[], { ids, numEmbeddings }: { readonly ids: IndexData; readonly numEmbeddings: number }): TensorData {
  const dy = inputs[0]!;
  const C = dy.shape[dy.shape.length - 1]!;
  const out = allocate(dy.dtype, numEmbeddings * C);
  const g = dy.data;
  for (let p = 0; p < ids.data.length; p++) {
    const r = ids.data[p]! * C;
    const s = p * C;
    for (let c = 0; c < C; c++) out[r + c] = out[r + c]! + g[s + c]!;
  }
  return { shape: [numEmbeddings, C], dtype: dy.dtype, data: out };
}

const embeddingSpec = defineOp({
  name: 'embedding', inputs: ['weight'], outputs: 1, doc: 'rows of weight [V,C] at ids → [...ids, C] (fused; backward is embeddingBackward)',
  grad: ([g], { inputs: [w], attrs }) => [apply(embeddingBackwardSpec, [g!], { ids: attrs.ids, numEmbeddings: w!.shape[0]! })[0]!],
});
const embeddingBackwardSpec = defineOp({ name: 'embeddingBackward', inputs: ['dy'], outputs: 1, doc: 'scatter-add of dy rows into [V,C] at ids' });
registerKernel('embedding', 'reference', embeddingKernel);
registerKernel('embeddingBackward', 'reference', embeddingBackwardKernel);

/** Rows of `weight` [V, C] picked by `ids` (any shape) → [...ids.shape, C]. */
export function embedding(weight: Tensor, ids: IndexTensor): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight has shape ${fmtShape(weight.shape)}, expected [V, C]`, 'pass a 2-D table');
  checkIndexRange('embedding', 'id', ids, weight.shape[0]!);
  return apply(embeddingSpec, [weight], { ids })[0]!;
}

/** Slices of `x` at positions `index` (1-D) along `axis` (torch.index_select). */
export function indexSelect(x: Tensor, axis: number, index: IndexTensor): Tensor {
  const a = normAxis('indexSelect', axis, x.ndim, x.shape);
  if (index.ndim !== 1) throw new ShapeError(`indexSelect: index has shape ${fmtShape(index.shape)}, expected 1-D`, 'flatten the index');
  checkIndexRange('indexSelect', 'index', index, x.shape[a]!);
  // Move `axis` to the front, look up rows as an embedding table, and move it back.
  const order = [a, ...x.shape.map((_, i) => i).filter((i) => i !== a)];
  const moved = permute(x, order); // [n, ...rest]
  const rest = moved.shape.slice(1);
  const table = reshape(moved, [x.shape[a]!, sizeOf(rest)]); // [n, R]
  const picked = reshape(apply(embeddingSpec, [table], { ids: index })[0]!, [index.size, ...rest]); // [k, ...rest]
  const back = new Array<number>(x.ndim);
  order.forEach((d, i) => (back[d] = i));
  return permute(picked, back);
}

/** One-hot rows [...index.shape, numClasses] (not differentiable). */
export function oneHot(index: IndexTensor, numClasses: number, dtype: DType = 'float32'): Tensor {
  checkIndexRange('oneHot', 'index', index, numClasses);
  const out = allocate(dtype, index.size * numClasses);
  for (let p = 0; p < index.size; p++) out[p * numClasses + index.data[p]!] = 1;
  return new Tensor(out, [...index.shape, numClasses]);
}

