// Matrix multiply and batched matmul with transpose flags (batch dims broadcast, as torch.matmul
// and cuBLAS's transa/transb). A 2-D right operand folds the left's batch dims into M, so a
// Linear layer is one GEMM forward and one per gradient, with no materialised transposes.
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import type { MatmulAttrs, MatmulPairAttrs } from '../op-attrs.js';
import { broadcastShapes, broadcastStrides, fmtShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { FloatArray, TensorData } from '../types.js';
import { sumTo } from './reduce.js';
import { reshape } from './layout.js';

// Packing scratch, reused across calls (grown on demand) so the reference GEMM allocates nothing.
let packA = new Float64Array(0);
let packB = new Float64Array(0);

/** Copies op(X) as `rows` contiguous rows of length K into `dst` (X is [rows, K], or [K, rows] when `trans`). */
function packRows(x: FloatArray, xo: number, rows: number, K: number, trans: boolean, dst: Float64Array): void {
  if (!trans) {
    for (let i = 0; i < rows * K; i++) dst[i] = x[xo + i]!;
    return;
  }
  for (let k = 0; k < K; k++) for (let i = 0; i < rows; i++) dst[i * K + k] = x[xo + k * rows + i]!;
}

/**
 * C[M,N] = op(A)·op(B) for one batch entry (C fully overwritten). Both operands are packed as rows
 * over K (A as [M,K], B as [N,K]) so every case becomes dot products, computed 2×4 at a time in
 * double precision: six loads per eight multiply-adds, ~3× the naive loop in V8.
 */
export function gemm(transA: boolean, transB: boolean, M: number, N: number, K: number,
  a: FloatArray, ao: number, b: FloatArray, bo: number, c: FloatArray, co: number): void {
  if (packA.length < M * K) packA = new Float64Array(M * K);
  if (packB.length < N * K) packB = new Float64Array(N * K);
  const A = packA, B = packB;
  packRows(a, ao, M, K, transA, A);
  packRows(b, bo, N, K, !transB, B);
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a0 = i * K, a1 = a0 + K;
    let j = 0;
    for (; j + 3 < N; j += 4) {
      const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!, x1 = A[a1 + k]!;
        const y0 = B[b0 + k]!, y1 = B[b1 + k]!, y2 = B[b2 + k]!, y3 = B[b3 + k]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
      }
      const r0 = co + i * N + j, r1 = r0 + N;
      c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
      c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
    }
    for (; j < N; j++) {
      const b0 = j * K;
      let c0 = 0, c1 = 0;
      for (let k = 0; k < K; k++) {
        c0 += A[a0 + k]! * B[b0 + k]!;
        c1 += A[a1 + k]! * B[b0 + k]!;
      }
      c[co + i * N + j] = c0;
      c[co + (i + 1) * N + j] = c1;
    }
  }
  for (; i < M; i++) {
    const a0 = i * K;
    for (let j = 0; j < N; j++) {
      const b0 = j * K;
      let acc = 0;
      for (let k = 0; k < K; k++) acc += A[a0 + k]! * B[b0 + k]!;
      c[co + i * N + j] = acc;
    }
  }
}

interface MatmulGeometry { M: number; N: number; K: number; batch: number[] }

