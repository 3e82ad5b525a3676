// nanoGPT's CPU recipe for a character-level GPT (shakespeare_char "on a CPU"), trained by
// fathom with the same split, model, optimizer and schedule as the PyTorch peer
// shared/bench/torch_charlm.py: vocabulary = the sorted distinct characters of the file, the first
// 90% for training, GPT-2 layout (4 layers, 4 heads, d=128, context 64, tied head), batch 12,
// 2,000 iterations, AdamW lr 1e-3, betas (0.9, 0.99), weight decay 0.1 on every parameter,
// 100 warmup steps then cosine to 1e-4, gradient clip 1, dropout 0, evaluation every 250 steps
// on 20 batches. Differences that remain: the peer's GELU is exact (erf) where fathom's is the
// tanh form, the peer's biases keep PyTorch's uniform init, and batches come from different RNGs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import { trainConfigSchema } from './config.js';
import { train } from './trainer.js';
import type { TrainResult } from './trainer.js';

export interface CharData {
  train: Int32Array;
  val: Int32Array;
  vocab: string[];
}

/** Character ids over the file's sorted distinct characters; 90/10 split (the peer's). */
export function charSplit(text: string): CharData {
  const chars = [...text];
  const vocab = [...new Set(chars)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const id = new Map(vocab.map((c, i) => [c, i]));
  const ids = Int32Array.from(chars, (c) => id.get(c)!);
  const n = Math.floor(0.9 * ids.length);
  return { train: ids.slice(0, n), val: ids.slice(n), vocab };
}

export interface CharLmOptions {
  file: string;
  store: Store;
  iters?: number;
  seed?: number;
  progress?: boolean;
}

export async function trainCharLm(o: CharLmOptions): Promise<{ result: TrainResult; vocab: number; valLoss: number }> {
  const data = charSplit(readFileSync(o.file, 'utf8'));
  const config = parseConfig(trainConfigSchema, {
    name: 'charlm (nanoGPT CPU recipe)',
    seed: o.seed ?? 1337,
    model: { arch: 'gpt2', layers: 4, heads: 4, dim: 128, contextLength: 64, tieEmbeddings: true },
    batch: { size: 12 },
    budget: { steps: o.iters ?? 2000 },
    optim: { name: 'adamw', lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1, noDecay: 'none', clip: 1 },
    schedule: { kind: 'cosine', warmup: 100, minLr: 1e-4 },
    eval: { every: 250, batches: 20 },
    checkpoint: { every: 0 },
  }, 'charlm recipe');
  const result = await train({
    config, data: { train: data.train, val: data.val, vocabSize: data.vocab.length, source: `${o.file} (characters)` },
    store: o.store, progress: o.progress ?? true, handleSignals: false,
  });
  return { result, vocab: data.vocab.length, valLoss: result.finalVal.val_loss! };
}

export type PeerResult = { final_val_loss: number; wall_s: number; version: string } | { skipped: string };

/** Runs the PyTorch peer (torch_charlm.py) with 2 OpenBLAS threads, as its measurement was made. */
export function runTorchCharLm(peer: string, file: string, iters: number): PeerResult {
  if (!existsSync(peer)) return { skipped: `the PyTorch peer ${peer} is absent` };
  if (!existsSync('/usr/lib/python3/dist-packages/torch/__init__.py')) return { skipped: 'PyTorch is not installed for /usr/bin/python3 (apt-get install -y python3-torch)' };
  const r = spawnSync('/usr/bin/python3', [peer, '--data', file, '--iters', String(iters), '--json'], {
    encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '1' }, maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { skipped: `torch_charlm.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { final_val_loss: number; wall_s: number; version: string };
}
