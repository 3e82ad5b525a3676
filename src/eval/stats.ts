// Small statistics for evaluations: a seeded PRNG, percentile bootstrap confidence intervals
// over items (1,000 resamples by default, as in the answer-matching paper), and accuracy with
// errors, unparsed answers and refusals counted apart from wrong answers.
import type { StageStatus } from './types.js';

/** mulberry32: a tiny, fast, seeded PRNG with uniform [0, 1) output. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string, to derive per-item seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Interval { low: number; high: number; level: number; resamples: number }

/**
 * Percentile bootstrap over `n` items: `statistic(indices)` is computed on `resamples` resamples of
 * item indices drawn with replacement. Resamples where the statistic is undefined (null, e.g. a
 * resample of one class for κ) are skipped; with none defined the interval is null.
 */
export function bootstrap(n: number, statistic: (indices: Uint32Array) => number | null, options: { resamples?: number; level?: number; seed?: number } = {}): Interval | null {
  const { resamples = 1000, level = 0.95, seed = 0 } = options;
  if (n === 0) return null;
  const random = rng(seed);
  const idx = new Uint32Array(n);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(random() * n);
    const v = statistic(idx);
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  if (values.length === 0) return null;
  values.sort((x, y) => x - y);
  const alpha = (1 - level) / 2;
  return { low: quantile(values, alpha), high: quantile(values, 1 - alpha), level, resamples: values.length };
}

export interface AccuracySummary {
  items: number;
  /** Items with a verdict: the denominator of `accuracy`. */
  scored: number;
  correct: number;
  /** correct / scored; null when nothing was scored. */
  accuracy: number | null;
  ci: Interval | null;
  unparsed: number;
  refused: number;
  errors: number;
  /** Items never finished (no score stage). */
  pending: number;
}

/** Accuracy over items with a verdict; unparsed, refused and errored items are counted, never scored as wrong. */
export function accuracy(scores: readonly ({ status: StageStatus; value: number | null } | undefined)[], options: { seed?: number; resamples?: number } = {}): AccuracySummary {
  const values: number[] = [];
  let unparsed = 0, refused = 0, errors = 0, pending = 0;
  for (const s of scores) {
    if (!s) pending++;
    else if (s.status === 'ok' && s.value !== null) values.push(s.value);
    else if (s.status === 'unparsed') unparsed++;
    else if (s.status === 'refused') refused++;
    else errors++;
  }
  const correct = values.reduce((a, b) => a + b, 0);
  const mean = (idx: Uint32Array): number => {
    let sum = 0;
    for (const i of idx) sum += values[i]!;
    return sum / idx.length;
  };
  return {
    items: scores.length, scored: values.length, correct,
    accuracy: values.length ? correct / values.length : null,
    ci: bootstrap(values.length, mean, options),
    unparsed, refused, errors, pending,
  };
}
