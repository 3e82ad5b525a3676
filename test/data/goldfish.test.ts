// The Goldfish mask (../shared/papers/08-axonn.md): hand-computed cases for each strategy,
// determinism, drop rate ≈ 1/k, and the point of the hash-table strategy — a repeated passage is
// masked identically at every repetition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goldfishBatchMask, goldfishHash, goldfishMask, goldfishTable, GOLDFISH_DEFAULTS } from '../../src/data/index.js';
import { Rng } from '../../src/tensor/rng.js';

const dropped = (mask: Float32Array): number[] => Array.from(mask).flatMap((w, i) => (w === 0 ? [i] : []));

test('static drops every k-th position (k-1, 2k-1, ...) and nothing else', () => {
  const tokens = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  assert.deepEqual(Array.from(goldfishMask(tokens, { strategy: 'static', k: 4 })), [1, 1, 1, 0, 1, 1, 1, 0, 1, 1]);
  assert.deepEqual(dropped(goldfishMask(tokens, { strategy: 'static', k: 3 })), [2, 5, 8]);
  assert.deepEqual(dropped(goldfishMask([1], { strategy: 'static', k: 2 })), []);
  assert.deepEqual(Array.from(goldfishMask([], { strategy: 'static', k: 4 })), []);
  // The reference's goldfish_start_position.
  assert.deepEqual(dropped(goldfishMask(tokens, { strategy: 'static', k: 4, start: 0 })), [0, 4, 8]);
});

test('seeded-random drops position i when the seeded generator\'s i-th uniform is below 1/k', () => {
  const tokens = Array.from({ length: 50 }, (_, i) => i % 7);
  const rng = new Rng(9);
  const expected = tokens.map(() => (rng.next() < 1 / 3 ? 0 : 1));
  assert.deepEqual(Array.from(goldfishMask(tokens, { strategy: 'seeded-random', k: 3, seed: 9 })), expected);
  // Deterministic for a seed, different across seeds, independent of the ids.
  assert.deepEqual(goldfishMask(tokens, { strategy: 'seeded-random', k: 3, seed: 9 }), goldfishMask(tokens.map((t) => t + 1), { strategy: 'seeded-random', k: 3, seed: 9 }));
  assert.notDeepEqual(goldfishMask(tokens, { strategy: 'seeded-random', k: 3, seed: 9 }), goldfishMask(tokens, { strategy: 'seeded-random', k: 3, seed: 10 }));
});

test('hash-table by hand: product of the h ids ending at i, mod the table size, looked up against 1/k', () => {
  const size = 7, seed = 3, k = 2;
  const table = goldfishTable(seed, size);
  assert.equal(table.length, 7);
  const tokens = [3, 5, 2, 6, 4];
  // h = 2: position 0 is never dropped; 1: 3·5 = 15 ≡ 1; 2: 5·2 = 10 ≡ 3; 3: 2·6 = 12 ≡ 5; 4: 6·4 = 24 ≡ 3 (mod 7).
  assert.deepEqual([1, 2, 3, 4].map((i) => goldfishHash(tokens, i, 2, size)), [1, 3, 5, 3]);
  const expected = [1, ...[1, 3, 5, 3].map((j) => (table[j]! < 1 / k ? 0 : 1))];
  assert.deepEqual(Array.from(goldfishMask(tokens, { strategy: 'hash-table', k, h: 2, seed, tableSize: size })), expected);
  // Positions 2 and 4 hash alike, so they share their fate.
  const m = goldfishMask(tokens, { strategy: 'hash-table', k, h: 2, seed, tableSize: size });
  assert.equal(m[2], m[4]);
  // The table is uniforms from the seed, in order.
  const rng = new Rng(seed);
  assert.deepEqual(Array.from(table), Array.from({ length: 7 }, () => rng.next()));
});

test('hash-table: the first h-1 positions are never dropped; the product is exact for large ids and long contexts', () => {
  const tokens = Array.from({ length: 13 }, (_, i) => 128_000 + i * 977);
  const exact = tokens.reduce((acc, t) => acc * BigInt(t), 1n) % 1_000_003n;
  assert.equal(goldfishHash(tokens, 12, 13, 1_000_003), Number(exact));
  // With k = 2 almost surely some later position is dropped, but none of the first 12.
  const long = Array.from({ length: 400 }, (_, i) => (i * 7919) % 50_000);
  const mask = goldfishMask(long, { strategy: 'hash-table', k: 2, h: 13 });
  assert.ok(Array.from(mask.subarray(0, 12)).every((w) => w === 1));
  assert.ok(dropped(mask).length > 100);
});

