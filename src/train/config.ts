// The training config: one zod schema with commented defaults (`fathom train --print-config`
// prints it as YAML). Defaults train the `tiny` preset on moby-dick, byte-level, in a few minutes
// on two cores. Model presets, GPT-2 layout, counted with a byte vocabulary (256) and without
// position embeddings as nanoGPT counts: tiny 0.47M (4 layers, d=96, 3 heads of 32, ctx 64),
// small 4.8M (6, 256, 8 heads, 128), base 25.4M (8, 512, 8 heads, 256); any explicit model field
// overrides the preset.
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { TransformerConfig } from '../models/index.js';
import { scheduleSchema } from '../optim/index.js';

export const MODEL_PRESETS = {
  tiny: { arch: 'gpt2', layers: 4, dim: 96, heads: 3, contextLength: 64 },
  small: { arch: 'gpt2', layers: 6, dim: 256, heads: 8, contextLength: 128 },
  base: { arch: 'gpt2', layers: 8, dim: 512, heads: 8, contextLength: 256 },
} as const;

const positive = z.number().int().positive();

export const trainConfigSchema = z.strictObject({
  name: z.string().default('train').describe('run name shown in `fathom runs ls`'),
  seed: z.number().int().min(0).default(1337).describe('seeds the model init and the batch sampler'),
  model: z.strictObject({
    preset: z.enum(['tiny', 'small', 'base']).default('tiny').describe('tiny (0.47M parameters: 4 layers, d=96, 3 heads, ctx 64), small (4.8M: 6, 256, 8, 128), base (25.4M: 8, 512, 8, 256)'),
    arch: z.enum(['gpt2', 'llama']).optional().describe('gpt2 (LayerNorm, GELU, learned positions) or llama (RMSNorm, SwiGLU, RoPE); default: the preset\'s'),
    layers: positive.optional().describe('transformer blocks (default: the preset\'s)'),
    dim: positive.optional().describe('model width (default: the preset\'s)'),
    heads: positive.optional().describe('attention heads (default: the preset\'s)'),
    kvHeads: positive.optional().describe('llama: key/value heads for grouped-query attention (default: heads)'),
    contextLength: positive.optional().describe('tokens per training sequence (default: the preset\'s)'),
    tieEmbeddings: z.boolean().optional().describe('share token embedding and lm head (default: true for gpt2)'),
    init: z.enum(['normal', 'scaled-truncated-normal']).default('normal')
      .describe('weight init: normal (GPT-2: N(0, 0.02²)) or scaled-truncated-normal (N(0, σ²) cut at ±3σ, σ = √(2/(5·dim)); shared/papers/10-recurrent-depth.md); residual projections ÷√(2·layers) in both'),
    dropout: z.number().min(0, 'must be at least 0').lt(1, 'must be below 1 (p = 1 would drop every activation)').default(0)
      .describe('dropout probability on embeddings and residual branches while training (0 = off)'),
  }).prefault({}).describe('the transformer'),
  data: z.strictObject({
    corpus: z.string().default('moby-dick').describe('moby-dick | sotu | a path to a text or JSONL file'),
    format: z.enum(['text', 'jsonl']).optional().describe('file format (default: by extension)'),
    field: z.string().optional().describe('jsonl: the text field'),
    tokenizer: z.string().default('byte').describe('byte, or a path to a Hugging Face tokenizer.json'),
    valFraction: z.number().gt(0).max(0.5).default(0.1).describe('the tail of the corpus held out for validation'),
    cacheDir: z.string().optional().describe('where token caches go (default: <workspace>/cache/tokens)'),
  }).prefault({}).describe('training data'),
  budget: z.strictObject({
    steps: positive.nullable().default(600).describe('optimizer steps (ignored when tokens is set)'),
    tokens: positive.nullable().default(null).describe('train tokens; sets steps = ceil(tokens / tokens per step)'),
  }).prefault({}).describe('how long to train'),
  batch: z.strictObject({
    size: positive.default(12).describe('sequences per micro-batch'),
    accumulate: positive.default(1).describe('micro-batches per optimizer step (gradient accumulation)'),
  }).prefault({}).describe('batching'),
  optim: z.strictObject({
    name: z.string().default('adamw').describe('adamw | adam | sgd (momentum, nesterov) | signsgd | signum'),
    lr: z.number().positive().default(1e-3).describe('peak learning rate'),
    weightDecay: z.number().min(0).default(0.1).describe('weight decay of the decay group'),
    noDecay: z.enum(['norms-biases-embeddings', 'norms-biases', 'none']).default('norms-biases-embeddings').describe('parameters exempt from weight decay'),
    betas: z.tuple([z.number(), z.number()]).default([0.9, 0.99]).describe('adam/adamw (β1, β2)'),
    eps: z.number().min(0).default(1e-8).describe('adam/adamw epsilon'),
    momentum: z.number().min(0).lt(1).default(0.9).describe('sgd momentum (0 = plain SGD); signum β'),
    nesterov: z.boolean().default(false).describe('sgd: Nesterov momentum'),
    dampening: z.number().min(0).max(1).default(0).describe('sgd: momentum dampening'),
    clip: z.number().min(0).default(1).describe('global gradient-norm clip (0 = off)'),
  }).prefault({}).describe('the optimizer'),
  schedule: scheduleSchema.prefault({}).describe('learning-rate schedule'),
  eval: z.strictObject({
    every: positive.default(100).describe('evaluate on validation every N steps (and at the end)'),
    batches: positive.default(20).describe('validation batches per evaluation (the same batches each time)'),
  }).prefault({}).describe('validation'),
  averaging: z.strictObject({
    use: z.array(z.enum(['ema', 'lawa', 'swa'])).default([]).describe('averagers to keep, e.g. [ema, lawa]; evaluated beside the raw weights'),
    ema: z.strictObject({
      beta: z.number().min(0).lt(1).default(0.9).describe('decay β'),
      every: positive.default(8).describe('update every ν steps'),
    }).prefault({}),
    lawa: z.strictObject({
      length: positive.default(10).describe('checkpoints in the queue (L)'),
      every: positive.default(8).describe('take one every ν steps'),
    }).prefault({}),
    swa: z.strictObject({
      start: z.number().int().min(0).default(0).describe('first step averaged'),
      every: positive.default(1).describe('average every ν steps'),
    }).prefault({}),
  }).prefault({}).describe('weight averaging (shared/papers/09-weight-averaging.md)'),
  goldfish: z.strictObject({
    strategy: z.enum(['off', 'static', 'seeded-random', 'hash-table']).default('off').describe('Goldfish loss: drop 1/k of token losses (shared/papers/08-axonn.md)'),
    k: z.number().int().min(2).default(4).describe('drop rate 1/k'),
    h: positive.default(13).describe('hash-table: context width hashed'),
    seed: z.number().int().min(0).default(0).describe('mask seed'),
    tableSize: positive.default(1_000_003).describe('hash-table size'),
  }).prefault({}).describe('Goldfish loss'),
  checkpoint: z.strictObject({
    every: z.number().int().min(0).default(200).describe('save every N steps (0 = only at the end)'),
    keep: positive.default(2).describe('how many recent checkpoints to keep'),
  }).prefault({}).describe('checkpoints'),
  timeLimit: z.number().positive().nullable().default(null).describe('stop (with a checkpoint) after this many seconds; null = no limit'),
});

