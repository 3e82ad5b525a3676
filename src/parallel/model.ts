// The AxoNN 4D performance model for one factorization (shared/papers/08-axonn.md): per step,
// the collectives of every linear layer from the paper's table with ring costs and placement,
// the matmul compute time, what overlap hides, and memory per GPU. A pure function: the same
// inputs always give the same numbers, and nothing is measured.
//
// Per linear layer W (n_out × n_in), b = tokens per GPU = B·S / (G_data·G_z):
//   all-gather weights        Z     n_out·n_in/(G_x·G_y)        forward, and again in backward unless cached
//   all-reduce outputs        X     b·n_out/G_y                 forward (and in the recompute when checkpointing)
//   all-reduce input grads    Y     b·n_in/G_x                  backward
//   reduce-scatter grads      Z     n_out·n_in/(G_x·G_y)        backward
//   all-reduce data grads     data  n_out·n_in/(G_x·G_y·G_z)    once per step
// Transposed layers (attention output, MLP down) swap X and Y in the two activation rows.
// Each split also gets its checkpointing mode and gradient-accumulation micro-batch count: the
// fewest micro-batches that fit, with and without checkpointing, whichever is faster.
import { placement, ringSeconds, type CollectiveKind, type Dim, type Placement, type Split } from './collectives.js';
import { divisors, linearLayers, parameterCount, type Cluster, type Engine, type LinearLayer, type ModelShape, type Overlap } from './shape.js';

export type CollectiveName = keyof Overlap;

export const COLLECTIVES: Record<CollectiveName, { kind: CollectiveKind; label: string }> = {
  allGatherWeights: { kind: 'all-gather', label: 'all-gather weights' },
  allReduceOutputs: { kind: 'all-reduce', label: 'all-reduce outputs' },
  allReduceInputGrads: { kind: 'all-reduce', label: 'all-reduce input grads' },
  reduceScatterGrads: { kind: 'reduce-scatter', label: 'reduce-scatter weight grads' },
  allReduceData: { kind: 'all-reduce', label: 'all-reduce data-parallel grads' },
};

/** One collective as it occurs in one layer kind, summed over the step. */
export interface CollectiveCost {
  collective: CollectiveName;
  kind: CollectiveKind;
  group: Dim;
  groupSize: number;
  where: Placement['where'];
  bandwidthGBs: number;
  phase: 'forward' | 'backward';
  /** Calls per step (occurrences of the layer × calls per occurrence). */
  calls: number;
  /** Bytes of one call's buffer (M in the ring formulas). */
  bytesPerCall: number;
  seconds: number;
}

export interface LayerCost {
  layer: string;
  nIn: number;
  nOut: number;
  count: number;
  transposed: boolean;
  collectives: CollectiveCost[];
}

export interface MemoryBreakdown {
  weights: number;
  gradients: number;
  optimizer: number;
  /** Buffers for all-gathered weights: two layers (in use + prefetched), or all when cached. */
  gatherBuffer: number;
  activationsNoCheckpoint: number;
  activationsCheckpoint: number;
  /** The activations of the chosen mode. */
  activations: number;
  total: number;
  /** Bytes the plan may use: memoryGiB × usableMemoryFraction. */
  capacity: number;
}

export interface PhaseTime {
  compute: number;
  comm: number;
  hidden: number;
}

export interface Evaluation {
  split: Split;
  checkpointing: boolean;
  /** Gradient-accumulation steps: each GPU's tokens are processed in this many micro-batches. */
  microBatches: number;
  /** Predicted seconds per training step. */
  stepSeconds: number;
  computeSeconds: number;
  commSeconds: number;
  hiddenSeconds: number;
  exposedSeconds: number;
  forward: PhaseTime;
  backward: PhaseTime;
  /** Useful model FLOPs per step (6·tokens·linear params + attention; no recompute). */
  modelFlops: number;
  /** modelFlops / (step × GPUs × peak): the share of the cluster's peak the plan reaches. */
  peakFraction: number;
  /** Sustained model PFLOP/s of the whole job. */
  pflops: number;
  tokensPerSecond: number;
  memory: MemoryBreakdown;
  layers: LayerCost[];
}

export type DropReason = 'hidden' | 'heads' | 'ffn' | 'batch' | 'memory';

export interface Dropped {
  split: Split;
  reason: DropReason;
  detail: string;
}

const GIB = 2 ** 30;

export interface PlanInputs {
  model: ModelShape;
  cluster: Cluster;
  engine: Engine;
}

