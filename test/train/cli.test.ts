// `fathom runs compare` and `fathom eval-loss` on real runs in a temporary workspace, plus their
// error messages; safetensors files round-trip and reject truncated input.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { Store } from '../../src/store/index.js';
import { decodeSafetensors, encodeSafetensors, train, trainConfigSchema } from '../../src/train/index.js';
import { fathom, tempDir } from '../helpers/cli.js';

const ws = tempDir();
const corpus = join(ws, 'corpus.txt');
writeFileSync(corpus, 'Call me Ishmael. Some years ago, never mind how long precisely, I went to sea. '.repeat(50));

async function trainRun(name: string, over: Record<string, unknown>): Promise<string> {
  const store = new Store(ws);
  try {
    const { prepareTrainData } = await import('../../src/train/index.js');
    const config = parseConfig(trainConfigSchema, {
      name, data: { corpus }, model: { layers: 1, dim: 16, heads: 2, contextLength: 16 }, batch: { size: 4 }, budget: { steps: 16 },
      eval: { every: 4, batches: 2 }, checkpoint: { every: 8 }, schedule: { warmup: 2 }, ...over,
    });
    return (await train({ config, data: prepareTrainData(config.data, ws), store, progress: false, handleSignals: false })).runId;
  } finally {
    store.close();
  }
}

test('runs compare overlays raw and averaged curves and reports steps to a shared target', async () => {
  const a = await trainRun('adamw', { averaging: { use: ['ema'], ema: { every: 2, beta: 0.5 } } });
  const b = await trainRun('sgd', { optim: { name: 'sgd', lr: 0.3 } });
  const out = join(ws, 'curves.svg');
  const r = fathom(['runs', 'compare', a, b, '--workspace', ws, '-o', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout) as { runs: Array<{ id: string; steps: number }>; target: number; curves: Array<{ run: string; curve: string; stepsToTarget: number | null }>; plotFile: string };
  assert.deepEqual(c.runs.map((x) => [x.id, x.steps]), [[a, 16], [b, 16]]);
  assert.deepEqual(c.curves.map((x) => [x.run, x.curve]).sort(), [[a, 'val'], [a, 'val ema'], [b, 'val']].sort());
  // The target is the worse run's best: both raw curves reach it.
  for (const v of c.curves.filter((x) => x.curve === 'val')) assert.notEqual(v.stepsToTarget, null);
  assert.match(readFileSync(out, 'utf8'), /<svg[\s\S]*val ema/);
  const text = fathom(['runs', 'compare', a, b, '--workspace', ws, '-o', join(ws, 'c.png')]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /steps to \d\.\d{4}/);
  assert.ok(existsSync(join(ws, 'c.png')));
  const one = fathom(['runs', 'compare', a, '--workspace', ws]);
  assert.equal(one.code, 1);
  assert.match(one.stderr, /runs compare: got 1 run, need at least 2/);

  // eval-loss: raw and averaged weights of the last checkpoint side by side, on the batches the
  // trainer validated on, so it reproduces the logged final validation losses exactly.
  const e = fathom(['eval-loss', join(ws, 'artifacts', a, 'checkpoints'), '--workspace', ws, '--json']);
  assert.equal(e.code, 0, e.stderr);
  const res = JSON.parse(e.stdout) as { step: number; results: Array<{ weights: string; loss: number }> };
  assert.equal(res.step, 16);
  assert.deepEqual(res.results.map((x) => x.weights), ['raw', 'ema']);
  const store = new Store(ws);
  const logged = ['val_loss', 'val_loss_ema'].map((n) => store.metrics(a, n).at(-1)!.value);
  store.close();
  assert.deepEqual(res.results.map((x) => x.loss), logged);
  const other = fathom(['eval-loss', join(ws, 'artifacts', a, 'checkpoints'), '--workspace', ws, '--weights', 'raw', '--split', 'train', '--batches', '3', '--json']);
  assert.equal(other.code, 0, other.stderr);
  assert.ok((JSON.parse(other.stdout) as { results: Array<{ loss: number }> }).results[0]!.loss < 6);
  const missing = fathom(['eval-loss', join(ws, 'artifacts', b, 'checkpoints'), '--workspace', ws, '--weights', 'ema']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /has no 'ema' weights \(has: raw\)\. Hint: pick one it has with --weights/);
});

test('safetensors: round trip with metadata, 8-byte aligned header; truncated files are rejected', () => {
  const bytes = encodeSafetensors([['a', { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }], ['b', { shape: [1], data: Float32Array.from([0.5]) }]], { metadata: { note: 'x' } });
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(n % 8, 0);
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, unknown>;
  assert.deepEqual(header.a, { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
  assert.deepEqual(header.b, { dtype: 'F32', shape: [1], data_offsets: [16, 20] });
  assert.equal(bytes.length, 8 + n + 20);
  const back = decodeSafetensors(bytes);
  assert.deepEqual(Array.from(back.tensors.get('a')!.data), [1, 2, 3, 4]);
  assert.deepEqual(back.metadata, { note: 'x' });
  assert.throws(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'w.safetensors'), /w\.safetensors: not a valid safetensors file: tensor 'b' ends at byte 20 but the data section holds 16 bytes/);
  assert.throws(() => decodeSafetensors(Buffer.alloc(4)), /shorter than the 8-byte header length/);
});
