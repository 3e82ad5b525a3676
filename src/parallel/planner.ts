// The planner: enumerate every factorization G = G_data × G_x × G_y × G_z (powers of two by
// default, any factors when asked), evaluate each with the performance model, drop those that
// cannot run or do not fit (counted by reason), and rank the rest by predicted step time
// (shared/papers/08-axonn.md, "Ranking").
import { z } from 'zod';
import { parseConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { Split } from './collectives.js';
import { evaluateSplit, isDropped, splitProblem, type DropReason, type Dropped, type Evaluation } from './model.js';
import { clusterSchema, divisors, engineSchema, listChoices, modelShapeSchema, type Cluster, type Engine, type ModelShape } from './shape.js';

/** Everything the planner reads, validated together so errors name `model.…`, `cluster.…` or `engine.…`. */
export const planInputSchema = z.strictObject({
  model: modelShapeSchema,
  cluster: clusterSchema,
  engine: engineSchema.prefault({}),
});
export type PlanInput = z.output<typeof planInputSchema>;

/** Validates raw plan inputs (a ConfigError names the field and the valid values). */
export function parsePlanInput(raw: unknown, source = 'plan'): PlanInput {
  return parseConfig(planInputSchema, raw, source);
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** All ordered factorizations of `gpus` into (data, x, y, z); powers of two only unless `anyFactors`. */
export function factorizations(gpus: number, anyFactors = false): Split[] {
  const ds = divisors(gpus).filter((d) => anyFactors || isPowerOfTwo(d));
  const out: Split[] = [];
  for (const data of ds) {
    if (gpus % data !== 0) continue;
    const r1 = gpus / data;
    for (const x of ds) {
      if (r1 % x !== 0) continue;
      const r2 = r1 / x;
      for (const y of ds) {
        if (r2 % y !== 0) continue;
        const zz = r2 / y;
        if (anyFactors || isPowerOfTwo(zz)) out.push({ data, x, y, z: zz });
      }
    }
  }
  return out;
}

export interface DropSummary {
  reason: DropReason;
  count: number;
  /** One dropped configuration's explanation, as an example. */
  example: string;
}

export interface PlanResult {
  model: ModelShape;
  cluster: Cluster;
  engine: Engine;
  anyFactors: boolean;
  /** Factorizations enumerated. */
  enumerated: number;
  /** Every configuration that runs and fits, fastest first. */
  ranked: Evaluation[];
  dropped: DropSummary[];
}

const splitKey = (s: Split) => [s.data, s.x, s.y, s.z];

/** Fastest first; ties broken by lower memory, then by (data, x, y, z) so the order is stable. */
function compare(a: Evaluation, b: Evaluation): number {
  if (a.stepSeconds !== b.stepSeconds) return a.stepSeconds - b.stepSeconds;
  if (a.memory.total !== b.memory.total) return a.memory.total - b.memory.total;
  const ka = splitKey(a.split);
  const kb = splitKey(b.split);
  for (let i = 0; i < 4; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
  return 0;
}

/** Ranks every factorization of the cluster's GPUs for the model. */
export function plan(input: PlanInput, options: { anyFactors?: boolean } = {}): PlanResult {
  const anyFactors = options.anyFactors ?? false;
  const G = input.cluster.gpus;
  if (!anyFactors && !isPowerOfTwo(G)) {
    const lo = 2 ** Math.floor(Math.log2(G));
    throw new ConfigError(`plan: cluster.gpus ${G} is not a power of two, so it has no power-of-two factorization (nearest: ${lo}, ${lo * 2})`, 'pass --any-factors to enumerate every factorization, or a power-of-two --gpus');
  }
  const splits = factorizations(G, anyFactors);
  const ranked: Evaluation[] = [];
  const drops = new Map<DropReason, DropSummary>();
  for (const s of splits) {
    const r = evaluateSplit(input, s);
    if (isDropped(r)) {
      const d = drops.get(r.reason);
      if (d) d.count++;
      else drops.set(r.reason, { reason: r.reason, count: 1, example: `${splitLabel(r.split)}: ${r.detail}` });
    } else ranked.push(r);
  }
  ranked.sort(compare);
  return { model: input.model, cluster: input.cluster, engine: input.engine, anyFactors, enumerated: splits.length, ranked, dropped: [...drops.values()].sort((a, b) => b.count - a.count) };
}

export function splitLabel(s: Split): string {
  return `data=${s.data} x=${s.x} y=${s.y} z=${s.z}`;
}

/**
 * Evaluates one user-chosen split. Unlike the planner, which drops splits that cannot run, a
 * chosen split that does not divide the shape or the GPUs is an error naming the split and its
 * valid values; one that does not fit is returned as Dropped.
 */
export function evaluateChosen(input: PlanInput, s: Split): Evaluation | Dropped {
  const G = input.cluster.gpus;
  for (const [k, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`plan: split ${k}=${v} must be a positive whole number`, `valid values divide cluster.gpus ${G}: ${listChoices(divisors(G))}`);
  }
  const product = s.data * s.x * s.y * s.z;
  if (product !== G) {
    throw new ConfigError(`plan: split ${splitLabel(s)} uses ${product} GPUs, but cluster.gpus is ${G}`, `choose sizes whose product is ${G} (each one of ${listChoices(divisors(G))})`);
  }
  const m = input.model;
  const kv = m.kvHeads ?? m.heads;
  const problem = splitProblem(m, s);
  if (problem) {
    const choices = (field: string, n: number) => `valid G_${field} for this model: ${listChoices(divisors(n).filter((d) => G % d === 0))}`;
    // G_y must divide hidden, heads, kvHeads and ffn at once; G_x only hidden.
    const yChoices = choices('y', gcd(gcd(m.hidden, m.ffn), gcd(m.heads, kv)));
    const hint: Record<string, string> = {
      hidden: m.hidden % s.x !== 0 ? choices('x', m.hidden) : yChoices,
      heads: yChoices,
      ffn: yChoices,
      batch: `G_data×G_z must divide model.batch ${m.batch}: ${listChoices(divisors(m.batch).filter((d) => G % d === 0))}`,
    };
    throw new ConfigError(`plan: split ${splitLabel(s)}: ${problem.detail}`, hint[problem.reason] ?? 'choose another split');
  }
  return evaluateSplit(input, s);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
