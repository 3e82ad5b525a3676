// OP_CASES: every op with a generator of random valid inputs (random shapes with broadcasting,
// size-1 and empty dimensions) and, for fused ops, the composite of primitives it must match.
// The reference tests (finite differences) and the native backend's tests (native vs reference)
// iterate this one table; per-op tolerances for float32 backend comparisons live here.
import * as composites from './composites.js';
import * as F from './index.js';
import { indices } from './index.js';
import type { DType, IndexTensor, OpName, Rng, Tensor } from './index.js';

export interface CaseInstance {
  inputs: Tensor[];
  run: (xs: readonly Tensor[]) => Tensor;
  composite?: (xs: readonly Tensor[]) => Tensor;
}

export interface OpCase {
  /** A short name for test output. */
  readonly name: string;
  /** Registry ops exercised (forward and, through backward, their backward ops). */
  readonly ops: readonly OpName[];
  /**
   * Random valid inputs (those with requiresGrad get gradients), the function under test and,
   * for fused ops, the same function built from primitive ops (CONVENTIONS.md 3).
   */
  make(rng: Rng, dtype: DType): CaseInstance;
  /** Normwise relative tolerances for float32 backend comparisons: forward and gradients. */
  readonly tol: { fwd: number; grad: number };
  /** False for ops with no gradient (comparisons) — then only forwards are compared. */
  readonly differentiable: boolean;
  /** False where finite differences can't apply in float64 (a cast through float32). */
  readonly finiteDifferences?: boolean;
}

const TOL = { fwd: 1e-5, grad: 1e-5 };
const LOOSE = { fwd: 1e-5, grad: 1e-4 }; // long reductions in backward (norms, attention, cross-entropy)

function dim(rng: Rng, allowEmpty: boolean): number {
  const u = rng.next();
  if (allowEmpty && u < 0.08) return 0;
  if (u < 0.3) return 1;
  return 2 + rng.int(3);
}

/** A random shape of the given rank range. */
export function randomShape(rng: Rng, minRank: number, maxRank: number, allowEmpty = true): number[] {
  const rank = minRank + rng.int(maxRank - minRank + 1);
  return Array.from({ length: rank }, () => dim(rng, allowEmpty));
}

/** Two shapes that broadcast: one random shape, the other with some axes set to 1 and some leading axes dropped. */
export function broadcastPair(rng: Rng, allowEmpty = true): [number[], number[]] {
  const a = randomShape(rng, 0, 4, allowEmpty);
  let b = a.map((d) => (rng.next() < 0.3 ? 1 : d));
  b = b.slice(rng.int(b.length + 1) === 0 ? 0 : rng.int(b.length + 1));
  return rng.next() < 0.5 ? [a, b] : [b, a];
}

function leaf(t: Tensor): Tensor {
  t.requiresGrad = true;
  return t;
}
const randn = (rng: Rng, shape: readonly number[], dtype: DType): Tensor => leaf(rng.normal(shape, 0, 1, { dtype }));
const uniform = (rng: Rng, shape: readonly number[], dtype: DType, lo: number, hi: number): Tensor => leaf(rng.uniform(shape, lo, hi, { dtype }));
/** Normal values pushed at least 0.2 away from 0 (for kinks and poles at 0). */
function awayFromZero(rng: Rng, shape: readonly number[], dtype: DType): Tensor {
  const t = randn(rng, shape, dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = t.data[i]! >= 0 ? t.data[i]! + 0.2 : t.data[i]! - 0.2;
  return t;
}
function randomIndices(rng: Rng, shape: readonly number[], n: number): IndexTensor {
  const size = shape.reduce((s, d) => s * d, 1);
  return indices(Int32Array.from({ length: size }, () => rng.int(n)), shape);
}

function binaryCase(name: 'add' | 'sub' | 'mul' | 'div'): OpCase {
  const fn = F[name];
  return {
    name, ops: [name], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const [sa, sb] = broadcastPair(rng);
      const b = name === 'div' ? awayFromZero(rng, sb, dtype) : randn(rng, sb, dtype);
      return { inputs: [randn(rng, sa, dtype), b], run: ([x, y]) => fn(x!, y!) };
    },
  };
}

