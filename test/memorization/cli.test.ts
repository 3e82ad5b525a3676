// `fathom memorization` as users run it: on a trained checkpoint with --json, per-sequence and
// overall results; a missing checkpoint, too many sequences and a bad --split are clear errors.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { Store } from '../../src/store/index.js';
import { train, trainConfigSchema } from '../../src/train/index.js';
import { fathom, tempDir } from '../helpers/cli.js';

const TEXT = 'Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse. '.repeat(12);

test('fathom memorization reports exact match and ROUGE-L per sequence and overall', async () => {
  const dir = tempDir();
  const file = join(dir, 'passage.txt');
  writeFileSync(file, TEXT);
  const store = new Store(join(dir, 'ws'));
  let checkpoint: string;
  try {
    const config = parseConfig(trainConfigSchema, {
      model: { layers: 1, dim: 16, heads: 2, contextLength: 32 }, batch: { size: 4 }, budget: { steps: 4 },
      eval: { every: 4, batches: 1 }, checkpoint: { every: 0, keep: 1 },
    }, 'test config');
    const ids = Int32Array.from(Buffer.from(TEXT));
    checkpoint = (await train({ config, data: { train: ids, val: ids, vocabSize: 256, source: 'passage' }, store, progress: false, handleSignals: false })).checkpoint;
  } finally {
    store.close();
  }
  const r = fathom(['memorization', checkpoint, '--data', file, '--sequences', '3', '--suffix', '8', '--seed', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { sequences: number; prefixTokens: number; suffix: number; split: string; exactMatchRate: number; meanRougeL: number; perSequence: Array<{ reference: string; generated: string; rougeL: number; exactMatch: boolean }> };
  assert.equal(out.sequences, 3);
  assert.equal(out.suffix, 8);
  assert.equal(out.prefixTokens, 24); // context 32 − suffix 8
  assert.equal(out.split, 'train');
  assert.equal(out.perSequence.length, 3);
  for (const s of out.perSequence) {
    assert.equal(Buffer.byteLength(s.reference), 8);
    assert.ok(TEXT.includes(s.reference), s.reference);
    assert.ok(s.rougeL >= 0 && s.rougeL <= 1);
  }
  assert.ok(out.exactMatchRate >= 0 && out.exactMatchRate <= 1 && out.meanRougeL >= 0 && out.meanRougeL <= 1);

  const tooMany = fathom(['memorization', checkpoint, '--data', file, '--sequences', '500', '--suffix', '8']);
  assert.equal(tooMany.code, 1);
  assert.match(tooMany.stderr, /room for \d+ windows of 32, but 500 were asked for.*--sequences \d+ or less/);
  const split = fathom(['memorization', checkpoint, '--data', file, '--split', 'test']);
  assert.equal(split.code, 2);
  assert.match(split.stderr, /--split "test" is not one of train, val, all/);
});

test('fathom memorization on a missing checkpoint says what to pass', () => {
  const r = fathom(['memorization', join(tempDir(), 'nope', 'latest.json'), '--data', 'moby-dick']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /model .*nope\/latest\.json does not exist.*pass a checkpoint folder/);
});
