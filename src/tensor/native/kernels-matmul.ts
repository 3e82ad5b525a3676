// The native matmul kernel: one sgemm (OpenBLAS or fathom's blocked GEMM) per call where the
// batch allows it. Transposes are BLAS flags, never copies. A batch against a shared right
// operand folds into M (one large GEMM); other uniform batches use the strided-batched call;
// irregular broadcasts (both operands broadcast on different axes) loop over the batch.
import { registerKernel } from '../registry.js';
import type { MatmulAttrs, MatmulPairAttrs } from '../op-attrs.js';
import { linearGeometry } from '../ops/linear.js';
import { matmulGeometry } from '../ops/matmul.js';
import { broadcastStrides, stridesOf } from '../shape.js';
import type { TensorData } from '../types.js';
import type { NativeAddon } from './addon.js';
import { f32, isF32, output, product, reference } from './util.js';

/** The batch stride (in matrices) when `strides` walk the batch uniformly: contiguous, or 0 (shared); else null. */
function uniformStride(strides: readonly number[], batch: readonly number[]): number | null {
  if (strides.every((s, i) => s === 0 || batch[i] === 1)) return 0;
  const dense = stridesOf(batch);
  return strides.every((s, i) => s === dense[i] || batch[i] === 1) ? 1 : null;
}

export function matmulKernel(addon: NativeAddon, inputs: readonly TensorData[], attrs: MatmulAttrs): TensorData {
  const [a, b] = inputs as [TensorData, TensorData];
  if (!isF32(a, b)) return reference('matmul', inputs, attrs)[0]!;
  const { transA, transB } = attrs;
  const { M, N, K, batch } = matmulGeometry(a.shape, b.shape, attrs);
  const shape = [...batch, M, N];
  const nb = product(batch);
  if (nb === 0 || M === 0 || N === 0) return { shape, dtype: 'float32', data: new Float32Array(nb * M * N) };
  const out = output(nb * M * N); // beta = 0: every element is written, K = 0 included
  const ad = f32(a), bd = f32(b);
  const lda = Math.max(1, transA ? M : K), ldb = Math.max(1, transB ? K : N);
  if (nb === 1) {
    addon.sgemm(transA, transB, M, N, K, 1, ad, lda, bd, ldb, 0, out, N);
    return { shape, dtype: 'float32', data: out };
  }
  const sa = uniformStride(broadcastStrides(a.shape.slice(0, -2), batch), batch);
  const sb = uniformStride(broadcastStrides(b.shape.slice(0, -2), batch), batch);
  if (sa === 1 && sb === 0 && !transA) {
    // [nb, M, K]·[K, N]: the batch is just more rows of A.
    addon.sgemm(false, transB, nb * M, N, K, 1, ad, lda, bd, ldb, 0, out, N);
  } else if (sa !== null && sb !== null) {
    addon.sgemmBatched(transA, transB, M, N, K, 1, ad, lda, sa * M * K, bd, ldb, sb * K * N, 0, out, N, M * N, nb);
  } else {
    const stA = broadcastStrides(a.shape.slice(0, -2), batch), stB = broadcastStrides(b.shape.slice(0, -2), batch);
    const idx = new Array<number>(batch.length).fill(0);
    for (let t = 0; t < nb; t++) {
      let ao = 0, bo = 0;
      for (let d = 0; d < batch.length; d++) {
        ao += idx[d]! * stA[d]!;
        bo += idx[d]! * stB[d]!;
      }
      addon.sgemm(transA, transB, M, N, K, 1, ad.subarray(ao * M * K), lda, bd.subarray(bo * K * N), ldb, 0, out.subarray(t * M * N), N);
      for (let d = batch.length - 1; d >= 0; d--) {
        if (++idx[d]! < batch[d]!) break;
        idx[d] = 0;
      }
    }
  }
  return { shape, dtype: 'float32', data: out };
}

/** y = x·wᵀ + b: the bias rows are written first and the GEMM adds onto them (beta = 1). */
export function linearKernel(addon: NativeAddon, inputs: readonly TensorData[]): TensorData {
  const [x, w, b] = inputs as [TensorData, TensorData, TensorData];
  if (!isF32(x, w, b)) return reference('linear', inputs, {})[0]!;
  const [N, K, O] = linearGeometry(x.shape, w.shape, b.shape);
  if (N === 0 || O === 0) return { shape: [N, O], dtype: 'float32', data: new Float32Array(N * O) };
  const out = output(N * O); // [N, O], every element written below
  out.set(f32(b));
  // Doubling copies: log2(N) memcpys instead of N row copies.
  for (let rows = 1; rows < N; rows *= 2) out.copyWithin(rows * O, 0, Math.min(rows, N - rows) * O);
  if (K > 0) addon.sgemm(false, true, N, O, K, 1, f32(x), K, f32(w), K, 1, out, O);
  return { shape: [N, O], dtype: 'float32', data: out };
}

/** Two 2-D products through one sgemmPair call (run at once on two cores; see native/bind_gemm.cc). */
export function matmulPairKernel(addon: NativeAddon, inputs: readonly TensorData[], attrs: MatmulPairAttrs): TensorData[] {
  if (!isF32(...inputs)) return reference('matmulPair', inputs, attrs);
  const [a1, b1, a2, b2] = inputs as [TensorData, TensorData, TensorData, TensorData];
  const g1 = matmulGeometry(a1.shape, b1.shape, attrs.first), g2 = matmulGeometry(a2.shape, b2.shape, attrs.second);
  const c1 = output(g1.M * g1.N), c2 = output(g2.M * g2.N); // beta = 0: every element is written
  const ld = (rows: number, cols: number, trans: boolean) => Math.max(1, trans ? rows : cols);
  addon.sgemmPair(
    attrs.first.transA, attrs.first.transB, g1.M, g1.N, g1.K, 1, f32(a1), ld(g1.M, g1.K, attrs.first.transA), f32(b1), ld(g1.K, g1.N, attrs.first.transB), 0, c1, Math.max(1, g1.N),
    attrs.second.transA, attrs.second.transB, g2.M, g2.N, g2.K, 1, f32(a2), ld(g2.M, g2.K, attrs.second.transA), f32(b2), ld(g2.K, g2.N, attrs.second.transB), 0, c2, Math.max(1, g2.N),
  );
  return [{ shape: [g1.M, g1.N], dtype: 'float32', data: c1 }, { shape: [g2.M, g2.N], dtype: 'float32', data: c2 }];
}

export function registerMatmul(addon: NativeAddon): void {
  registerKernel('matmul', 'native', (inputs, attrs) => matmulKernel(addon, inputs, attrs));
  registerKernel('matmulPair', 'native', (inputs, attrs) => matmulPairKernel(addon, inputs, attrs));
  registerKernel('linear', 'native', (inputs) => linearKernel(addon, inputs));
}