function unaryCase(name: string, ops: readonly OpName[], fn: (x: Tensor) => Tensor, domain: 'any' | 'positive' | 'nonzero' = 'any', composite?: (x: Tensor) => Tensor): OpCase {
  return {
    name, ops, tol: TOL, differentiable: true,
    make(rng, dtype) {
      const shape = randomShape(rng, 0, 3);
      const x = domain === 'positive' ? uniform(rng, shape, dtype, 0.3, 2) : domain === 'nonzero' ? awayFromZero(rng, shape, dtype) : randn(rng, shape, dtype);
      return { inputs: [x], run: ([t]) => fn(t!), ...(composite ? { composite: ([t]: readonly Tensor[]) => composite(t!) } : {}) };
    },
  };
}

function reduceCase(name: 'sum' | 'max' | 'logsumexp' | 'mean'): OpCase {
  return {
    name, ops: name === 'mean' ? ['sum', 'div'] : [name], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const shape = randomShape(rng, 1, 4, name !== 'max');
      const axes = shape.map((_, i) => i).filter(() => rng.next() < 0.5);
      const keepdim = rng.next() < 0.5;
      const x = randn(rng, shape, dtype);
      const ax = axes.length === 0 ? undefined : axes;
      if (name === 'mean') {
        // mean over an empty axis is NaN; keep the reduced axes non-empty.
        for (const a of ax ?? shape.map((_, i) => i)) if (shape[a] === 0) shape[a] = 1;
        return { inputs: [randn(rng, shape, dtype)], run: ([t]) => F.mean(t!, ax, keepdim) };
      }
      return { inputs: [x], run: ([t]) => F[name](t!, ax, keepdim) };
    },
  };
}