export type TrainConfig = z.output<typeof trainConfigSchema>;

/** The Transformer config a train config describes. */
export function modelConfig(c: TrainConfig, vocabSize: number): TransformerConfig {
  const m = c.model;
  const p = MODEL_PRESETS[m.preset];
  const out: TransformerConfig = {
    arch: m.arch ?? p.arch, vocabSize, contextLength: m.contextLength ?? p.contextLength,
    dim: m.dim ?? p.dim, layers: m.layers ?? p.layers, heads: m.heads ?? p.heads,
    dropout: m.dropout, init: m.init, seed: c.seed,
  };
  if (m.kvHeads !== undefined) out.kvHeads = m.kvHeads;
  if (m.tieEmbeddings !== undefined) out.tieEmbeddings = m.tieEmbeddings;
  if (out.dim % out.heads !== 0) {
    throw new ConfigError(`config: model.dim ${out.dim} is not divisible by model.heads ${out.heads}`, 'pick heads that divide dim (e.g. dim 128, heads 4)');
  }
  if (out.arch === 'llama' && (out.dim / out.heads) % 2 !== 0) {
    throw new ConfigError(`config: the head size ${out.dim / out.heads} must be even for rotary positions`, 'change model.dim or model.heads');
  }
  if (out.kvHeads !== undefined && out.heads % out.kvHeads !== 0) {
    throw new ConfigError(`config: model.heads ${out.heads} is not a multiple of model.kvHeads ${out.kvHeads}`, 'pick kvHeads dividing heads');
  }
  return out;
}

/** Optimizer steps in the budget. */
export function totalSteps(c: TrainConfig, contextLength: number): number {
  const perStep = c.batch.size * c.batch.accumulate * contextLength;
  if (c.budget.tokens !== null) return Math.ceil(c.budget.tokens / perStep);
  if (c.budget.steps === null) throw new ConfigError('config: budget.steps and budget.tokens are both null', 'set budget.steps (e.g. 600) or budget.tokens');
  return c.budget.steps;
}
