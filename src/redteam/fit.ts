// The capability-gap scaling law of red-teaming (arXiv:2505.20162, shared/papers/05): for each
// target, logit(ASR) = w·δ + b with w ≥ 0 fitted by least squares on attacker–target pairs,
// where δ is the attacker–target capability gap. ASR is clipped to [0.01, 0.99] before the logit
// (so a pair at 0 or 1 stays finite), and each pair keeps its best ASR over attacks. Intervals are
// percentile bootstraps over pairs, by the evaluation layer's `bootstrap`.
import { UsageError } from '../errors.js';
import { bootstrap, type Interval } from '../eval/stats.js';

export type GapKind = 'logit' | 'log' | 'abs';
export const GAP_KINDS: readonly GapKind[] = ['logit', 'log', 'abs'];

/** The paper's clip of ASR before the logit. */
export const ASR_CLIP = [0.01, 0.99] as const;

export const logit = (p: number): number => Math.log(p / (1 - p));
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const clip = (p: number): number => Math.min(ASR_CLIP[1], Math.max(ASR_CLIP[0], p));

/** One attacker–target–attack result: its ASR and both capabilities (e.g. MMLU-Pro accuracy). */
export interface PairResult {
  attacker: string;
  target: string;
  attack?: string;
  asr: number;
  attackerCapability: number;
  targetCapability: number;
}

/** δ between an attacker's and a target's capability; throws for capabilities the gap cannot take. */
export function capabilityGap(kind: GapKind, attacker: number, target: number): number {
  const check = (name: string, c: number): void => {
    const ok = kind === 'logit' ? c > 0 && c < 1 : kind === 'log' ? c > 0 : Number.isFinite(c);
    if (!Number.isFinite(c) || !ok) {
      throw new UsageError(`redteam fit: ${name} capability ${c} is outside the domain of the ${kind} gap`, kind === 'logit' ? 'logit needs capabilities strictly between 0 and 1 (accuracies); or pass --gap abs' : 'log needs positive capabilities; or pass --gap abs');
    }
  };
  check('attacker', attacker);
  check('target', target);
  if (kind === 'logit') return logit(attacker) - logit(target);
  if (kind === 'log') return Math.log(attacker) - Math.log(target);
  return attacker - target;
}

export interface Line { slope: number; intercept: number; r2: number | null }

/**
 * Least squares of y on x with the slope constrained to w ≥ 0. The objective is convex in (w, b),
 * so when the free slope is negative the constrained optimum lies on w = 0, where b = mean(y).
 * R² is 1 − SS_res/SS_tot (null when every y is equal).
 */
export function nonNegativeLeastSquares(x: readonly number[], y: readonly number[]): Line {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]!; my += y[i]!; }
  mx /= n; my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  const slope = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  const intercept = my - slope * mx;
  let ssRes = 0;
  for (let i = 0; i < n; i++) ssRes += (y[i]! - (slope * x[i]! + intercept)) ** 2;
  return { slope, intercept, r2: syy > 0 ? 1 - ssRes / syy : null };
}

export interface TargetLaw {
  target: string;
  targetCapability: number;
  gap: GapKind;
  /** Attacker–target pairs fitted (best ASR over attacks each). */
  pairs: { attacker: string; gap: number; asr: number; y: number }[];
  slope: number;
  intercept: number;
  /** Gap at which the predicted ASR is 0.5: −b/w (null when w = 0). */
  midpoint: number | null;
  r2: number | null;
  slopeCi: Interval | null;
  interceptCi: Interval | null;
  midpointCi: Interval | null;
}

export interface FitOptions {
  gap?: GapKind;
  /** Bootstrap resamples over pairs (default 1,000). */
  resamples?: number;
  level?: number;
  seed?: number;
}

/** Keeps the best ASR over attacks for each (attacker, target) pair, as the paper does. */
export function bestOverAttacks(results: readonly PairResult[]): PairResult[] {
  const best = new Map<string, PairResult>();
  for (const r of results) {
    if (!Number.isFinite(r.asr) || r.asr < 0 || r.asr > 1) throw new UsageError(`redteam fit: ASR ${r.asr} of ${r.attacker} → ${r.target} is not in [0, 1]`, 'give ASR as a fraction of behaviors broken');
    const key = JSON.stringify([r.attacker, r.target]);
    const seen = best.get(key);
    if (!seen || r.asr > seen.asr) best.set(key, r);
  }
  return [...best.values()];
}

