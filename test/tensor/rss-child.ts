// Child process for memory.test.ts: trains a tiny model with AdamW in a plain loop — no disposal
// scopes, no manual GC — and prints the resident set size after given steps (the median over the
// preceding 101 steps, so one sample doesn't land on either edge of a collection).
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { Transformer } from '../../src/models/index.js';
import { AdamW } from '../../src/optim/index.js';
import { Rng, indices } from '../../src/tensor/index.js';

const steps = Number(process.argv[2] ?? 2000);
const marks = (process.argv[3] ?? '200,2000').split(',').map(Number);
const arch = (process.argv[4] ?? 'gpt2') as 'gpt2' | 'llama';
const freeActivations = process.argv[5] === 'free'; // as fathom's trainer calls backward
const model = new Transformer({ arch, vocabSize: 64, contextLength: 16, dim: 32, layers: 2, heads: 2, seed: 1 });
const opt = new AdamW(model.namedParameters(), { lr: 1e-3 });
const rng = new Rng(2);
const B = 2, T = 16;
// What the resident set is made of, so a failure says where growth came from: anonymous memory
// (V8's heap pages, the C allocator's arenas holding tensor storage) vs file-backed pages (code).
const KEYS = ['rss', 'anon', 'file', 'v8Committed', 'external'] as const;
type Sample = Record<(typeof KEYS)[number], number>;
function sample(): Sample {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string): number => 1024 * Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  const heap = v8.getHeapStatistics();
  return { rss: process.memoryUsage.rss(), anon: kb('RssAnon'), file: kb('RssFile'), v8Committed: heap.total_physical_size, external: heap.external_memory };
}
const rss: Record<number, number> = {};
const parts: Record<number, Sample> = {};
const samples: Record<number, Sample[]> = {};
let losses = 0;
const t0 = performance.now();
for (let step = 1; step <= steps; step++) {
  const ids = indices(Int32Array.from({ length: B * T }, () => rng.int(64)), [B, T]);
  const targets = indices(Int32Array.from({ length: B * T }, () => rng.int(64)), [B, T]);
  opt.zeroGrad();
  const { loss } = model.forward(ids, { targets });
  losses += loss!.item();
  loss!.backward({ freeActivations });
  opt.step();
  for (const m of marks) if (step > m - 101 && step <= m) (samples[m] ??= []).push(sample());
}
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
for (const m of marks) {
  parts[m] = Object.fromEntries(KEYS.map((k) => [k, median(samples[m]!.map((x) => x[k]))])) as Sample;
  rss[m] = parts[m].rss;
}
process.stdout.write(JSON.stringify({ rss, parts, msPerStep: (performance.now() - t0) / steps, meanLoss: losses / steps }) + '\n');
