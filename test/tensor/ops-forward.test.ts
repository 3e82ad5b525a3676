// Forward values of every op on small hand-computed cases (reference backend, float64 unless
// noted), plus the storage-sharing guarantees of reshape and contiguous slices.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as F from '../../src/tensor/index.js';
import { Rng, indices, setBackend, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';

setBackend('reference');
const f64 = { dtype: 'float64' } as const;
const t = (v: F.NestedArray): Tensor => tensor(v, f64);

function close(actual: Tensor | number[], expected: number[], tol = 1e-12, what = ''): void {
  const a = Array.isArray(actual) ? actual : actual.toArray();
  assert.equal(a.length, expected.length, `${what} length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!)), `${what}[${i}]: ${v} vs ${expected[i]}`));
}

test('elementwise binary ops broadcast like NumPy', () => {
  const a = t([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(F.add(a, t([10, 20, 30])).toNested(), [[11, 22, 33], [14, 25, 36]]);
  assert.deepEqual(F.sub(a, t([[1], [2]])).toNested(), [[0, 1, 2], [2, 3, 4]]);
  assert.deepEqual(F.mul(a, 2).toNested(), [[2, 4, 6], [8, 10, 12]]);
  assert.deepEqual(F.div(1, t([2, 4])).toNested(), [0.5, 0.25]);
  assert.deepEqual(F.pow(t([2, 3]), t([[2], [3]])).toNested(), [[4, 9], [8, 27]]);
  assert.deepEqual(F.add(t([[1], [2]]), t([[10, 20]])).toNested(), [[11, 21], [12, 22]]);
  assert.deepEqual(F.eq(t([1, 2, 3]), 2).toNested(), [0, 1, 0]);
  assert.deepEqual(F.gt(t([1, 2, 3]), 2).toNested(), [0, 0, 1]);
  assert.deepEqual(F.lt(t([1, 2, 3]), 2).toNested(), [1, 0, 0]);
  assert.deepEqual(F.where(t([1, 0, 1]), t([1, 2, 3]), -1).toNested(), [1, -1, 3]);
  assert.deepEqual(F.add(F.zeros([0, 3], f64), t([1, 2, 3])).shape, [0, 3]);
  assert.equal(F.add(F.scalar(1, 'float64'), F.scalar(2, 'float64')).item(), 3);
});

test('elementwise unary ops and activations', () => {
  const x = t([-1, 0, 1, 2]);
  close(F.neg(x), [1, 0, -1, -2]);
  close(F.exp(x), [Math.exp(-1), 1, Math.E, Math.exp(2)]);
  close(F.log(t([1, Math.E])), [0, 1]);
  close(F.sqrt(t([4, 9])), [2, 3]);
  close(F.rsqrt(t([4, 16])), [0.5, 0.25]);
  close(F.abs(x), [1, 0, 1, 2]);
  close(F.tanh(x), [-1, 0, 1, 2].map(Math.tanh));
  close(F.sigmoid(t([0])), [0.5]);
  close(F.relu(x), [0, 0, 1, 2]);
  close(F.silu(t([1])), [0.7310585786300049]);
  // Reference values from PyTorch: gelu(1, approximate='tanh') and gelu(1) (erf).
  close(F.gelu(t([1, -1]), 'tanh'), [0.8411919906082768, -0.15880800939172324], 1e-12);
  close(F.gelu(t([1, -1]), 'none'), [0.8413447460685429, -0.15865525393145707], 1e-12);
  close([F.erf(0.5), F.erf(3.5), F.erf(-2)], [0.5204998778130465, 0.9999992569016276, -0.9953222650189527], 1e-13);
  const c = F.cast(tensor([1.5, 2.25]), 'float64');
  assert.equal(c.dtype, 'float64');
  close(c, [1.5, 2.25]);
});

test('matmul: plain, transposed, batched with broadcast, and empty', () => {
  const a = t([[1, 2, 3], [4, 5, 6]]); // [2,3]
  const b = t([[1, 0], [0, 1], [1, 1]]); // [3,2]
  assert.deepEqual(F.matmul(a, b).toNested(), [[4, 5], [10, 11]]);
  assert.deepEqual(F.matmul(a, F.transpose(b), { transB: true }).toNested(), [[4, 5], [10, 11]]);
  assert.deepEqual(F.matmul(F.transpose(a), b, { transA: true }).toNested(), [[4, 5], [10, 11]]);
  assert.deepEqual(F.matmul(F.transpose(a), F.transpose(b), { transA: true, transB: true }).toNested(), [[4, 5], [10, 11]]);
  const batch = F.stack([a, F.mul(a, 2)]); // [2,2,3]
  assert.deepEqual(F.matmul(batch, b).toNested(), [[[4, 5], [10, 11]], [[8, 10], [20, 22]]]);
  assert.deepEqual(F.matmul(F.reshape(a, [1, 2, 3]), F.stack([b, b])).shape, [2, 2, 2]);
  assert.deepEqual(F.matmul(F.zeros([2, 0], f64), F.zeros([0, 3], f64)).toNested(), [[0, 0, 0], [0, 0, 0]]);
});

test('reductions over axes with keepdim', () => {
  const x = t([[1, 5, 3], [4, 2, 6]]);
  assert.deepEqual(F.sum(x).toNested(), 21);
  assert.deepEqual(F.sum(x, 0).toNested(), [5, 7, 9]);
  assert.deepEqual(F.sum(x, -1, true).toNested(), [[9], [12]]);
  assert.deepEqual(F.mean(x, 1).toNested(), [3, 4]);
  assert.deepEqual(F.max(x, 1).toNested(), [5, 6]);
  assert.deepEqual(F.max(x, [0, 1], true).toNested(), [[6]]);
  assert.deepEqual(F.argmax(x, 1).toArray(), [1, 2]);
  assert.deepEqual(F.argmax(x, 0, true).shape, [1, 3]);
  close(F.logsumexp(x, 1), [Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6))]);
  close(F.logsumexp(t([1000, 1000])), [1000 + Math.log(2)]);
  assert.deepEqual(F.sum(F.zeros([0, 2], f64), 0).toNested(), [0, 0]);
});

test('layout: reshape and contiguous slices share storage; permute, concat, stack, split', () => {
  const x = t([[1, 2, 3], [4, 5, 6]]);
  const r = F.reshape(x, [3, -1]);
  assert.deepEqual(r.shape, [3, 2]);
  assert.equal(r.data.buffer, x.data.buffer, 'reshape is a view');
  const row = F.slice(x, 0, 1, 2);
  assert.deepEqual(row.toNested(), [[4, 5, 6]]);
  assert.equal(row.data.buffer, x.data.buffer, 'a contiguous slice is a view');
  assert.deepEqual(F.slice(x, 1, 1).toNested(), [[2, 3], [5, 6]]);
  assert.deepEqual(F.slice(x, 1, -1).toNested(), [[3], [6]]);
  assert.deepEqual(F.transpose(x).toNested(), [[1, 4], [2, 5], [3, 6]]);
  const p = F.permute(F.reshape(F.arange(24, undefined, 1, f64), [2, 3, 4]), [2, 0, 1]);
  assert.deepEqual(p.shape, [4, 2, 3]);
  assert.equal(p.toArray()[7], 5); // p[1,0,1] = x[0,1,1] = 0·12 + 1·4 + 1
  assert.deepEqual(F.concat([x, t([[7, 8, 9]])], 0).toNested(), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.deepEqual(F.concat([x, t([[0], [0]])], 1).toNested(), [[1, 2, 3, 0], [4, 5, 6, 0]]);
  assert.deepEqual(F.stack([t([1, 2]), t([3, 4])], 1).toNested(), [[1, 3], [2, 4]]);
  assert.deepEqual(F.split(x, [1, 2], 1).map((s) => s.toNested()), [[[1], [4]], [[2, 3], [5, 6]]]);
  assert.deepEqual(F.squeeze(F.unsqueeze(x, 0)).shape, [2, 3]);
  assert.deepEqual(F.broadcastTo(t([1, 2]), [2, 2]).toNested(), [[1, 2], [1, 2]]);
});

test('indexing: gather, indexSelect, embedding, oneHot', () => {
  const x = t([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(F.gather(x, 1, indices([[2, 0], [1, 1]])).toNested(), [[3, 1], [5, 5]]);
  assert.deepEqual(F.gather(x, 0, indices([[1, 0, 1]])).toNested(), [[4, 2, 6]]);
  assert.deepEqual(F.indexSelect(x, 1, indices([2, 0])).toNested(), [[3, 1], [6, 4]]);
  assert.deepEqual(F.indexSelect(x, 0, indices([1, 1, 0])).toNested(), [[4, 5, 6], [4, 5, 6], [1, 2, 3]]);
  assert.deepEqual(F.embedding(x, indices([[1], [0]])).toNested(), [[[4, 5, 6]], [[1, 2, 3]]]);
  assert.deepEqual(F.oneHot(indices([2, 0]), 3).toNested(), [[0, 0, 1], [1, 0, 0]]);
});

test('embedding backward scatter-adds repeated ids', () => {
  const w = t([[1, 1], [2, 2], [3, 3]]).requireGrad();
  F.sum(F.embedding(w, indices([0, 2, 0, 0]))).backward();
  assert.deepEqual(w.grad!.toNested(), [[3, 3], [0, 0], [1, 1]]);
});

test('softmax and logSoftmax', () => {
  const x = t([[1, 2, 3], [1, 1, 1]]);
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
  const s = e[0]! + e[1]! + e[2]!;
  close(F.softmax(x), [e[0]! / s, e[1]! / s, e[2]! / s, 1 / 3, 1 / 3, 1 / 3]);
  close(F.logSoftmax(x), [1 - Math.log(s), 2 - Math.log(s), 3 - Math.log(s), -Math.log(3), -Math.log(3), -Math.log(3)]);
  close(F.softmax(x, 0), [0.5, 0.7310585786300049, 0.8807970779778823, 0.5, 0.2689414213699951, 0.11920292202211755], 1e-12);
  close(F.softmax(t([1000, 0])), [1, 0]);
});

test('crossEntropy: reductions, ignore index and per-position weights', () => {
  const logits = t([[0, 0], [1, 3], [2, 2]]);
  const targets = indices([0, 1, -100]);
  const l0 = Math.log(2), l1 = Math.log(Math.exp(1) + Math.exp(3)) - 3;
  close(F.crossEntropy(logits, targets, { reduction: 'none' }), [l0, l1, 0]);
  close(F.crossEntropy(logits, targets, { reduction: 'sum' }), [l0 + l1]);
  close(F.crossEntropy(logits, targets), [(l0 + l1) / 2]);
  const weights = t([0.5, 2, 7]);
  close(F.crossEntropy(logits, targets, { weights }), [(0.5 * l0 + 2 * l1) / 2.5]);
  close(F.crossEntropy(logits, targets, { weights, reduction: 'sum' }), [0.5 * l0 + 2 * l1]);
  close(F.crossEntropy(logits, indices([0, 1, 1]), { ignoreIndex: 1 }), [l0]);
  // Nothing left to average: the loss is 0 (not NaN) and so is the gradient.
  const z = logits.clone().requireGrad();
  const none = F.crossEntropy(z, indices([-100, -100, -100]));
  assert.equal(none.item(), 0);
  none.backward();
  assert.ok(z.grad!.toArray().every((v) => v === 0));
});

test('layerNorm and rmsNorm', () => {
  const x = t([[1, 2, 3]]);
  const s = 1 / Math.sqrt(2 / 3 + 1e-5);
  close(F.layerNorm(x, t([1, 1, 1]), t([0, 0, 0])), [-s, 0, s]);
  close(F.layerNorm(x, t([2, 1, 1]), t([1, 0, 0])), [1 - 2 * s, 0, s]);
  close(F.layerNorm(x, t([1, 1, 1])), [-s, 0, s]);
  const r = 1 / Math.sqrt(14 / 3 + 1e-5);
  close(F.rmsNorm(x, t([1, 2, 1])), [r, 4 * r, 3 * r]);
});

test('attention: causal rows, the KV-cache path, masks and grouped heads', () => {
  const rng = new Rng(3);
  const q = rng.normal([1, 2, 4, 3], 0, 1, f64), k = rng.normal([1, 2, 4, 3], 0, 1, f64), v = rng.normal([1, 2, 4, 3], 0, 1, f64);
  const full = F.attention(q, k, v);
  // The first query sees only the first key: its output is v[0].
  close(F.slice(F.slice(full, 2, 0, 1), 1, 0, 1), F.slice(F.slice(v, 2, 0, 1), 1, 0, 1).toArray());
  // KV-cache: the last two queries against all four keys equal the last two rows of the full pass.
  const tail = F.attention(F.slice(q, 2, 2), k, v);
  close(tail, F.slice(full, 2, 2).toArray(), 1e-12);
  // An additive mask of −∞ above the diagonal equals causal masking.
  const mask = F.where(F.gt(F.reshape(F.arange(4, undefined, 1, f64), [1, 4]), F.reshape(F.arange(4, undefined, 1, f64), [4, 1])), -Infinity, 0);
  close(F.attention(q, k, v, { causal: false, mask }), full.toArray(), 1e-12);
  // Grouped-query: one key/value head shared by both query heads equals repeating it.
  const k1 = F.slice(k, 1, 0, 1), v1 = F.slice(v, 1, 0, 1);
  close(F.attention(q, k1, v1), F.attention(q, F.concat([k1, k1], 1), F.concat([v1, v1], 1)).toArray(), 1e-12);
  // Non-causal with one key: the output is that key's value for every query.
  const one = F.attention(q, F.slice(k, 2, 0, 1), F.slice(v, 2, 0, 1), { causal: false });
  close(F.slice(one, 2, 3, 4), F.slice(v, 2, 0, 1).toArray(), 1e-12);
});

test('rope rotates pairs (i, i + D/2) by position·θ_i', () => {
  const x = t([[1, 0, 0, 1], [1, 0, 0, 1]]); // [T=2, D=4]
  const { cos, sin } = F.ropeTables(2, 4, { dtype: 'float64' });
  const y = F.rope(x, cos, sin);
  // Position 0: identity. Position 1: pair 0 rotates by 1 rad, pair 1 by 1/100 rad.
  const th1 = Math.pow(10000, -2 / 4);
  close(y, [1, 0, 0, 1, Math.cos(1), -Math.sin(th1), Math.sin(1), Math.cos(th1)], 1e-12);
  const shifted = F.ropeTables(1, 4, { offset: 1, dtype: 'float64' });
  close(F.rope(F.slice(x, 0, 1), shifted.cos, shifted.sin), F.slice(y, 0, 1).toArray(), 1e-12);
});

test('dropout is seeded, scales kept values and is the identity in eval', () => {
  const x = F.ones([1000], f64);
  const a = F.dropout(x, 0.25, new Rng(1));
  const b = F.dropout(x, 0.25, new Rng(1));
  assert.deepEqual(a.toArray(), b.toArray());
  const kept = a.toArray().filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-12));
  assert.ok(Math.abs(kept.length / 1000 - 0.75) < 0.05, `kept ${kept.length}`);
  assert.equal(F.dropout(x, 0.5, new Rng(1), false), x);
});
