// The trainer in-process: the loss falls; a run resumed from a mid-run checkpoint logs exactly
// the losses of the uninterrupted run (optimizer moments, averagers, sampler restored); averaged
// weights are evaluated beside the raw ones and saved as their own checkpoints; gradient
// accumulation and Goldfish weights run; config errors name the key and the fix.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { Store } from '../../src/store/index.js';
import { loadCheckpoint, loadWeights, train, trainConfigSchema } from '../../src/train/index.js';
import type { TrainConfig, TrainData } from '../../src/train/index.js';
import { tempDir } from '../helpers/cli.js';

const TEXT = 'the quick brown fox jumps over the lazy dog. a stitch in time saves nine. '.repeat(40);
const ids = Int32Array.from(Buffer.from(TEXT));
const DATA: TrainData = { train: ids.subarray(0, 2600), val: ids.subarray(2600), vocabSize: 256, source: 'test text (byte)' };

function config(over: Record<string, unknown> = {}): TrainConfig {
  return parseConfig(trainConfigSchema, {
    model: { layers: 1, dim: 16, heads: 2, contextLength: 16 },
    batch: { size: 4 },
    budget: { steps: 24 },
    schedule: { warmup: 4, minLr: 1e-4 },
    optim: { lr: 3e-3 },
    eval: { every: 8, batches: 2 },
    checkpoint: { every: 8, keep: 5 },
    averaging: { use: ['ema', 'lawa', 'swa'], ema: { every: 2 }, lawa: { every: 2, length: 3 }, swa: { start: 10 } },
    ...over,
  }, 'test config');
}

const losses = (store: Store, runId: string, name = 'loss'): Array<[number, number]> => store.metrics(runId, name).map((m) => [m.step, m.value]);

test('a resumed run logs exactly the losses of the uninterrupted run', async () => {
  const store = new Store(tempDir());
  try {
    const full = await train({ config: config(), data: DATA, store, progress: false, handleSignals: false });
    assert.equal(full.status, 'completed');
    assert.equal(full.step, 24);
    const curve = losses(store, full.runId);
    assert.equal(curve.length, 24);
    assert.ok(curve.at(-1)![1] < curve[0]![1] - 1, `loss falls: ${curve[0]![1]} → ${curve.at(-1)![1]}`);
    assert.deepEqual(Object.keys(full.finalVal).sort(), ['val_loss', 'val_loss_ema', 'val_loss_lawa', 'val_loss_swa']);
    // Checkpoints at 8, 16, 24, with averaged weights saved beside the raw ones.
    const files = readdirSync(full.checkpointDir).sort();
    assert.ok(files.includes('step-000008.json') && files.includes('step-000024.ema.safetensors') && files.includes('latest.json'), files.join(', '));
    const avg = loadWeights(join(full.checkpointDir, 'latest.json'), 'lawa');
    assert.equal(avg.model.dim, 16);
    assert.ok(avg.weights.tensors.has('wte.weight'));

    // Resume from step 8 (a copy of the run continues in the same run id: same metrics rows).
    const resumed = await train({ config: config(), data: DATA, store, resume: loadCheckpoint(join(full.checkpointDir, 'step-000008.json')), progress: false, handleSignals: false });
    assert.equal(resumed.runId, full.runId);
    assert.equal(resumed.status, 'completed');
    const again = losses(store, full.runId);
    assert.deepEqual(again, curve, 'losses after resuming equal the uninterrupted run bit for bit');
    for (const name of ['val_loss', 'val_loss_ema', 'val_loss_lawa', 'val_loss_swa']) assert.equal(resumed.finalVal[name], full.finalVal[name], name);
  } finally {
    store.close();
  }
});

test('gradient accumulation and Goldfish loss weights train; a token budget sets the steps', async () => {
  const store = new Store(tempDir());
  try {
    const r = await train({
      config: config({ batch: { size: 2, accumulate: 2 }, budget: { steps: null, tokens: 640 }, goldfish: { strategy: 'hash-table', k: 4, h: 4 }, averaging: { use: [] }, checkpoint: { every: 0 } }),
      data: DATA, store, progress: false, handleSignals: false,
    });
    assert.equal(r.totalSteps, 10); // 640 / (2 · 2 · 16)
    assert.equal(r.tokensSeen, 640);
    assert.ok(existsSync(r.checkpoint));
    assert.deepEqual(readdirSync(r.checkpointDir).filter((f) => f.endsWith('.json')).sort(), ['latest.json', 'step-000010.json']);
    assert.ok(Number.isFinite(r.finalVal.val_loss));
  } finally {
    store.close();
  }
});

test('config errors name the key and how to fix it', async () => {
  assert.throws(() => config({ optim: { lrr: 1 } }), /test config: unknown key "lrr" under "optim" .*Hint: did you mean "lr"\?/);
  assert.throws(() => config({ averaging: { use: ['emma'] } }), /test config: averaging\.use\.0: /);
  assert.throws(() => config({ batch: { size: 0 } }), /test config: batch\.size: .*Hint: fix the value of "batch\.size"/);
  await assert.rejects(() => train({ config: config({ model: { dim: 18, heads: 4 } }), data: DATA, store: null as never, progress: false }), /model\.dim 18 is not divisible by model\.heads 4/);
});