test('hash-table masks a repeated passage identically at every repetition (at any offset)', () => {
  const rng = new Rng(1);
  const rand = (n: number): number[] => Array.from({ length: n }, () => rng.int(50_257));
  const passage = rand(300);
  const seq = [...rand(37), ...passage, ...rand(101), ...passage, ...rand(5), ...passage];
  const starts = [37, 37 + 300 + 101, 37 + 300 + 101 + 300 + 5];
  const mask = goldfishMask(seq, { strategy: 'hash-table', k: 4, h: 13 });
  // From the h-th id of the passage on, the hashed window lies inside the passage.
  const views = starts.map((s) => Array.from(mask.subarray(s + 12, s + 300)));
  assert.deepEqual(views[1], views[0]);
  assert.deepEqual(views[2], views[0]);
  // And alone, the passage gets the same mask as inside the sequence.
  assert.deepEqual(Array.from(goldfishMask(passage, { strategy: 'hash-table', k: 4, h: 13 }).subarray(12)), views[0]);
  // The other strategies do not have this property.
  const stat = goldfishMask(seq, { strategy: 'seeded-random', k: 4, seed: 0 });
  assert.notDeepEqual(Array.from(stat.subarray(starts[0]! + 12, starts[0]! + 300)), Array.from(stat.subarray(starts[1]! + 12, starts[1]! + 300)));
});

test('drop rate ≈ 1/k on long random sequences, for every strategy and several k', () => {
  const rng = new Rng(2);
  const tokens = Array.from({ length: 200_000 }, () => rng.int(50_000));
  for (const k of [2, 4, 8]) {
    for (const strategy of ['static', 'seeded-random', 'hash-table'] as const) {
      const mask = goldfishMask(tokens, { strategy, k, h: 13 });
      const rate = dropped(mask).length / tokens.length;
      assert.ok(Math.abs(rate - 1 / k) < 0.01, `${strategy} k=${k}: drop rate ${rate}`);
    }
  }
});

test('the mask is a pure function: same input, same output; defaults are the paper\'s table size', () => {
  const tokens = Array.from({ length: 1000 }, (_, i) => (i * 31) % 997);
  assert.deepEqual(goldfishMask(tokens, { strategy: 'hash-table', k: 4 }), goldfishMask(Int32Array.from(tokens), { strategy: 'hash-table', k: 4, h: 13, seed: 2_971_215_073, tableSize: 1_000_003 }));
  assert.equal(GOLDFISH_DEFAULTS.tableSize, 1_000_003);
  assert.equal(GOLDFISH_DEFAULTS.seed, 2_971_215_073); // the reference implementation's table seed
  assert.equal(goldfishMask(tokens, { strategy: 'hash-table', k: 4 }) instanceof Float32Array, true);
});

test('bad options are errors that name the field and the fix', () => {
  assert.throws(() => goldfishMask([1, 2], { strategy: 'hash-table', k: 1 }), /goldfishMask: k must be a whole number ≥ 2, got 1\. Hint: pass e\.g\. k: 4/);
  assert.throws(() => goldfishMask([1, 2], { strategy: 'hash-table', k: 2.5 }), /k must be a whole number/);
  assert.throws(() => goldfishMask([1, 2], { strategy: 'hash-table', k: 4, h: 0 }), /h must be a whole number ≥ 1, got 0/);
  assert.throws(() => goldfishMask([1, 2], { strategy: 'hash-table', k: 4, tableSize: 1e9 }), /tableSize 1000000000 is too large/);
  assert.throws(() => goldfishMask([1, 2], { strategy: 'hash' as never, k: 4 }), /strategy "hash" is not one of static, seeded-random, hash-table/);
  assert.throws(() => goldfishMask([1, -2], { strategy: 'static', k: 4 }), /token at position 1 is -2/);
  assert.throws(() => goldfishMask([1, 2], { strategy: 'seeded-random', k: 4, seed: -1 }), /seed must be a whole number ≥ 0/);
  assert.throws(() => goldfishMask([1, 2], { strategy: 'static', k: 4, start: -1 }), /start must be a whole number ≥ 0, got -1\. Hint: pass e\.g\. start: 3/);
});

test('batch masks: each row on its own; seeded-random rows differ within a step and repeat across runs', () => {
  const rng = new Rng(5);
  const targets = Int32Array.from({ length: 4 * 64 }, () => rng.int(1000));
  const hash = goldfishBatchMask(targets, 64, { strategy: 'hash-table', k: 4 });
  for (let r = 0; r < 4; r++) {
    assert.deepEqual(Array.from(hash.subarray(r * 64, (r + 1) * 64)), Array.from(goldfishMask(targets.subarray(r * 64, (r + 1) * 64), { strategy: 'hash-table', k: 4 })));
  }
  const a = goldfishBatchMask(targets, 64, { strategy: 'seeded-random', k: 4, seed: 1, step: 3 });
  assert.notDeepEqual(Array.from(a.subarray(0, 64)), Array.from(a.subarray(64, 128)));
  assert.deepEqual(a, goldfishBatchMask(targets, 64, { strategy: 'seeded-random', k: 4, seed: 1, step: 3 }));
  assert.notDeepEqual(a, goldfishBatchMask(targets, 64, { strategy: 'seeded-random', k: 4, seed: 1, step: 4 }));
  assert.throws(() => goldfishBatchMask(targets, 60, { strategy: 'static', k: 4 }), /256 targets are not a whole number of rows of ctx 60/);
});
