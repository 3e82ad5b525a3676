// The inputs of the 4D performance model (shared/papers/08-axonn.md): a transformer's shape, the
// cluster it runs on, and what the training engine does (overlap, checkpointing, optimizer
// state). Each is a strict zod schema with commented defaults; cross-field rules (hidden
// divisible by heads, whole nodes) are checked here so a bad input fails at the boundary with
// the field named and the valid choices listed.
import { z } from 'zod';

/** The divisors of n in increasing order (valid choices for a split of n). */
export function divisors(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d === 0) {
      small.push(d);
      if (d * d !== n) large.unshift(n / d);
    }
  }
  return [...small, ...large];
}

/** "1, 2, 4, …, 96" — a list of valid choices short enough for one error line. */
export function listChoices(values: readonly number[], max = 16): string {
  if (values.length <= max) return values.join(', ');
  return `${values.slice(0, max - 2).join(', ')}, …, ${values.slice(-2).join(', ')}`;
}

const positiveInt = (what: string) => z.number().int(`${what} must be a whole number`).positive(`${what} must be at least 1`);

export const modelShapeSchema = z
  .strictObject({
    name: z.string().default('custom').describe('a label for reports'),
    layers: positiveInt('layers').describe('transformer blocks'),
    hidden: positiveInt('hidden').describe('model width h'),
    ffn: positiveInt('ffn').describe('MLP inner width (4h for GPT, about 8h/3 for SwiGLU)'),
    heads: positiveInt('heads').describe('attention (query) heads; head size = hidden / heads'),
    kvHeads: positiveInt('kvHeads').optional().describe('key/value heads for grouped-query attention (default: heads)'),
    vocab: positiveInt('vocab').describe('vocabulary size (embedding rows and LM-head outputs)'),
    seqLen: positiveInt('seqLen').describe('tokens per sequence S'),
    batch: positiveInt('batch').describe('global batch in sequences B (tokens per step = B·S)'),
    bytesPerElement: z.number().positive('bytesPerElement must be > 0').default(2).describe('bytes of a weight/activation element: 2 for bf16'),
    mlp: z.enum(['gelu', 'swiglu']).default('gelu').describe('gelu: up + down matrices; swiglu: gate + up + down'),
    tiedEmbeddings: z.boolean().default(false).describe('input embedding shares the LM-head matrix'),
    flashAttention: z.boolean().default(true).describe('attention scores are not stored (no S² activation term)'),
  })
  .superRefine((m, ctx) => {
    if (m.hidden % m.heads !== 0) {
      ctx.addIssue({ code: 'custom', path: ['heads'], message: `heads ${m.heads} does not divide hidden ${m.hidden} (valid heads for this hidden: ${listChoices(divisors(m.hidden))})` });
    }
    const kv = m.kvHeads ?? m.heads;
    if (m.heads % kv !== 0) {
      ctx.addIssue({ code: 'custom', path: ['kvHeads'], message: `kvHeads ${kv} does not divide heads ${m.heads} (valid kvHeads: ${listChoices(divisors(m.heads))})` });
    }
  });
export type ModelShape = z.output<typeof modelShapeSchema>;

export const clusterSchema = z
  .strictObject({
    name: z.string().default('custom').describe('a label for reports'),
    gpu: z.string().default('unspecified').describe('GPU model, for reports'),
    gpus: positiveInt('gpus').describe('GPUs (or GCDs) in the job'),
    gpusPerNode: positiveInt('gpusPerNode').describe('GPUs per node; groups that fit in a node use the intra-node bandwidth'),
    intraBandwidthGBs: z.number().positive('intraBandwidthGBs must be > 0 GB/s: a link without bandwidth cannot carry a collective').describe('intra-node bandwidth per GPU, GB/s in one direction'),
    interBandwidthGBs: z.number().positive('interBandwidthGBs must be > 0 GB/s: a link without bandwidth cannot carry a collective').describe('inter-node (NIC) bandwidth per GPU, GB/s in one direction'),
    peakTflops: z.number().positive('peakTflops must be > 0').describe('peak dense bf16 matmul TFLOP/s per GPU'),
    matmulEfficiency: z.number().positive('matmulEfficiency must be in (0, 1]').max(1, 'matmulEfficiency must be in (0, 1]').default(0.6).describe('fraction of peak the matmuls reach'),
    memoryGiB: z.number().positive('memoryGiB must be > 0').describe('HBM per GPU, GiB'),
  })
  .superRefine((c, ctx) => {
    if (c.gpus > c.gpusPerNode && c.gpus % c.gpusPerNode !== 0) {
      const lo = Math.floor(c.gpus / c.gpusPerNode) * c.gpusPerNode;
      ctx.addIssue({ code: 'custom', path: ['gpus'], message: `gpus ${c.gpus} is not a whole number of ${c.gpusPerNode}-GPU nodes (valid nearby: ${lo}, ${lo + c.gpusPerNode})` });
    }
  });