export const OP_CASES: readonly OpCase[] = [
  binaryCase('add'), binaryCase('sub'), binaryCase('mul'), binaryCase('div'),
  {
    name: 'pow', ops: ['pow'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const [sa, sb] = broadcastPair(rng);
      return { inputs: [uniform(rng, sa, dtype, 0.5, 2), uniform(rng, sb, dtype, -2, 2)], run: ([a, b]) => F.pow(a!, b!) };
    },
  },
  {
    name: 'eq/gt/where', ops: ['eq', 'gt', 'where'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const [sa, sb] = broadcastPair(rng);
      const ints = (s: number[]): Tensor => { const t = rng.uniform(s, 0, 3, { dtype }); t.data.forEach((v, i) => (t.data[i] = Math.floor(v))); return t; };
      const c1 = ints(sa), c2 = ints(sb);
      return {
        inputs: [randn(rng, sa, dtype), randn(rng, sb, dtype)],
        run: ([a, b]) => F.add(F.where(F.gt(c1, c2), a!, b!), F.where(F.eq(c1, c2), b!, 0.5)),
      };
    },
  },
  unaryCase('neg', ['neg'], F.neg),
  unaryCase('exp', ['exp'], F.exp),
  unaryCase('log', ['log'], F.log, 'positive'),
  unaryCase('sqrt', ['sqrt'], F.sqrt, 'positive'),
  unaryCase('rsqrt', ['rsqrt'], F.rsqrt, 'positive'),
  unaryCase('abs', ['abs'], F.abs, 'nonzero'),
  unaryCase('tanh', ['tanh'], F.tanh),
  unaryCase('sigmoid', ['sigmoid'], F.sigmoid),
  unaryCase('relu', ['relu'], F.relu, 'nonzero'),
  unaryCase('silu', ['silu', 'siluBackward'], F.silu, 'any', composites.siluComposite),
  unaryCase('gelu-tanh', ['gelu', 'geluBackward'], (x) => F.gelu(x, 'tanh'), 'any', composites.geluTanhComposite),
  unaryCase('gelu-erf', ['gelu', 'geluBackward'], (x) => F.gelu(x, 'none')),
  { ...unaryCase('cast', ['cast'], (x) => F.mul(F.cast(F.cast(x, x.dtype === 'float32' ? 'float64' : 'float32'), x.dtype), 1)), finiteDifferences: false },
  {
    name: 'matmul', ops: ['matmul'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const transA = rng.next() < 0.5, transB = rng.next() < 0.5;
      const M = dim(rng, true), N = dim(rng, true), K = dim(rng, true);
      const batchA = randomShape(rng, 0, 2, false);
      let batchB = batchA.map((d) => (rng.next() < 0.3 ? 1 : d)).slice(rng.int(batchA.length + 1));
      if (rng.next() < 0.3 && !transA) batchB = []; // the Linear path: [.., M, K]·[K, N]
      const [sa, sb] = rng.next() < 0.5 ? [batchA, batchB] : [batchB, batchA];
      const a = randn(rng, [...sa, ...(transA ? [K, M] : [M, K])], dtype);
      const b = randn(rng, [...sb, ...(transB ? [N, K] : [K, N])], dtype);
      return { inputs: [a, b], run: ([x, y]) => F.matmul(x!, y!, { transA, transB }) };
    },
  },
  {
    name: 'matmulPair', ops: ['matmulPair', 'matmul'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const operands = (): [Tensor, Tensor, { transA: boolean; transB: boolean }] => {
        const transA = rng.next() < 0.5, transB = rng.next() < 0.5;
        const M = dim(rng, true), N = dim(rng, true), K = dim(rng, true);
        return [randn(rng, transA ? [K, M] : [M, K], dtype), randn(rng, transB ? [N, K] : [K, N], dtype), { transA, transB }];
      };
      const [a1, b1, f1] = operands(), [a2, b2, f2] = operands();
      return {
        inputs: [a1, b1, a2, b2],
        run: ([w, x, y, z]) => F.concat(F.matmulPair(w!, x!, f1, y!, z!, f2).map((c) => F.reshape(c, [c.size])), 0),
        composite: ([w, x, y, z]) => F.concat([F.matmul(w!, x!, f1), F.matmul(y!, z!, f2)].map((c) => F.reshape(c, [c.size])), 0),
      };
    },
  },
  {
    name: 'linear', ops: ['linear', 'matmul', 'matmulPair', 'sum'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const lead = randomShape(rng, 1, 3);
      const K = dim(rng, true), O = dim(rng, true);
      const inputs = [randn(rng, [...lead, K], dtype), randn(rng, [O, K], dtype), randn(rng, [O], dtype)];
      return {
        inputs,
        run: ([x, w, b]) => F.linear(x!, w!, b!),
        composite: ([x, w, b]) => F.add(F.matmul(x!, w!, { transB: true }), b!),
      };
    },
  },
  reduceCase('sum'), reduceCase('mean'), reduceCase('max'), reduceCase('logsumexp'),
  {
    name: 'broadcastTo', ops: ['broadcastTo'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const target = randomShape(rng, 1, 4);
      const src = target.map((d) => (rng.next() < 0.4 ? 1 : d)).slice(rng.int(target.length));
      return { inputs: [randn(rng, src, dtype)], run: ([x]) => F.broadcastTo(x!, target) };
    },
  },
  {
    name: 'reshape/permute', ops: ['reshape', 'permute'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const shape = randomShape(rng, 1, 4);
      const perm = Array.from(rng.permutation(shape.length));
      return { inputs: [randn(rng, shape, dtype)], run: ([x]) => F.reshape(F.permute(x!, perm), [-1, shape[perm[perm.length - 1]!]!].slice(shape[perm[perm.length - 1]!] === 0 ? 1 : 0)) };
    },
  },
  {
    name: 'slice', ops: ['slice', 'sliceBackward'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const shape = randomShape(rng, 1, 4);
      const axis = rng.int(shape.length);
      const n = shape[axis]!;
      const s = rng.int(n + 1), e = s + rng.int(n - s + 1);
      return { inputs: [randn(rng, shape, dtype)], run: ([x]) => F.mul(F.slice(x!, axis, s, e), 2) };
    },
  },
  {
    name: 'concat/stack/split', ops: ['concat', 'reshape', 'split'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const shape = randomShape(rng, 1, 3);
      const axis = rng.int(shape.length);
      const k = 1 + rng.int(3);
      const parts = Array.from({ length: k }, () => randn(rng, shape.map((d, i) => (i === axis ? dim(rng, true) : d)), dtype));
      const same = Array.from({ length: k }, () => randn(rng, shape, dtype));
      return {
        inputs: [...parts, ...same],
        run: (xs) => {
          const joined = F.concat(xs.slice(0, k), axis);
          // Split unevenly and use only some pieces, so unused pieces' zero gradients are exercised.
          const n = joined.shape[axis]!;
          const pieces = F.split(joined, [Math.floor(n / 3), n - Math.floor(n / 3)], axis);
          return F.add(F.add(F.sum(F.mul(pieces[1]!, pieces[1]!)), F.sum(joined)), F.sum(F.mul(F.stack(xs.slice(k), axis), 1.5)));
        },
      };
    },
  },
  {
    name: 'gather', ops: ['gather', 'scatterAdd'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const shape = randomShape(rng, 1, 3, false);
      const axis = rng.int(shape.length);
      const idxShape = shape.map((d, i) => (i === axis ? 1 + rng.int(4) : 1 + rng.int(d)));
      const idx = randomIndices(rng, idxShape, shape[axis]!);
      return { inputs: [randn(rng, shape, dtype)], run: ([x]) => F.gather(x!, axis, idx) };
    },
  },
  {
    name: 'embedding/indexSelect', ops: ['embedding', 'embeddingBackward', 'permute'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const V = 1 + rng.int(6), C = dim(rng, true);
      const ids = randomIndices(rng, randomShape(rng, 0, 2), V);
      const shape = randomShape(rng, 1, 3, false);
      const axis = rng.int(shape.length);
      const sel = randomIndices(rng, [rng.int(5)], shape[axis]!);
      return {
        inputs: [randn(rng, [V, C], dtype), randn(rng, shape, dtype)],
        run: ([w, x]) => F.add(F.sum(F.mul(F.embedding(w!, ids), 1.3)), F.sum(F.mul(F.indexSelect(x!, axis, sel), F.indexSelect(x!, axis, sel)))),
        composite: ([w, x]) => F.add(F.sum(F.mul(composites.embeddingComposite(w!, ids), 1.3)), F.sum(F.mul(F.indexSelect(x!, axis, sel), F.indexSelect(x!, axis, sel)))),
      };
    },
  },
  {
    name: 'softmax', ops: ['softmax', 'softmaxBackward'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const shape = randomShape(rng, 1, 3);
      const axis = rng.int(shape.length);
      return { inputs: [randn(rng, shape, dtype)], run: ([x]) => F.softmax(x!, axis), composite: ([x]) => composites.softmaxComposite(x!, axis) };
    },
  },
  {
    name: 'logSoftmax', ops: ['logSoftmax', 'logSoftmaxBackward'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const shape = randomShape(rng, 1, 3);
      const axis = rng.int(shape.length);
      return { inputs: [randn(rng, shape, dtype)], run: ([x]) => F.logSoftmax(x!, axis), composite: ([x]) => composites.logSoftmaxComposite(x!, axis) };
    },
  },
  {
    name: 'crossEntropy', ops: ['crossEntropy', 'crossEntropyBackward'], tol: LOOSE, differentiable: true,
    make(rng, dtype) {
      const rows = randomShape(rng, 0, 2);
      const C = 1 + rng.int(6);
      const targets = randomIndices(rng, rows, C);
      const ignore = rng.next() < 0.5 ? 0 : -100;
      const reduction = (['mean', 'sum', 'none'] as const)[rng.int(3)]!;
      const weights = rng.next() < 0.5 ? rng.uniform(rows, 0, 1, { dtype }) : undefined;
      const options = { ignoreIndex: ignore, reduction, ...(weights ? { weights } : {}) };
      return {
        inputs: [randn(rng, [...rows, C], dtype)],
        run: ([x]) => F.crossEntropy(x!, targets, options),
        composite: ([x]) => composites.crossEntropyComposite(x!, targets, options),
      };
    },
  },
  {
    name: 'layerNorm', ops: ['layerNorm', 'layerNormBackward'], tol: LOOSE, differentiable: true,
    make(rng, dtype) {
      const shape = [...randomShape(rng, 0, 2), 1 + rng.int(6)];
      const C = shape[shape.length - 1]!;
      const withBias = rng.next() < 0.7;
      const inputs = [randn(rng, shape, dtype), uniform(rng, [C], dtype, 0.5, 1.5), randn(rng, [C], dtype)];
      return { inputs, run: ([x, w, b]) => F.layerNorm(x!, w!, withBias ? b! : null), composite: ([x, w, b]) => composites.layerNormComposite(x!, w!, withBias ? b! : null) };
    },
  },
  {
    name: 'rmsNorm', ops: ['rmsNorm', 'rmsNormBackward'], tol: LOOSE, differentiable: true,
    make(rng, dtype) {
      const shape = [...randomShape(rng, 0, 2), 1 + rng.int(6)];
      return { inputs: [randn(rng, shape, dtype), uniform(rng, [shape[shape.length - 1]!], dtype, 0.5, 1.5)], run: ([x, w]) => F.rmsNorm(x!, w!), composite: ([x, w]) => composites.rmsNormComposite(x!, w!) };
    },
  },
  {
    name: 'attention', ops: ['attention', 'attentionBackward'], tol: LOOSE, differentiable: true,
    make(rng, dtype) {
      const B = 1 + rng.int(2), Hkv = 1 + rng.int(2), H = Hkv * (1 + rng.int(2)), D = 1 + rng.int(4);
      const Tk = 1 + rng.int(5), Tq = 1 + rng.int(Tk);
      const causal = rng.next() < 0.7;
      const mask = rng.next() < 0.3 ? rng.normal([Tq, Tk], 0, 1, { dtype }) : undefined;
      return {
        inputs: [randn(rng, [B, H, Tq, D], dtype), randn(rng, [B, Hkv, Tk, D], dtype), randn(rng, [B, Hkv, Tk, D], dtype)],
        run: ([q, k, v]) => F.attention(q!, k!, v!, { causal, ...(mask ? { mask } : {}) }),
        composite: ([q, k, v]) => composites.attentionComposite(q!, k!, v!, { causal, ...(mask ? { mask } : {}) }),
      };
    },
  },
  {
    name: 'packedAttention', ops: ['packedAttention', 'packedAttentionBackward'], tol: LOOSE, differentiable: true,
    make(rng, dtype) {
      const B = 1 + rng.int(2), T = 1 + rng.int(5), H = 1 + rng.int(3), D = 1 + rng.int(4);
      const causal = rng.next() < 0.7;
      return {
        inputs: [randn(rng, [B, T, 3 * H * D], dtype)],
        run: ([qkv]) => F.packedAttention(qkv!, H, { causal }),
        composite: ([qkv]) => composites.packedAttentionComposite(qkv!, H, { causal }),
      };
    },
  },
  {
    name: 'rope', ops: ['rope', 'ropeBackward'], tol: TOL, differentiable: true,
    make(rng, dtype) {
      const T = 1 + rng.int(4), D = 2 * (1 + rng.int(3));
      const { cos, sin } = F.ropeTables(T, D, { offset: rng.int(5), dtype });
      return { inputs: [randn(rng, [...randomShape(rng, 0, 2), T, D], dtype)], run: ([x]) => F.rope(x!, cos, sin), composite: ([x]) => composites.ropeComposite(x!, cos, sin) };
    },
  },
];