/** Why `split` cannot run this model at all (a split that does not divide the shape), or undefined. */
export function splitProblem(m: ModelShape, s: Split): Omit<Dropped, 'split'> | undefined {
  const kv = m.kvHeads ?? m.heads;
  if (m.hidden % s.x !== 0) return { reason: 'hidden', detail: `hidden ${m.hidden} is not divisible by G_x=${s.x}` };
  if (m.hidden % s.y !== 0) return { reason: 'hidden', detail: `hidden ${m.hidden} is not divisible by G_y=${s.y}` };
  if (m.heads % s.y !== 0) return { reason: 'heads', detail: `heads ${m.heads} are not divisible by G_y=${s.y}` };
  if (kv % s.y !== 0) return { reason: 'heads', detail: `kvHeads ${kv} are not divisible by G_y=${s.y}` };
  if (m.ffn % s.y !== 0) return { reason: 'ffn', detail: `ffn ${m.ffn} is not divisible by G_y=${s.y}` };
  if (m.batch % (s.data * s.z) !== 0) return { reason: 'batch', detail: `batch ${m.batch} sequences is not divisible by G_data×G_z=${s.data * s.z}` };
  return undefined;
}

/**
 * Activation bytes per GPU for one micro-batch (`microBatches` splits each GPU's b tokens),
 * without and with checkpointing, from the explicit count in the module docs.
 */
export function activationBytes(m: ModelShape, s: Split, microBatches = 1): { noCheckpoint: number; checkpoint: number; perLayer: number; final: number } {
  const e = m.bytesPerElement;
  const b = (m.batch * m.seqLen) / (s.data * s.z * microBatches); // tokens per GPU per micro-batch
  const h = m.hidden;
  const headDim = h / m.heads;
  const qkvOut = h + 2 * (m.kvHeads ?? m.heads) * headDim;
  const perLayerElements =
    (4 * b * h) / s.x + // residual-width tensors split over X: QKV input, MLP input, two norm inputs
    (b * qkvOut) / s.y + // q, k, v kept for the attention backward
    (m.flashAttention ? 0 : (b * m.heads * m.seqLen) / s.y) + // softmax scores
    (b * h) / s.y + // attention-output layer input
    ((m.mlp === 'swiglu' ? 2 : 1) * b * m.ffn) / s.y + // activation-function input(s)
    (b * m.ffn) / s.y; // MLP-down input
  const perLayer = perLayerElements * e;
  const final = ((b * h) / s.x + (b * m.vocab) / s.y) * e; // LM-head input and logits
  const blockInputs = ((m.layers * b * h) / s.x) * e;
  return { noCheckpoint: m.layers * perLayer + final, checkpoint: blockInputs + perLayer + final, perLayer, final };
}

// With k micro-batches the weights are gathered (and their gradients scattered) once per
// micro-batch; the activation collectives move 1/k of the tokens k times; the data-parallel
// all-reduce runs once per step.
function layerCollectives(layer: LinearLayer, m: ModelShape, engine: Engine, s: Split, groups: Record<Dim, Placement>, checkpointing: boolean, k: number): CollectiveCost[] {
  const e = m.bytesPerElement;
  const gb = engine.gradBytesPerParam;
  const b = (m.batch * m.seqLen) / (s.data * s.z * k);
  const inDim: Dim = layer.transposed ? 'y' : 'x';
  const outDim: Dim = layer.transposed ? 'x' : 'y';
  const block = (layer.nIn * layer.nOut) / (s.x * s.y); // local weight block before Z sharding
  const rows: { c: CollectiveName; dim: Dim; phase: 'forward' | 'backward'; calls: number; bytes: number }[] = [
    { c: 'allGatherWeights', dim: 'z', phase: 'forward', calls: k, bytes: block * e },
    { c: 'allReduceOutputs', dim: inDim, phase: 'forward', calls: k, bytes: ((b * layer.nOut) / s[outDim]) * e },
    { c: 'allReduceInputGrads', dim: outDim, phase: 'backward', calls: k, bytes: ((b * layer.nIn) / s[inDim]) * e },
    { c: 'reduceScatterGrads', dim: 'z', phase: 'backward', calls: k, bytes: block * gb },
    { c: 'allReduceData', dim: 'data', phase: 'backward', calls: 1, bytes: (block / s.z) * gb },
  ];
  if (!engine.cacheGatheredWeights) rows.push({ c: 'allGatherWeights', dim: 'z', phase: 'backward', calls: k, bytes: block * e });
  if (checkpointing) rows.push({ c: 'allReduceOutputs', dim: inDim, phase: 'backward', calls: k, bytes: ((b * layer.nOut) / s[outDim]) * e });
  return rows
    .filter((r) => groups[r.dim].size > 1)
    .map((r) => {
      const g = groups[r.dim];
      const { kind } = COLLECTIVES[r.c];
      return {
        collective: r.c, kind, group: r.dim, groupSize: g.size, where: g.where, bandwidthGBs: g.bandwidthGBs, phase: r.phase,
        calls: r.calls * layer.count, bytesPerCall: r.bytes, seconds: r.calls * layer.count * ringSeconds(kind, g.size, r.bytes, g.bandwidthGBs),
      };
    });
}