function fitPoints(x: readonly number[], y: readonly number[], idx?: Uint32Array): Line {
  if (!idx) return nonNegativeLeastSquares(x, y);
  const xs: number[] = [], ys: number[] = [];
  for (const i of idx) { xs.push(x[i]!); ys.push(y[i]!); }
  return nonNegativeLeastSquares(xs, ys);
}

/** One law per target. A target with fewer than 3 attackers is an error (no line, no interval). */
export function fitScalingLaws(results: readonly PairResult[], options: FitOptions = {}): TargetLaw[] {
  const { gap = 'logit', resamples = 1000, level = 0.95, seed = 0 } = options;
  const byTarget = new Map<string, PairResult[]>();
  for (const r of bestOverAttacks(results)) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  if (byTarget.size === 0) throw new UsageError('redteam fit: no results to fit', 'pass a results file with attacker, target, asr and capabilities');
  const laws: TargetLaw[] = [];
  for (const [target, rows] of byTarget) {
    if (rows.length < 3) throw new UsageError(`redteam fit: target "${target}" has ${rows.length} attacker(s); a law needs at least 3`, 'attack this target with more attackers, or leave it out of the results file');
    const caps = new Set(rows.map((r) => r.targetCapability));
    if (caps.size > 1) throw new UsageError(`redteam fit: target "${target}" has ${caps.size} different capabilities in the results`, 'give each target one capability');
    const pairs = rows.map((r) => {
      const d = capabilityGap(gap, r.attackerCapability, r.targetCapability);
      return { attacker: r.attacker, gap: d, asr: r.asr, y: logit(clip(r.asr)) };
    });
    const x = pairs.map((p) => p.gap), y = pairs.map((p) => p.y);
    const line = fitPoints(x, y);
    const opts = { resamples, level, seed };
    const midpointOf = (l: Line): number | null => (l.slope > 0 ? -l.intercept / l.slope : null);
    laws.push({
      target, targetCapability: rows[0]!.targetCapability, gap, pairs,
      slope: line.slope, intercept: line.intercept, midpoint: midpointOf(line), r2: line.r2,
      // Same seed, same resamples: the three intervals come from one set of bootstrap fits.
      slopeCi: bootstrap(x.length, (idx) => fitPoints(x, y, idx).slope, opts),
      interceptCi: bootstrap(x.length, (idx) => fitPoints(x, y, idx).intercept, opts),
      midpointCi: bootstrap(x.length, (idx) => midpointOf(fitPoints(x, y, idx)), opts),
    });
  }
  return laws.sort((a, b) => a.targetCapability - b.targetCapability);
}

export interface Prediction { target: string; attackerCapability: number; gap: number; asr: number; ci: Interval | null }

/** Predicted ASR of an attacker of capability `attackerCapability` against a fitted target, with a bootstrap band. */
export function predictAsr(law: TargetLaw, attackerCapability: number, options: FitOptions = {}): Prediction {
  const { resamples = 1000, level = 0.95, seed = 0 } = options;
  const d = capabilityGap(law.gap, attackerCapability, law.targetCapability);
  const x = law.pairs.map((p) => p.gap), y = law.pairs.map((p) => p.y);
  const at = (l: Line): number => sigmoid(l.slope * d + l.intercept);
  return { target: law.target, attackerCapability, gap: d, asr: sigmoid(law.slope * d + law.intercept), ci: bootstrap(x.length, (idx) => at(fitPoints(x, y, idx)), { resamples, level, seed }) };
}

/** The law's curve over `gaps` with its pointwise bootstrap band, for plots. */
export function lawCurve(law: TargetLaw, gaps: readonly number[], options: FitOptions = {}): { gap: number; asr: number; low: number; high: number }[] {
  const { resamples = 1000, level = 0.95, seed = 0 } = options;
  const x = law.pairs.map((p) => p.gap), y = law.pairs.map((p) => p.y);
  return gaps.map((g) => {
    const ci = bootstrap(x.length, (idx) => { const l = fitPoints(x, y, idx); return sigmoid(l.slope * g + l.intercept); }, { resamples, level, seed });
    const asr = sigmoid(law.slope * g + law.intercept);
    return { gap: g, asr, low: ci?.low ?? asr, high: ci?.high ?? asr };
  });
}