export type Cluster = z.output<typeof clusterSchema>;

/** Fractions of each collective's time the engine can hide behind computation of the same pass. */
export const overlapSchema = z.strictObject({
  allGatherWeights: z.number().min(0).max(1).default(1).describe('Z all-gathers are prefetched a layer ahead'),
  reduceScatterGrads: z.number().min(0).max(1).default(1).describe('Z reduce-scatters run while earlier layers compute their backward'),
  allReduceInputGrads: z.number().min(0).max(1).default(1).describe('backward input-gradient all-reduces overlap the weight-gradient matmul'),
  allReduceOutputs: z.number().min(0).max(1).default(0).describe('forward output all-reduces feed the next layer, so they are exposed'),
  allReduceData: z.number().min(0).max(1).default(1).describe('data-parallel all-reduces run during the backward pass'),
});
export type Overlap = z.output<typeof overlapSchema>;

export const engineSchema = z.strictObject({
  overlap: overlapSchema.prefault({}).describe('what the engine hides; 0 = fully exposed, 1 = hidden while compute lasts'),
  checkpointing: z.enum(['auto', 'always', 'never']).default('auto').describe('activation checkpointing: auto uses it only when activations do not fit otherwise'),
  microBatches: z.union([z.literal('auto'), z.number().int().positive()]).default('auto').describe("gradient-accumulation micro-batches per step: 'auto' takes the fewest that fit in memory"),
  cacheGatheredWeights: z.boolean().default(false).describe('keep all-gathered weights from the forward for the backward (one all-gather per layer instead of two)'),
  gradBytesPerParam: z.number().positive().default(2).describe('bytes of a gradient element (bf16)'),
  optimizerBytesPerParam: z.number().nonnegative().default(12).describe('optimizer bytes per parameter: fp32 master + Adam m and v = 12'),
  usableMemoryFraction: z.number().positive().max(1).default(0.9).describe('share of HBM the plan may use (the rest: framework, allocator, buffers)'),
});
export type Engine = z.output<typeof engineSchema>;

/** One linear layer of the model, in execution order. `transposed` layers swap the roles of X and Y. */
export interface LinearLayer {
  name: string;
  nIn: number;
  nOut: number;
  /** How many times it occurs (once per block, or once for the LM head). */
  count: number;
  transposed: boolean;
}

/**
 * The linear layers of one step. Alternate layers swap X and Y (the paper's trick that avoids a
 * re-layout): QKV in→X out→Y, attention output in→Y out→X, MLP up (and gate) in→X out→Y, MLP down
 * in→Y out→X, LM head in→X out→Y.
 */
export function linearLayers(m: ModelShape): LinearLayer[] {
  const h = m.hidden;
  const headDim = h / m.heads;
  const kv = m.kvHeads ?? m.heads;
  const L = m.layers;
  const layers: LinearLayer[] = [
    { name: 'qkv', nIn: h, nOut: h + 2 * kv * headDim, count: L, transposed: false },
    { name: 'attn_out', nIn: h, nOut: h, count: L, transposed: true },
  ];
  if (m.mlp === 'swiglu') layers.push({ name: 'mlp_gate', nIn: h, nOut: m.ffn, count: L, transposed: false });
  layers.push(
    { name: 'mlp_up', nIn: h, nOut: m.ffn, count: L, transposed: false },
    { name: 'mlp_down', nIn: m.ffn, nOut: h, count: L, transposed: true },
    { name: 'lm_head', nIn: h, nOut: m.vocab, count: 1, transposed: false },
  );
  return layers;
}

/** Parameters that the model counts: every linear layer plus the input embedding unless tied. Norms and biases (<0.01%) are left out. */
export function parameterCount(m: ModelShape): { linear: number; embedding: number; total: number } {
  const linear = linearLayers(m).reduce((s, l) => s + l.nIn * l.nOut * l.count, 0);
  const embedding = m.tiedEmbeddings ? 0 : m.vocab * m.hidden;
  return { linear, embedding, total: linear + embedding };
}
