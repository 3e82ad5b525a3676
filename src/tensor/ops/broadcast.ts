// Row iteration over broadcast operands for the reference kernels: dimensions that are
// contiguous for every operand are merged, so most calls become one or two loops and the per-row
// callback is amortised over a whole row (no per-element closures).
import { broadcastStrides } from '../shape.js';

export interface RowPlan {
  /** Length of each row (the innermost merged dimension). */
  n: number;
  /** Per operand, the stride along the row (0 when broadcast). */
  inner: number[];
  /** Outer dimensions (merged) and, per operand, their strides. */
  outerDims: number[];
  outerStrides: number[][];
}

/** Plans iteration over `outShape` for operands of the given shapes (operand 0 is usually the output itself). */
export function planRows(outShape: readonly number[], shapes: readonly (readonly number[])[]): RowPlan {
  return planStrided(outShape, shapes.map((s) => broadcastStrides(s, outShape)));
}

/** Like planRows, with explicit per-operand strides over `outShape` (for permutes and slices). */
export function planStrided(outShape: readonly number[], strides: readonly (readonly number[])[]): RowPlan {
  const shapes = strides;
  // Merge dim i into i+1 when, for every operand, stride[i] == stride[i+1] * dim[i+1].
  const dims: number[] = [];
  const st: number[][] = shapes.map(() => []);
  for (let i = 0; i < outShape.length; i++) {
    const d = outShape[i]!;
    if (d === 1) continue; // size-1 dims never move an offset
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k]![last] === s[i]! * d)) {
      dims[last] = dims[last]! * d;
      for (let k = 0; k < strides.length; k++) st[k]![last] = strides[k]![i]!;
    } else {
      dims.push(d);
      for (let k = 0; k < strides.length; k++) st[k]!.push(strides[k]![i]!);
    }
  }
  if (dims.length === 0) return { n: 1, inner: shapes.map(() => 0), outerDims: [], outerStrides: shapes.map(() => []) };
  const n = dims.pop()!;
  const inner = st.map((s) => s.pop()!);
  return { n, inner, outerDims: dims, outerStrides: st };
}

/** Calls `row(offsets)` once per row; `offsets[k]` is operand k's offset of the row's first element. */
export function forEachRow(plan: RowPlan, row: (offsets: readonly number[]) => void): void {
  const { outerDims, outerStrides } = plan;
  const k = outerStrides.length;
  const offs = new Array<number>(k).fill(0);
  const nd = outerDims.length;
  if (plan.n === 0) return;
  for (const d of outerDims) if (d === 0) return;
  if (nd === 0) {
    row(offs);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  for (;;) {
    row(offs);
    let d = nd - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let q = 0; q < k; q++) offs[q]! += outerStrides[q]![d]!;
      if (idx[d]! < outerDims[d]!) break;
      for (let q = 0; q < k; q++) offs[q]! -= outerStrides[q]![d]! * outerDims[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
