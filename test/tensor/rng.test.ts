// The seeded RNG: the xoshiro128** core against the reference algorithm's outputs, reproducibility,
// state round-trips, splitting, and the moments of each distribution.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, tensor } from '../../src/tensor/index.js';

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, variance: v / (xs.length - 1) };
}

test('xoshiro128** core matches the reference algorithm (state 1, 2, 3, 4)', () => {
  const r = Rng.fromState([1, 2, 3, 4]);
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()], [11520, 0, 5927040, 70819200]);
});

test('a seed reproduces bit for bit; different seeds differ; state round-trips', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = a.normal([64], 0, 1, { dtype: 'float64' }).toArray();
  assert.deepEqual(xa, b.normal([64], 0, 1, { dtype: 'float64' }).toArray());
  assert.notDeepEqual(xa, c.normal([64], 0, 1, { dtype: 'float64' }).toArray());
  const saved = a.state();
  const next = a.uniform([8]).toArray();
  assert.deepEqual(Rng.fromState(saved).uniform([8]).toArray(), next);
  assert.deepEqual(new Rng('run-1').state(), new Rng('run-1').state());
  assert.throws(() => Rng.fromState([1, 2]), /expected four uint32 values/);
  assert.throws(() => new Rng(0.5), /seed 0.5 is not a safe integer/);
});

test('split and derive give independent, reproducible streams', () => {
  const parent = new Rng(7);
  const before = parent.state();
  const d1 = parent.derive('dropout');
  assert.deepEqual(parent.state(), before, 'derive does not advance the parent');
  assert.deepEqual(d1.state(), new Rng(7).derive('dropout').state());
  assert.notDeepEqual(d1.state(), parent.derive('data').state());
  const s1 = parent.split();
  assert.notDeepEqual(parent.state(), before, 'split advances the parent');
  const x = s1.uniform([1000], 0, 1, { dtype: 'float64' }).toArray();
  const y = parent.uniform([1000], 0, 1, { dtype: 'float64' }).toArray();
  let corr = 0;
  for (let i = 0; i < 1000; i++) corr += (x[i]! - 0.5) * (y[i]! - 0.5);
  assert.ok(Math.abs(corr / 1000 / (1 / 12)) < 0.1, `streams are uncorrelated (${corr})`);
});

test('uniform, normal and truncated normal have the right moments and bounds', () => {
  const r = new Rng(1);
  const u = r.uniform([20000], -1, 3, { dtype: 'float64' }).data;
  assert.ok(u.every((v) => v >= -1 && v < 3));
  const mu = moments(u);
  assert.ok(Math.abs(mu.mean - 1) < 0.03 && Math.abs(mu.variance - 16 / 12) < 0.05, JSON.stringify(mu));
  const n = moments(r.normal([20001], 2, 0.5, { dtype: 'float64' }).data);
  assert.ok(Math.abs(n.mean - 2) < 0.01 && Math.abs(n.variance - 0.25) < 0.01, JSON.stringify(n));
  const tn = r.truncatedNormal([20000], 0, 1, -2, 2, { dtype: 'float64' }).data;
  assert.ok(tn.every((v) => v >= -2 && v <= 2));
  // Variance of N(0,1) truncated to ±2: 1 − 2·2·φ(2)/(2Φ(2) − 1) ≈ 0.7737.
  assert.ok(Math.abs(moments(tn).variance - 0.7737) < 0.02, JSON.stringify(moments(tn)));
  assert.equal(r.uniform([3]).dtype, 'float32');
});

test('poisson: mean and variance equal λ for small and large rates', () => {
  const r = new Rng(2);
  for (const lambda of [0.5, 4, 45, 300]) {
    const m = moments(r.poisson([20000], lambda, { dtype: 'float64' }).data);
    assert.ok(Math.abs(m.mean - lambda) < 0.03 * lambda + 0.02, `λ=${lambda}: mean ${m.mean}`);
    assert.ok(Math.abs(m.variance - lambda) < 0.08 * lambda + 0.03, `λ=${lambda}: variance ${m.variance}`);
  }
  assert.equal(r.poissonSample(0), 0);
  assert.throws(() => r.poissonSample(-1), /rate -1 is not a finite non-negative number/);
});

test('categorical samples follow the probabilities (and logits)', () => {
  const r = new Rng(3);
  const probs = tensor([[0.1, 0.6, 0, 0.3]]);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 20000; i++) counts[r.categorical(probs).data[0]!]!++;
  assert.equal(counts[2], 0);
  [0.1, 0.6, 0, 0.3].forEach((p, i) => assert.ok(Math.abs(counts[i]! / 20000 - p) < 0.015, `class ${i}: ${counts[i]}`));
  const logits = tensor([[0, Math.log(3)], [Math.log(3), 0]]);
  const c2 = [0, 0];
  for (let i = 0; i < 10000; i++) {
    const s = r.categorical(logits, { logits: true });
    c2[0]! += s.data[0]!;
    c2[1]! += 1 - s.data[1]!;
  }
  assert.ok(Math.abs(c2[0]! / 10000 - 0.75) < 0.02 && Math.abs(c2[1]! / 10000 - 0.75) < 0.02, JSON.stringify(c2));
  assert.throws(() => r.categorical(tensor([[0, 0]])), /row 0 has no probability mass/);
});

test('permutation and int', () => {
  const r = new Rng(4);
  const p = Array.from(r.permutation(50));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  const counts = [0, 0, 0];
  for (let i = 0; i < 30000; i++) counts[r.int(3)]!++;
  assert.ok(counts.every((c) => Math.abs(c - 10000) < 400), JSON.stringify(counts));
});
