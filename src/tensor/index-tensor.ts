// Integer index tensors (token ids, class targets, gather indices). They are never
// differentiated, so they are not `Tensor`s: an `Int32Array` plus a shape, passed to ops as
// attributes (see op-attrs.ts). Float tensors hold only float32/float64.
import { ShapeError } from '../errors.js';
import { fmtShape, sizeOf } from './shape.js';
import type { IndexData } from './types.js';

export class IndexTensor implements IndexData {
  readonly data: Int32Array;
  readonly shape: readonly number[];

  constructor(data: Int32Array, shape: readonly number[] = [data.length]) {
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(`IndexTensor: ${data.length} indices don't fill shape ${fmtShape(shape)}`, 'pass as many indices as the shape holds');
    }
    this.data = data;
    this.shape = shape;
  }

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Same indices, another shape (shares storage). */
  reshape(shape: readonly number[]): IndexTensor {
    return new IndexTensor(this.data, shape);
  }

  toArray(): number[] {
    return Array.from(this.data);
  }
}

type NestedInts = number | readonly NestedInts[];

/** An index tensor from (nested) arrays or an Int32Array. */
export function indices(values: NestedInts | Int32Array, shape?: readonly number[]): IndexTensor {
  if (values instanceof Int32Array) return new IndexTensor(values, shape ?? [values.length]);
  const dims: number[] = [];
  const flat: number[] = [];
  const walk = (v: NestedInts, depth: number): void => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new ShapeError(`indices: ${v} is not an integer`, 'indices are whole numbers');
      flat.push(v);
      return;
    }
    if (depth === dims.length) dims.push(v.length);
    else if (dims[depth] !== v.length) throw new ShapeError(`indices: ragged nested array at depth ${depth}`, 'every row must have the same length');
    for (const x of v) walk(x, depth + 1);
  };
  walk(values, 0);
  return new IndexTensor(Int32Array.from(flat), shape ?? dims);
}

/** Checks every index lies in [0, n) (or equals `allowed`, e.g. an ignore index). */
export function checkIndexRange(op: string, what: string, idx: IndexData, n: number, allowed?: number): void {
  const d = idx.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if ((v < 0 || v >= n) && v !== allowed) {
      throw new ShapeError(`${op}: ${what} ${v} at position ${i} is out of range [0, ${n})`, `${what}s must be below ${n}${allowed !== undefined ? ` or equal ${allowed}` : ''}`);
    }
  }
}