/** Memory per GPU with `k` micro-batches and checkpointing on or off. */
function memoryFor({ model: m, cluster, engine }: PlanInputs, s: Split, checkpointing: boolean, k: number): MemoryBreakdown {
  const params = parameterCount(m);
  const shard = s.x * s.y * s.z;
  const weights = (params.total * m.bytesPerElement) / shard;
  const gradients = (params.total * engine.gradBytesPerParam) / shard;
  const optimizer = (params.total * engine.optimizerBytesPerParam) / shard;
  const largestBlock = Math.max(...linearLayers(m).map((l) => (l.nIn * l.nOut) / (s.x * s.y)));
  const gatherBuffer = s.z === 1 ? 0 : engine.cacheGatheredWeights ? (params.linear * m.bytesPerElement) / (s.x * s.y) : 2 * largestBlock * m.bytesPerElement;
  const acts = activationBytes(m, s, k);
  const activations = checkpointing ? acts.checkpoint : acts.noCheckpoint;
  const total = weights + gradients + optimizer + gatherBuffer + activations;
  return { weights, gradients, optimizer, gatherBuffer, activationsNoCheckpoint: acts.noCheckpoint, activationsCheckpoint: acts.checkpoint, activations, total, capacity: cluster.memoryGiB * GIB * engine.usableMemoryFraction };
}

/** Times one split with a given checkpointing mode and micro-batch count (memory already checked). */
function timeSplit(inputs: PlanInputs, s: Split, checkpointing: boolean, k: number, memory: MemoryBreakdown): Evaluation {
  const { model: m, cluster, engine } = inputs;
  const G = s.data * s.x * s.y * s.z;
  const params = parameterCount(m);
  const groups = { x: placement('x', s, cluster), y: placement('y', s, cluster), z: placement('z', s, cluster), data: placement('data', s, cluster) };
  const layerCosts: LayerCost[] = linearLayers(m).map((l) => ({ layer: l.name, nIn: l.nIn, nOut: l.nOut, count: l.count, transposed: l.transposed, collectives: layerCollectives(l, m, engine, s, groups, checkpointing, k) }));
  if (!m.tiedEmbeddings && groups.data.size > 1) {
    // The input embedding is sharded like a weight; it has no matmul, only its data-parallel gradient all-reduce.
    const bytes = ((m.vocab * m.hidden) / (s.x * s.y * s.z)) * engine.gradBytesPerParam;
    const g = groups.data;
    layerCosts.push({ layer: 'embedding', nIn: m.vocab, nOut: m.hidden, count: 1, transposed: false, collectives: [{ collective: 'allReduceData', kind: 'all-reduce', group: 'data', groupSize: g.size, where: g.where, bandwidthGBs: g.bandwidthGBs, phase: 'backward', calls: 1, bytesPerCall: bytes, seconds: ringSeconds('all-reduce', g.size, bytes, g.bandwidthGBs) }] });
  }

  // Compute: linear layers split evenly over all G GPUs; attention is split over data, Z and Y
  // (heads) but repeated on every X rank, since the X all-reduce leaves the output replicated.
  const tokens = m.batch * m.seqLen;
  const linearFlopsFwd = 2 * tokens * params.linear;
  const attnFlopsFwd = 4 * m.layers * m.batch * m.seqLen * m.seqLen * m.hidden;
  const rate = cluster.peakTflops * 1e12 * cluster.matmulEfficiency;
  const fwdCompute = (linearFlopsFwd / G + attnFlopsFwd / (s.data * s.z * s.y)) / rate;
  const bwdCompute = 2 * fwdCompute + (checkpointing ? fwdCompute : 0);

  // Overlap: within each pass, the hideable share of each collective hides behind that pass's compute.
  const phase = (p: 'forward' | 'backward', compute: number): PhaseTime => {
    let comm = 0;
    let hideable = 0;
    for (const l of layerCosts) {
      for (const c of l.collectives) {
        if (c.phase !== p) continue;
        comm += c.seconds;
        hideable += engine.overlap[c.collective] * c.seconds;
      }
    }
    return { compute, comm, hidden: Math.min(hideable, compute) };
  };
  const forward = phase('forward', fwdCompute);
  const backward = phase('backward', bwdCompute);
  const computeSeconds = forward.compute + backward.compute;
  const commSeconds = forward.comm + backward.comm;
  const hiddenSeconds = forward.hidden + backward.hidden;
  const exposedSeconds = commSeconds - hiddenSeconds;
  const stepSeconds = computeSeconds + exposedSeconds;
  const modelFlops = 3 * (linearFlopsFwd + attnFlopsFwd);
  return {
    split: s, checkpointing, microBatches: k, stepSeconds, computeSeconds, commSeconds, hiddenSeconds, exposedSeconds, forward, backward,
    modelFlops, peakFraction: modelFlops / (stepSeconds * G * cluster.peakTflops * 1e12), pflops: modelFlops / stepSeconds / 1e15,
    tokensPerSecond: tokens / stepSeconds, memory, layers: layerCosts,
  };
}

