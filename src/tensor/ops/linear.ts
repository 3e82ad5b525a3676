// The affine map of a Linear layer, y = x·wᵀ + b, as one fused op (torch.nn.functional.linear,
// cuBLAS/oneDNN GEMM epilogues). Written as matmul + add it costs a second full pass over the
// output and a second output buffer; fused, a backend writes the bias into the output and runs
// the GEMM with beta = 1 (the native kernel). Its reference composite is matmul(x, w, transB) + b
// (op-cases.ts). Without a bias, `linear` is plain matmul.
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import { fmtShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { TensorData } from '../types.js';
import { reshape } from './layout.js';
import { gemm, matmul, matmulPair } from './matmul.js';
import { sum } from './reduce.js';

/** Checks x [..., K], w [O, K], b [O]; returns [N, K, O] with N the product of x's leading axes. */
export function linearGeometry(x: readonly number[], w: readonly number[], b: readonly number[]): [number, number, number] {
  const K = x[x.length - 1];
  const ok = x.length >= 1 && w.length === 2 && b.length === 1 && K === w[1] && b[0] === w[0];
  if (!ok) {
    throw new ShapeError(`linear: input ${fmtShape(x)}, weight ${fmtShape(w)} and bias ${fmtShape(b)} don't fit (want [..., in], [out, in] and [out])`, 'the weight is [out, in] (as torch.nn.Linear) and the bias [out]');
  }
  return [sizeOf(x.slice(0, -1)), K!, w[0]!];
}

function linearKernel(inputs: readonly TensorData[]): TensorData {
  const [x, w, b] = inputs as [TensorData, TensorData, TensorData];
  const [N, K, O] = linearGeometry(x.shape, w.shape, b.shape);
  const out = x.dtype === 'float32' ? new Float32Array(N * O) : new Float64Array(N * O);
  if (N > 0 && O > 0) gemm(false, true, N, O, K, x.data, 0, w.data, 0, out, 0); // [N, O]
  for (let r = 0; r < N; r++) for (let j = 0; j < O; j++) out[r * O + j]! += b.data[j]!;
  return { shape: [N, O], dtype: x.dtype, data: out };
}

const linearSpec = defineOp({
  name: 'linear', inputs: ['x', 'weight', 'bias'], outputs: 1, doc: 'x·wᵀ + b (a Linear layer; the bias fused into the GEMM)',
  grad: ([g], { inputs: [x, w], needs }) => {
    const db = needs[2] ? sum(g!, 0) : null; // Σ_rows dy [O]
    if (needs[0] && needs[1]) return [...matmulPair(g!, w!, {}, g!, x!, { transA: true }), db]; // dy·w [N, K], dyᵀ·x [O, K] at once
    return [
      needs[0] ? matmul(g!, w!) : null, // dy·w     [N, K]
      needs[1] ? matmul(g!, x!, { transA: true }) : null, // dyᵀ·x   [O, K]
      db,
    ];
  },
});
registerKernel('linear', 'reference', linearKernel);

/** x [..., in] · weightᵀ [in, out] + bias [out] → [..., out] (torch.nn.functional.linear). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (!bias) return matmul(x, weight, { transB: true });
  const [N, K, O] = linearGeometry(x.shape, weight.shape, bias.shape);
  const x2 = x.ndim === 2 ? x : reshape(x, [N, K]); // [N, in]
  const y = apply(linearSpec, [x2, weight, bias], {})[0]!; // [N, out]
  return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), O]); // [..., out]
}
