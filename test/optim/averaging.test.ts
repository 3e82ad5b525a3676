// Weight averagers (EMA, LAWA, SWA) against hand-computed trajectories; their states round-trip
// through JSON exactly; evaluating averaged weights restores the raw ones; errors say what to fix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parameter } from '../../src/nn/index.js';
import {
  EMA, FlatParameters, LAWA, SWA, createAverager, decodeAveragerState, encodeAveragerState, registeredAveragers, withWeights,
} from '../../src/optim/index.js';
import type { Averager } from '../../src/optim/index.js';

// Raw weights after optimizer step s (1-based): steps 2, 4, 6 are the ones sampled with ν = 2.
const W: Record<number, number[]> = { 1: [9, 9], 2: [2, 4], 3: [9, 9], 4: [4, 0], 5: [9, 9], 6: [0, 8] };

function trace(a: Averager): Array<number[] | null> {
  return [1, 2, 3, 4, 5, 6].map((s) => {
    a.update(s, Float32Array.from(W[s]!));
    const avg = a.average();
    return avg ? Array.from(avg) : null;
  });
}

test('EMA (β = 0.5, every 2 steps) starts from the first sample, then θ̄ ← β·θ̄ + (1−β)·θ', () => {
  // step 2: [2, 4]; step 4: 0.5·[2, 4] + 0.5·[4, 0] = [3, 2]; step 6: 0.5·[3, 2] + 0.5·[0, 8] = [1.5, 5]
  assert.deepEqual(trace(new EMA(2, 0.5, 2)), [null, [2, 4], [2, 4], [3, 2], [3, 2], [1.5, 5]]);
});

test('LAWA (L = 2, every 2 steps): uniform mean of the last two sampled checkpoints', () => {
  // {[2,4]} → [2,4]; {[2,4],[4,0]} → [3,2]; {[4,0],[0,8]} → [2,4] (the oldest left the queue)
  const lawa = new LAWA(2, 2, 2);
  assert.deepEqual(trace(lawa), [null, [2, 4], [2, 4], [3, 2], [3, 2], [2, 4]]);
  assert.equal(lawa.count, 2);
});

test('SWA (from step 4, every 2 steps): uniform mean of every sample since the start', () => {
  // step 2 is before the start; step 4: [4, 0]; step 6: ([4, 0] + [0, 8]) / 2 = [2, 4]
  const swa = new SWA(2, 4, 2);
  assert.deepEqual(trace(swa), [null, null, null, [4, 0], [4, 0], [2, 4]]);
  assert.equal(swa.count, 2);
});

test('averager states round-trip through JSON exactly and continue identically', () => {
  const options: Record<string, Record<string, number>> = { ema: { beta: 0.9, every: 1 }, lawa: { length: 3, every: 1 }, swa: { start: 1, every: 1 } };
  for (const spec of registeredAveragers()) {
    const a = createAverager(spec.name, options[spec.name]!, 3);
    const b = createAverager(spec.name, options[spec.name]!, 3);
    const ws = [[0.1, 0.2, 0.3], [0.7, -0.2, 0.11], [1 / 3, 2 / 7, -5 / 11], [0.5, 0.25, 0.125], [-1, 2, -3]];
    ws.forEach((w, i) => {
      if (i === 3) b.loadState(decodeAveragerState(JSON.parse(JSON.stringify(encodeAveragerState(a.state()))) as ReturnType<typeof encodeAveragerState>));
      a.update(i + 1, Float32Array.from(w));
      if (i >= 3) b.update(i + 1, Float32Array.from(w));
    });
    assert.deepEqual(Array.from(b.average()!), Array.from(a.average()!), spec.name);
  }
});

test('withWeights evaluates averaged weights and restores the raw ones bit for bit', () => {
  const w = new Parameter(Float32Array.from([0.1, 0.2, 0.3]), [3]);
  const flat = new FlatParameters([['w', w]]);
  const seen = withWeights(flat, [1, 2, 3], () => Array.from(w.data));
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(Array.from(w.data), Array.from(Float32Array.from([0.1, 0.2, 0.3])));
  assert.throws(() => withWeights(flat, [5, 5, 5], () => { throw new Error('boom'); }), /boom/);
  assert.equal(w.data[0], Math.fround(0.1));
});

test('averager errors name the problem and the fix', () => {
  assert.throws(() => createAverager('emma', {}, 2), /averager 'emma' is not registered \(known: ema, lawa, swa\)\. Hint: did you mean 'ema'\?/);
  assert.throws(() => new EMA(2, 1), /ema: beta = 1 is not in \[0, 1\)/);
  assert.throws(() => new LAWA(2, 0), /lawa: length L = 0 is not a whole number ≥ 1/);
  assert.throws(() => new SWA(2, 0, 0), /swa: every = 0 is not a whole number ≥ 1/);
  assert.throws(() => new EMA(2).update(1, new Float32Array(3)), /ema: got 3 weights but the average holds 2/);
  assert.throws(() => new LAWA(2).loadState(new EMA(2).state()), /lawa\.loadState: the state was saved by averager 'ema'/);
});
