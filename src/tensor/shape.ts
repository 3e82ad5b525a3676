// Shape arithmetic shared by ops and kernels: sizes, strides, NumPy broadcasting and axis
// normalisation, with errors that name the op, the shapes and a fix (CONVENTIONS.md 12).
import { ShapeError } from '../errors.js';

/** Number of elements of a shape (1 for a scalar, 0 if any dimension is 0). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[2,3]` — shapes as they appear in error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Row-major strides of a contiguous tensor. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The NumPy broadcast of two shapes, or a ShapeError naming `op`. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} don't broadcast (dimension ${i - n} is ${da} vs ${db})`,
        'broadcasting needs equal sizes or 1 in each trailing dimension; reshape one argument',
      );
    }
  }
  return out;
}

/** Strides that read `shape` as if broadcast to `outShape` (0 where a dimension is broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const n = outShape.length;
  const own = stridesOf(shape);
  const s = new Array<number>(n).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const j = n - shape.length + i;
    s[j] = shape[i] === 1 && outShape[j] !== 1 ? 0 : own[i]!;
  }
  return s;
}

/** A possibly negative axis as a non-negative index, or a ShapeError naming `op`. */
export function normAxis(op: string, axis: number, ndim: number, shape?: readonly number[]): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= ndim) {
    throw new ShapeError(
      `${op}: axis ${axis} is out of range for a tensor of rank ${ndim}${shape ? ` (shape ${fmtShape(shape)})` : ''}`,
      `use an axis in [${-ndim}, ${ndim - 1}]`,
    );
  }
  return a;
}

/** Axes (undefined = all) as sorted, unique, non-negative indices. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, ndim: number, shape?: readonly number[]): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => normAxis(op, a, ndim, shape)))];
  return out.sort((x, y) => x - y);
}

/** Shape after reducing `axes` (kept as size 1 when `keepdim`). */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepdim) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}
