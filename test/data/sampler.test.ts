// The batch sampler: nanoGPT-style random offsets and epoch-shuffled packed windows, both
// seeded, with a JSON position from which a restored sampler continues bit-exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchSampler, unigramEntropy, type Batch } from '../../src/data/index.js';

const stream = Int32Array.from({ length: 1001 }, (_, i) => i); // id = position, so rows reveal their offsets

function rows(b: Batch, ctx: number): { start: number; inputs: number[]; targets: number[] }[] {
  const out = [];
  for (let r = 0; r < b.inputs.length / ctx; r++) {
    const inputs = Array.from(b.inputs.subarray(r * ctx, (r + 1) * ctx));
    const targets = Array.from(b.targets.subarray(r * ctx, (r + 1) * ctx));
    out.push({ start: inputs[0]!, inputs, targets });
  }
  return out;
}

test('random mode: rows are contiguous windows at offsets in [0, n - ctx - 1], targets shifted by one', () => {
  const s = new BatchSampler(stream, { batch: 4, ctx: 16, seed: 1 });
  const seen = new Set<number>();
  for (let step = 0; step < 200; step++) {
    const b = s.next();
    assert.equal(b.inputs.length, 64);
    for (const row of rows(b, 16)) {
      assert.ok(row.start >= 0 && row.start <= 1001 - 16 - 1);
      assert.deepEqual(row.inputs, Array.from({ length: 16 }, (_, i) => row.start + i));
      assert.deepEqual(row.targets, row.inputs.map((x) => x + 1));
      seen.add(row.start);
    }
  }
  assert.ok(seen.size > 400, 'offsets spread over the stream');
  // Same seed, same batches; another seed, other batches.
  const a = new BatchSampler(stream, { batch: 4, ctx: 16, seed: 7 }), b = new BatchSampler(stream, { batch: 4, ctx: 16, seed: 7 });
  const c = new BatchSampler(stream, { batch: 4, ctx: 16, seed: 8 });
  const x = a.next();
  assert.deepEqual(x, b.next());
  assert.notDeepEqual(x, c.next());
});

test('sequential mode: each epoch visits every window once, in a new seeded order', () => {
  const ctx = 10, windows = Math.floor((1001 - 1) / ctx); // 100
  const s = new BatchSampler(stream, { batch: 7, ctx, seed: 3, mode: 'sequential' });
  const starts: number[] = [];
  for (let step = 0; step < 30; step++) starts.push(...rows(s.next(), ctx).map((r) => r.start)); // 210 rows = 2.1 epochs
  const epoch0 = starts.slice(0, windows), epoch1 = starts.slice(windows, 2 * windows);
  assert.deepEqual([...epoch0].sort((p, q) => p - q), Array.from({ length: windows }, (_, w) => w * ctx));
  assert.deepEqual([...epoch1].sort((p, q) => p - q), Array.from({ length: windows }, (_, w) => w * ctx));
  assert.notDeepEqual(epoch0, epoch1);
  assert.notDeepEqual(epoch0, [...epoch0].sort((p, q) => p - q));
  // Batch 14 (rows 98..104) straddles the epoch boundary.
  assert.deepEqual(s.progress(), { step: 30, epoch: 2, epochFraction: 0.1 });
  for (const r of rows(new BatchSampler(stream, { batch: 3, ctx, seed: 3, mode: 'sequential' }).next(), ctx)) {
    assert.deepEqual(r.targets, r.inputs.map((x) => x + 1));
  }
});

for (const mode of ['random', 'sequential'] as const) {
  test(`${mode}: a sampler restored from a JSON state continues bit-exactly`, () => {
    const tokens = Int32Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256);
    const straight = new BatchSampler(tokens, { batch: 5, ctx: 32, seed: 42, mode });
    const expected = Array.from({ length: 70 }, () => straight.next());
    const first = new BatchSampler(tokens, { batch: 5, ctx: 32, seed: 42, mode });
    for (let i = 0; i < 33; i++) first.next();
    const saved = JSON.parse(JSON.stringify(first.state())) as Record<string, unknown>;
    const resumed = BatchSampler.restore(tokens, saved);
    for (let i = 33; i < 70; i++) assert.deepEqual(resumed.next(), expected[i], `batch ${i}`);
    assert.equal(resumed.progress().step, 70);
  });
}

test('sampler errors name the field and the fix', () => {
  assert.throws(() => new BatchSampler(stream, { batch: 0, ctx: 8, seed: 1 }), /BatchSampler: batch must be a positive whole number, got 0\. Hint: pass e\.g\. batch: 12/);
  assert.throws(() => new BatchSampler(stream, { batch: 2, ctx: 1.5, seed: 1 }), /ctx must be a positive whole number, got 1\.5/);
  assert.throws(() => new BatchSampler(stream, { batch: 2, ctx: 8, seed: -3 }), /seed must be a non-negative whole number/);
  assert.throws(() => new BatchSampler(stream, { batch: 2, ctx: 8, seed: 1, mode: 'shuffle' as never }), /mode "shuffle" is not one of random, sequential/);
  assert.throws(() => new BatchSampler(stream, { batch: 2, ctx: 1001, seed: 1 }), /1001 tokens are too few for ctx 1001 \(a row needs ctx \+ 1 = 1002\)\. Hint: lower ctx/);
  const state = new BatchSampler(stream, { batch: 2, ctx: 8, seed: 1 }).state();
  assert.throws(() => BatchSampler.restore(stream.subarray(1), state), /the state was saved for token stream 1001:[0-9a-f]{8}, but these tokens are 1000:/);
  assert.throws(() => BatchSampler.restore(stream, { ...state, version: 9 }), /state version 9 is not 1/);
  assert.throws(() => BatchSampler.restore(stream, { ...state, step: -1 }), /state\.step must be a non-negative whole number/);
});

test('unigram entropy by hand', () => {
  assert.ok(Math.abs(unigramEntropy(Int32Array.from([0, 0, 1, 1]), 2) - Math.log(2)) < 1e-12);
  assert.ok(Math.abs(unigramEntropy(Int32Array.from([0, 0, 0, 3]), 4) - -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))) < 1e-12);
  assert.equal(unigramEntropy(Int32Array.from([5, 5, 5]), 6), 0);
  assert.throws(() => unigramEntropy(Int32Array.from([0, 7]), 4), /id 7 at position 1 is outside \[0, 4\)/);
  assert.throws(() => unigramEntropy(new Int32Array(0), 4), /the token stream is empty/);
});
