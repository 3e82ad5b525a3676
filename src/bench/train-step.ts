// The train-step benchmark: median time of forward + backward + AdamW for a small GPT on the
// nanoGPT/llm.c layout (or llama: RMSNorm, RoPE, SwiGLU), with the same model, data and FLOP
// count as the PyTorch peer in shared/bench/torch_gpt.py so the two compare as a ratio.
import { UsageError } from '../errors.js';
import { Transformer, countParameters } from '../models/index.js';
import { AdamW } from '../optim/index.js';
import { Rng, backendStatus, gcMode, indices, profileReport, resetProfile } from '../tensor/index.js';
import type { ProfileRow } from '../tensor/index.js';
import { nativeStatus } from '../tensor/native/index.js';

export interface TrainStepOptions {
  arch: 'gpt2' | 'llama';
  layers: number;
  dim: number;
  heads: number;
  ctx: number;
  vocab: number;
  batch: number;
  steps: number;
  warmup: number;
  seed: number;
  /** Called after each timed step with its milliseconds (for progress). */
  onStep?: (ms: number) => void;
}

export const TRAIN_STEP_DEFAULTS: Omit<TrainStepOptions, 'onStep'> = {
  arch: 'gpt2', layers: 6, dim: 256, heads: 8, ctx: 128, vocab: 256, batch: 16, steps: 10, warmup: 2, seed: 0,
};

export interface TrainStepResult {
  engine: 'fathom';
  backend: string;
  blas: string | null;
  threads: number | null;
  /** V8's collector in the benchmark's process (`node --single-threaded-gc`, as the fathom command runs, or concurrent). */
  gc: 'single-threaded' | 'concurrent';
  arch: 'gpt2' | 'llama';
  layers: number; dim: number; heads: number; ctx: number; vocab: number; batch: number;
  params: number;
  step_ms_median: number;
  step_ms_min: number;
  tokens_per_s: number;
  gflops: number;
  loss: number;
  /** Kernel time per op over the timed steps, when FATHOM_PROFILE=1. */
  profile?: ProfileRow[];
}

export function checkTrainStepOptions(o: Omit<TrainStepOptions, 'onStep'>): void {
  for (const k of ['layers', 'dim', 'heads', 'ctx', 'vocab', 'batch', 'steps'] as const) {
    if (!Number.isInteger(o[k]) || o[k] <= 0) throw new UsageError(`bench train-step: --${k} must be a positive whole number, got ${o[k]}`, `pass e.g. --${k} ${TRAIN_STEP_DEFAULTS[k]}`);
  }
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new UsageError(`bench train-step: --warmup must be a whole number ≥ 0, got ${o.warmup}`, 'pass e.g. --warmup 2');
  if (o.dim % o.heads !== 0) throw new UsageError(`bench train-step: --dim ${o.dim} is not divisible by --heads ${o.heads}`, 'pick heads that divide dim (e.g. --dim 256 --heads 8)');
  if (o.arch === 'llama' && (o.dim / o.heads) % 2 !== 0) throw new UsageError(`bench train-step: the head size ${o.dim / o.heads} must be even for RoPE`, 'change --dim or --heads');
}

export function runTrainStepBench(options: TrainStepOptions): TrainStepResult {
  checkTrainStepOptions(options);
  const { arch, layers, dim, heads, ctx, vocab, batch } = options;
  const model = new Transformer({ arch, vocabSize: vocab, contextLength: ctx, dim, layers, heads, seed: options.seed, tieEmbeddings: true });
  const opt = new AdamW(model.namedParameters(), { lr: 3e-4, weightDecay: 0.1 });
  const rng = new Rng(options.seed + 1);
  const ids = (): Int32Array => Int32Array.from({ length: batch * ctx }, () => rng.int(vocab));
  const x = indices(ids(), [batch, ctx]);
  const y = indices(ids(), [batch, ctx]);

  const step = (): number => {
    const { loss } = model.forward(x, { targets: y });
    opt.zeroGrad();
    const value = loss!.item();
    loss!.backward({ freeActivations: true }); // as the trainer does
    opt.step();
    return value;
  };

  for (let i = 0; i < options.warmup; i++) step();
  resetProfile();
  const times: number[] = [];
  let loss = Number.NaN;
  for (let i = 0; i < options.steps; i++) {
    const t0 = performance.now();
    loss = step();
    const ms = performance.now() - t0;
    times.push(ms);
    options.onStep?.(ms);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const tokens = batch * ctx;
  const params = model.numParameters();
  // Same FLOP count as the peer: 6 × matmul parameters (incl. the tied head once) × tokens, plus
  // attention's QKᵀ and AV (4·T·d per token per layer forward, ×3 for backward, /2 causal).
  const matmulParams = params - (arch === 'gpt2' ? ctx * dim : 0);
  const flops = 6 * matmulParams * tokens + (3 * layers * 4 * ctx * dim * tokens) / 2;
  const native = nativeStatus();
  const backend = backendStatus().active;
  const profile = profileReport();
  resetProfile(); // reported in the result, not again at exit
  return {
    engine: 'fathom', backend,
    blas: backend === 'native' ? native.blas : null,
    threads: backend === 'native' ? native.threads : null,
    gc: gcMode(),
    arch, layers, dim, heads, ctx, vocab, batch,
    params: countParameters(model) + (arch === 'gpt2' ? ctx * dim : 0),
    step_ms_median: median, step_ms_min: times[0]!, tokens_per_s: tokens / (median / 1000), gflops: flops / (median / 1000) / 1e9, loss,
    ...(profile.length ? { profile } : {}),
  };
}