/** Shapes → (M, N, K, broadcast batch), or a ShapeError. Shared with native kernels via the attrs. */
export function matmulGeometry(aShape: readonly number[], bShape: readonly number[], { transA, transB }: MatmulAttrs): MatmulGeometry {
  if (aShape.length < 2 || bShape.length < 2) {
    throw new ShapeError(`matmul: shapes ${fmtShape(aShape)} and ${fmtShape(bShape)} need at least 2 dimensions each`, 'reshape a vector to [1, n] or [n, 1]');
  }
  const ar = aShape[aShape.length - 2]!, ac = aShape[aShape.length - 1]!;
  const br = bShape[bShape.length - 2]!, bc = bShape[bShape.length - 1]!;
  const [M, Ka] = transA ? [ac, ar] : [ar, ac];
  const [Kb, N] = transB ? [bc, br] : [br, bc];
  if (Ka !== Kb) {
    let hint = 'transpose the second argument?';
    if (!transB && Ka === bc) hint = 'transpose the second argument (transB: true)?';
    else if (!transA && ar === Kb) hint = 'transpose the first argument (transA: true)?';
    throw new ShapeError(`matmul: shapes ${fmtShape(aShape)} and ${fmtShape(bShape)} don't align (inner ${Ka} ≠ ${Kb})`, hint);
  }
  const batch = broadcastShapes('matmul', aShape.slice(0, -2), bShape.slice(0, -2));
  return { M, N, K: Ka, batch };
}

function matmulKernel(inputs: readonly TensorData[], attrs: MatmulAttrs): TensorData {
  const [a, b] = inputs as [TensorData, TensorData];
  const { M, N, K, batch } = matmulGeometry(a.shape, b.shape, attrs);
  const shape = [...batch, M, N];
  const out = allocate(a.dtype, sizeOf(shape));
  const nb = sizeOf(batch);
  if (nb === 0 || M === 0 || N === 0) return { shape, dtype: a.dtype, data: out };
  const sa = broadcastStrides(a.shape.slice(0, -2), batch);
  const sb = broadcastStrides(b.shape.slice(0, -2), batch);
  const matA = M * K, matB = K * N;
  const idx = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < nb; t++) {
    let ao = 0, bo = 0;
    for (let d = 0; d < batch.length; d++) {
      ao += idx[d]! * sa[d]!;
      bo += idx[d]! * sb[d]!;
    }
    gemm(attrs.transA, attrs.transB, M, N, K, a.data, ao * matA, b.data, bo * matB, out, t * M * N);
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d]! < batch[d]!) break;
      idx[d] = 0;
    }
  }
  return { shape, dtype: a.dtype, data: out };
}

const matmulSpec = defineOp({
  name: 'matmul', inputs: ['a', 'b'], outputs: 1, doc: 'batched matrix product with transpose flags',
  grad: ([g], { inputs: [a, b], attrs: { transA, transB }, needs }) => {
    const dC = g!;
    // C = op(A)·op(B): each case keeps the gradient a single GEMM with flags.
    let dA: Tensor | null = null, dB: Tensor | null = null;
    if (needs[0] && needs[1] && a!.ndim === 2 && b!.ndim === 2) return productGrads(a!, b!, dC, { transA, transB }); // both at once
    if (needs[0]) {
      dA = !transA
        ? matmul(dC, b!, { transB: !transB }) // dC·op(B)ᵀ   [.., M, K]
        : matmul(b!, dC, { transA: transB, transB: true }); // op(B)·dCᵀ [.., K, M]
      dA = sumTo(dA, a!.shape);
    }
    if (needs[1]) {
      dB = !transB
        ? matmul(a!, dC, { transA: !transA }) // op(A)ᵀ·dC   [.., K, N]
        : matmul(dC, a!, { transA: true, transB: transA }); // dCᵀ·op(A) [.., N, K]
      dB = sumTo(dB, b!.shape);
    }
    return [dA, dB];
  },
});
registerKernel('matmul', 'reference', matmulKernel);

/**
 * dA and dB of C = op(A)·op(B) for 2-D A and B, as one matmulPair: the same GEMMs the matmul
 * gradient rule makes one at a time, computed together.
 */
function productGrads(a: Tensor, b: Tensor, dC: Tensor, { transA, transB }: MatmulAttrs): [Tensor, Tensor] {
  const [dA, dAOpts]: [[Tensor, Tensor], MatmulAttrs] = !transA
    ? [[dC, b], { transA: false, transB: !transB }] // dC·op(B)ᵀ   [M, K]
    : [[b, dC], { transA: transB, transB: true }]; // op(B)·dCᵀ [K, M]
  const [dB, dBOpts]: [[Tensor, Tensor], MatmulAttrs] = !transB
    ? [[a, dC], { transA: !transA, transB: false }] // op(A)ᵀ·dC   [K, N]
    : [[dC, a], { transA: true, transB: transA }]; // dCᵀ·op(A) [N, K]
  return matmulPair(dA[0], dA[1], dAOpts, dB[0], dB[1], dBOpts);
}

