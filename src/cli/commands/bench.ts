// `fathom bench gemm|train-step`: the engine's speed, measured the same way as its peers so that
// anyone can rerun the numbers (bench/ has scripts that run fathom and PyTorch side by side).
import type { Command } from 'commander';
import { z } from 'zod';
import { runGemmBench } from '../../bench/gemm.js';
import { runTrainStepBench, TRAIN_STEP_DEFAULTS, type TrainStepResult } from '../../bench/train-step.js';
import { loadConfig } from '../../config/index.js';
import { UsageError } from '../../errors.js';
import { createProgress } from '../../log/index.js';
import { emit, globalOptions, textTable } from '../context.js';
import { registerBench, registerCommand, registeredBenches, withExamples } from '../registry.js';

function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n <= 0 || n > 8192)) {
    throw new UsageError(`bench gemm: --sizes "${text}" must be comma-separated whole numbers from 1 to 8192`, 'pass e.g. --sizes 64,256,512,1024');
  }
  return sizes;
}

function defineGemm(parent: Command): void {
  const cmd = parent.command('gemm').description('GFLOP/s of fathom\'s matmul for square sizes, beside the same call made directly to the BLAS')
    .option('--sizes <list>', 'comma-separated matrix sizes', '64,256,512,1024')
    .option('--repeats <n>', 'timed pairs (fathom call + direct BLAS call) per size; default: about 1 s of each');
  withExamples(cmd, ['fathom bench gemm', 'fathom bench gemm --sizes 512,1024 --json']);
  cmd.action((o: { sizes: string; repeats?: string }) => {
    const options = globalOptions(cmd);
    const repeats = o.repeats === undefined ? undefined : Number(o.repeats);
    if (repeats !== undefined && (!Number.isInteger(repeats) || repeats <= 0)) throw new UsageError(`bench gemm: --repeats must be a positive whole number, got "${o.repeats}"`, 'pass e.g. --repeats 200, or leave it out for about 1 s per path');
    const result = runGemmBench({ sizes: parseSizes(o.sizes), ...(repeats === undefined ? {} : { repeats }) });
    const fixed = (x: number | null, digits: number) => (x === null ? '-' : Number(x.toFixed(digits)));
    emit(options, result, () => textTable(
      ['size', 'fathom GFLOP/s', `${result.blas === 'openblas' ? 'openblas' : 'own GEMM'} GFLOP/s`, 'ratio', 'ratio IQR', 'pairs', 'own GEMM GFLOP/s'],
      result.rows.map((r) => [r.size, fixed(r.gflops, 1), fixed(r.blasGflops ?? r.ownGflops, 1), fixed(r.ratio, 3),
        r.ratioIqr ? `${r.ratioIqr[0].toFixed(3)}–${r.ratioIqr[1].toFixed(3)}` : '-', r.pairs, fixed(r.ownGflops, 1)]),
    ) + `\nbackend ${result.backend}, GEMM via ${result.blas}, ${result.threads} threads; ratio = median over adjacent pairs of (direct BLAS time / fathom time)`);
  });
}

/** The train-step options as a config, so `--config` files and `--set` overrides work as everywhere. */
const trainStepSchema = z.strictObject({
  arch: z.enum(['gpt2', 'llama']).default(TRAIN_STEP_DEFAULTS.arch).describe('gpt2: LayerNorm, GELU, learned positions; llama: RMSNorm, RoPE, SwiGLU'),
  layers: z.number().int().positive().default(TRAIN_STEP_DEFAULTS.layers).describe('transformer blocks'),
  dim: z.number().int().positive().default(TRAIN_STEP_DEFAULTS.dim).describe('model width'),
  heads: z.number().int().positive().default(TRAIN_STEP_DEFAULTS.heads).describe('attention heads'),
  ctx: z.number().int().positive().default(TRAIN_STEP_DEFAULTS.ctx).describe('sequence length'),
  vocab: z.number().int().positive().default(TRAIN_STEP_DEFAULTS.vocab).describe('vocabulary size'),
  batch: z.number().int().positive().default(TRAIN_STEP_DEFAULTS.batch).describe('sequences per step'),
  steps: z.number().int().positive().default(TRAIN_STEP_DEFAULTS.steps).describe('timed steps (the median is reported)'),
  warmup: z.number().int().nonnegative().default(TRAIN_STEP_DEFAULTS.warmup).describe('untimed steps first'),
  seed: z.number().int().default(TRAIN_STEP_DEFAULTS.seed).describe('init and data seed'),
});