/**
 * Evaluates one factorization; returns why it was dropped when it cannot run or does not fit.
 * Checkpointing and micro-batches are chosen per split: for each allowed checkpointing mode the
 * fewest micro-batches that fit, then the faster of the two.
 */
export function evaluateSplit(inputs: PlanInputs, s: Split): Evaluation | Dropped {
  const { model: m, engine } = inputs;
  const problem = splitProblem(m, s);
  if (problem) return { split: s, ...problem };
  const perShard = m.batch / (s.data * s.z); // sequences per data×depth shard
  const counts = engine.microBatches === 'auto' ? divisors(perShard) : [engine.microBatches];
  if (perShard % counts[0]! !== 0) return { split: s, reason: 'batch', detail: `engine.microBatches ${counts[0]} does not divide the ${perShard} sequences per data×depth shard` };
  const modes = engine.checkpointing === 'auto' ? [false, true] : [engine.checkpointing === 'always'];
  let best: Evaluation | undefined;
  let last: MemoryBreakdown | undefined;
  for (const ckpt of modes) {
    for (const k of counts) {
      const memory = memoryFor(inputs, s, ckpt, k);
      last = memory;
      if (memory.total > memory.capacity) continue;
      const ev = timeSplit(inputs, s, ckpt, k, memory);
      if (!best || ev.stepSeconds < best.stepSeconds) best = ev;
      break;
    }
  }
  if (best) return best;
  const need = (x: number) => `${(x / GIB).toFixed(1)} GiB`;
  const k = counts.at(-1)!;
  return { split: s, reason: 'memory', detail: `needs ${need(last!.total)} per GPU${modes.at(-1) ? ' with checkpointing' : ''}${k > 1 ? ` and ${k} micro-batches` : ''}, ${need(last!.capacity)} usable` };
}

export function isDropped(r: Evaluation | Dropped): r is Dropped {
  return 'reason' in r;
}

/** The per-collective totals of an evaluation: one row per (collective, group), summed over layers and phases. */
export function collectiveTotals(ev: Evaluation): { collective: CollectiveName; label: string; group: Dim; groupSize: number; where: Placement['where']; bandwidthGBs: number; calls: number; bytes: number; seconds: number }[] {
  const rows = new Map<string, ReturnType<typeof collectiveTotals>[number]>();
  for (const l of ev.layers) {
    for (const c of l.collectives) {
      const key = `${c.collective}:${c.group}`;
      const row = rows.get(key) ?? { collective: c.collective, label: COLLECTIVES[c.collective].label, group: c.group, groupSize: c.groupSize, where: c.where, bandwidthGBs: c.bandwidthGBs, calls: 0, bytes: 0, seconds: 0 };
      row.calls += c.calls;
      row.bytes += c.calls * c.bytesPerCall;
      row.seconds += c.seconds;
      rows.set(key, row);
    }
  }
  const order = Object.keys(COLLECTIVES);
  return [...rows.values()].sort((a, b) => order.indexOf(a.collective) - order.indexOf(b.collective) || a.group.localeCompare(b.group));
}
