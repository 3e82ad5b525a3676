// The memorization probe: a tiny model trained for many steps on four short passages reproduces
// their suffixes verbatim, an untrained model reproduces none; window sampling is seeded and
// non-overlapping; bad lengths give errors that say what to pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { Transformer } from '../../src/models/index.js';
import { probeMemorization, resolvePrefix, sampleWindows } from '../../src/memorization/index.js';
import { Store } from '../../src/store/index.js';
import { loadWeights, train, trainConfigSchema } from '../../src/train/index.js';
import { tempDir } from '../helpers/cli.js';

const PASSAGES = [
  'Call me Ishmael. Some years ago, never mind how long precisely, hav',
  'There now is your insular city of the Manhattoes, belted round by w',
  'Whenever I find myself growing grim about the mouth; whenever it is',
  'It is a way I have of driving off the spleen and regulating the cir',
].map((s) => Int32Array.from(Buffer.from(s.slice(0, 64))));
const CTX = 64;
const SUFFIX = 16;

function tinyModel(): Transformer {
  return new Transformer({ arch: 'gpt2', vocabSize: 256, contextLength: CTX, dim: 32, layers: 1, heads: 2, seed: 3 });
}

test('a model trained to memorize the passages extracts their suffixes; an untrained one does not', async () => {
  const stream = new Int32Array(PASSAGES.length * CTX);
  PASSAGES.forEach((p, i) => stream.set(p, i * CTX));
  const store = new Store(tempDir());
  try {
    const config = parseConfig(trainConfigSchema, {
      seed: 3, model: { layers: 2, dim: 64, heads: 4, contextLength: CTX }, batch: { size: 8 }, budget: { steps: 500 },
      optim: { lr: 5e-3, weightDecay: 0 }, schedule: { kind: 'cosine', warmup: 10, minLr: 5e-4 }, eval: { every: 500, batches: 1 }, checkpoint: { every: 0, keep: 1 },
    }, 'test config');
    const r = await train({ config, data: { train: stream, val: stream, vocabSize: 256, source: 'passages' }, store, progress: false, handleSignals: false });
    const w = loadWeights(r.checkpoint, 'raw');
    const model = new Transformer(w.model);
    model.loadStateDict(w.weights.tensors);
    const probe = probeMemorization(model, PASSAGES, { suffix: SUFFIX });
    assert.equal(probe.prefixTokens, CTX - SUFFIX);
    assert.equal(probe.sequences.length, 4);
    assert.ok(probe.exactMatchRate >= 0.75, `exact match ${probe.exactMatchRate}: ${probe.sequences.map((s) => Buffer.from(s.generated).toString()).join(' | ')}`);
    assert.ok(probe.meanRougeL > 0.9, `ROUGE-L ${probe.meanRougeL}`);
    for (const s of probe.sequences) {
      assert.deepEqual(s.reference, [...PASSAGES[s.index]!.subarray(CTX - SUFFIX)]);
      assert.deepEqual(s.prompt, [...PASSAGES[s.index]!.subarray(0, CTX - SUFFIX)]);
      assert.equal(s.generated.length, SUFFIX);
    }
  } finally {
    store.close();
  }
  const untrained = probeMemorization(tinyModel(), PASSAGES, { suffix: SUFFIX, prefixTokens: 20 });
  assert.equal(untrained.exactMatchRate, 0);
  assert.ok(untrained.meanRougeL < 0.3, `untrained ROUGE-L ${untrained.meanRougeL}`);
  assert.equal(untrained.sequences[0]!.prompt.length, 20);
  assert.deepEqual(untrained.sequences[0]!.prompt, [...PASSAGES[0]!.subarray(CTX - SUFFIX - 20, CTX - SUFFIX)]);
});

test('probe errors name the length problem and the fix', () => {
  const model = tinyModel();
  assert.throws(() => probeMemorization(model, [Int32Array.from([1, 2, 3])], { suffix: 3 }),
    /a sequence has 3 tokens, fewer than the suffix \(3\) plus one prompt token.*Hint: use sequences of at least 4 tokens/);
  assert.throws(() => probeMemorization(model, PASSAGES, { suffix: 16, prefixTokens: 60 }), /prompt \(60\) plus suffix \(16\) is 76 tokens, more than the model's context of 64.*--prefix-tokens 48/);
  assert.throws(() => probeMemorization(model, [PASSAGES[0]!.subarray(0, 30)], { suffix: 16, prefixTokens: 20 }), /longer than the shortest sequence \(30 tokens\).*--prefix-tokens 14/);
  assert.throws(() => probeMemorization(model, [new Int32Array(100)], { suffix: 64 }), /leaves no room for a prompt in the model's context of 64/);
  assert.throws(() => probeMemorization(model, PASSAGES, { suffix: 0 }), /suffix must be a whole number ≥ 1, got 0/);
  assert.throws(() => probeMemorization(model, []), /no sequences to probe/);
  assert.deepEqual(resolvePrefix(200, 64, { suffix: 50 }), { suffix: 50, prefixTokens: 14 });
  assert.deepEqual(resolvePrefix(60, 128), { suffix: 50, prefixTokens: 10 });
});

test('sampleWindows draws seeded, aligned, non-overlapping windows', () => {
  const tokens = Int32Array.from({ length: 1000 }, (_, i) => i);
  const a = sampleWindows(tokens, 5, 100, 7);
  assert.deepEqual(a.map((w) => [...w]), sampleWindows(tokens, 5, 100, 7).map((w) => [...w]));
  assert.notDeepEqual(a.map((w) => w[0]), sampleWindows(tokens, 5, 100, 8).map((w) => w[0]));
  const starts = a.map((w) => w[0]!);
  assert.equal(new Set(starts).size, 5);
  for (const w of a) {
    assert.equal(w.length, 100);
    assert.equal(w[0]! % 100, 0);
  }
  assert.deepEqual(starts, [...starts].sort((x, y) => x - y));
  assert.throws(() => sampleWindows(tokens, 11, 100, 0), /room for 10 windows of 100, but 11 were asked for.*--sequences 10/);
});