function defineTrainStep(parent: Command): void {
  const cmd = parent.command('train-step').description('median time and tokens/s of forward + backward + AdamW for a small GPT (the PyTorch peer is shared/bench/torch_gpt.py)')
    .option('--arch <arch>', 'gpt2 or llama')
    .option('--layers <n>').option('--dim <n>').option('--heads <n>').option('--ctx <n>').option('--vocab <n>')
    .option('--batch <n>').option('--steps <n>').option('--warmup <n>').option('--seed <n>')
    .option('-c, --config <file>', 'a JSON or YAML file with these keys')
    .option('--set <key=value...>', 'override a config key (repeatable)');
  withExamples(cmd, [
    'fathom bench train-step --arch gpt2 --layers 6 --dim 256 --heads 8 --ctx 128 --vocab 256 --batch 16 --steps 10 --json',
    'FATHOM_PROFILE=1 fathom bench train-step --arch llama',
  ]);
  cmd.action((o: Record<string, string | string[] | undefined>) => {
    const options = globalOptions(cmd);
    const sets = [...(Array.isArray(o.set) ? o.set : [])];
    for (const key of Object.keys(trainStepSchema.shape)) {
      const v = o[key];
      if (typeof v === 'string') sets.push(`${key}=${v}`);
    }
    const config = loadConfig(trainStepSchema, { file: typeof o.config === 'string' ? o.config : undefined, sets });
    const progress = createProgress({ label: 'train-step', total: config.steps, unit: 'steps' });
    const result = runTrainStepBench({ ...config, onStep: (ms) => progress.tick(1, { ms: Math.round(ms) }) });
    progress.done();
    emit(options, result, () => render(result));
  });
}

function render(r: TrainStepResult): string {
  const lines = [
    `fathom ${r.backend}${r.blas ? ` (${r.blas}, ${r.threads} threads)` : ''}, ${r.gc} GC, arch=${r.arch} L=${r.layers} d=${r.dim} h=${r.heads} T=${r.ctx} V=${r.vocab} B=${r.batch} params=${(r.params / 1e6).toFixed(2)}M`,
    `step median ${r.step_ms_median.toFixed(1)} ms (min ${r.step_ms_min.toFixed(1)}) -> ${r.tokens_per_s.toFixed(0)} tokens/s, ~${r.gflops.toFixed(1)} GFLOP/s, loss=${r.loss.toFixed(3)}`,
  ];
  if (r.profile) {
    const total = r.profile.reduce((s, p) => s + p.ms, 0);
    lines.push('kernel time per op over the timed steps (FATHOM_PROFILE=1):', textTable(['op', 'backend', 'calls', 'ms', '%'],
      r.profile.map((p) => [p.op, p.backend, p.calls, Number(p.ms.toFixed(1)), Number(((100 * p.ms) / (total || 1)).toFixed(1))])));
  }
  return lines.join('\n');
}

registerBench({ name: 'gemm', define: defineGemm });
registerBench({ name: 'train-step', define: defineTrainStep });

registerCommand({
  name: 'bench',
  summary: 'measure fathom beside its peers: GEMM vs the BLAS, a GPT train step vs PyTorch, and each system\'s own benchmark',
  examples: ['fathom bench gemm --sizes 64,256,512,1024 --json', 'fathom bench train-step --arch gpt2 --json'],
  define(cmd) {
    for (const bench of registeredBenches()) bench.define(cmd);
  },
});