function matmulPairKernel(inputs: readonly TensorData[], attrs: MatmulPairAttrs): TensorData[] {
  const [a1, b1, a2, b2] = inputs as [TensorData, TensorData, TensorData, TensorData];
  return [matmulKernel([a1, b1], attrs.first), matmulKernel([a2, b2], attrs.second)];
}

const matmulPairSpec = defineOp({
  name: 'matmulPair', inputs: ['a1', 'b1', 'a2', 'b2'], outputs: 2,
  doc: 'two independent 2-D products computed together (a layer\'s input and weight gradients)',
  grad: ([g1, g2], { inputs: [a1, b1, a2, b2], attrs, needs }) => {
    const rule = matmulSpec.grad!;
    const first = g1 ? rule([g1], { inputs: [a1!, b1!], outputs: [], attrs: attrs.first, needs: [needs[0]!, needs[1]!] }) : [null, null];
    const second = g2 ? rule([g2], { inputs: [a2!, b2!], outputs: [], attrs: attrs.second, needs: [needs[2]!, needs[3]!] }) : [null, null];
    return [...first, ...second];
  },
});
registerKernel('matmulPair', 'reference', matmulPairKernel);

/**
 * [op(a1)·op(b1), op(a2)·op(b2)] for 2-D operands: two independent products in one call, which
 * the native backend runs at the same time on two cores (see native/bind_gemm.cc, SgemmPair).
 */
export function matmulPair(a1: Tensor, b1: Tensor, first: { transA?: boolean; transB?: boolean }, a2: Tensor, b2: Tensor, second: { transA?: boolean; transB?: boolean }): [Tensor, Tensor] {
  for (const [x, which] of [[a1, 'a1'], [b1, 'b1'], [a2, 'a2'], [b2, 'b2']] as const) {
    if (x.ndim !== 2) throw new ShapeError(`matmulPair: ${which} has shape ${fmtShape(x.shape)}, but every operand must be 2-D`, 'use matmul for batched products');
  }
  const attrs: MatmulPairAttrs = {
    first: { transA: first.transA ?? false, transB: first.transB ?? false },
    second: { transA: second.transA ?? false, transB: second.transB ?? false },
  };
  matmulGeometry(a1.shape, b1.shape, attrs.first);
  matmulGeometry(a2.shape, b2.shape, attrs.second);
  const [c1, c2] = apply(matmulPairSpec, [a1, b1, a2, b2], attrs);
  return [c1!, c2!];
}

/**
 * op(a)·op(b) over the last two axes, batch axes broadcast; op transposes when its flag is set.
 * a: [..., M, K] (or [..., K, M] with transA), b: [..., K, N] (or [..., N, K] with transB).
 */
export function matmul(a: Tensor, b: Tensor, options: { transA?: boolean; transB?: boolean } = {}): Tensor {
  const attrs = { transA: options.transA ?? false, transB: options.transB ?? false };
  const { N } = matmulGeometry(a.shape, b.shape, attrs);
  if (b.ndim === 2 && a.ndim > 2 && !attrs.transA) {
    // [B, T, K] · [K, N]: fold the batch into M for one large GEMM (and one for each gradient).
    const lead = a.shape.slice(0, -1);
    const a2 = reshape(a, [sizeOf(lead), a.shape[a.ndim - 1]!]); // [B*T, K]
    const c2 = apply(matmulSpec, [a2, b], attrs)[0]!; // [B*T, N]
    return reshape(c2, [...lead, N]); // [B, T, N]
  }
  return apply(matmulSpec, [a, b], attrs)[0]!;
}
