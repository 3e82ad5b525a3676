// The betting pitfall (arXiv:2506.00723, pitfall 7): on a leaderboard, the prize goes to the
// forecaster who ranks first, not to the best expected Brier. When outcomes are correlated (one
// shared shock moves many questions), an extremized forecaster is either far ahead or far behind
// together on every question, and so ranks first more often than an honest one — while its
// expected Brier is worse. The simulation: each question has a true probability p_j; outcomes
// are drawn through a one-factor Gaussian copula (correlation ρ, marginals exactly p_j); every
// forecaster sees p_j through the same amount of logit noise; one of them reports
// σ(γ·logit(estimate)). For each γ: expected Brier and the chance of ranking first (ties split).
import { UsageError } from '../errors.js';
import { rng } from '../eval/index.js';
import { brier } from './score.js';

export interface SimulationOptions {
  /** Questions per leaderboard (default 30). */
  questions?: number;
  /** Honest forecasters competing with the strategic one (default 9). */
  field?: number;
  /** Outcome correlation through the shared factor, in [0, 1) (default 0.5). */
  correlation?: number;
  /** Standard deviation of each forecaster's logit noise around p_j (default 0.3; 0: everyone knows p_j). */
  noise?: number;
  /** Extremizing factors γ of the strategic forecaster (γ = 1: honest). */
  gammas?: readonly number[];
  /** Leaderboards simulated per γ (default 2000). */
  trials?: number;
  /** True probabilities (default: drawn uniformly from [0.1, 0.9] per question, once). */
  probabilities?: readonly number[];
  seed?: number;
}

export interface SimulationRow {
  gamma: number;
  correlation: number;
  /** Mean Brier of the strategic forecaster, and of an honest one in the same field. */
  expectedBrier: number;
  honestBrier: number;
  /** Share of leaderboards the strategic forecaster tops (a tie for first counts 1/ties). */
  pFirst: number;
  /** What an honest forecaster's share would be if all were alike: 1/(field + 1). */
  fairShare: number;
}

const logit = (p: number): number => Math.log(p / (1 - p));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Φ⁻¹ by Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** Expected Brier and chance of ranking first of a strategic forecaster extremizing by each γ. */
export function simulateBetting(options: SimulationOptions = {}): SimulationRow[] {
  const { questions = 30, field = 9, correlation = 0.5, noise = 0.3, gammas = [1, 1.25, 1.5, 2, 3, 4], trials = 2000, seed = 0 } = options;
  if (!(correlation >= 0 && correlation < 1)) throw new UsageError(`forecast simulate: correlation ${correlation} is outside [0, 1)`, 'pass e.g. --correlation 0.5 (0: independent outcomes)');
  if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(field) || field < 0 || !(noise >= 0) || gammas.some((g) => !(g > 0))) throw new UsageError(`forecast simulate: trials ${trials}, field ${field}, noise ${noise} and gammas ${gammas.join(',')} must be a positive whole number, a whole number ≥ 0, ≥ 0 and > 0`, 'pass e.g. --trials 2000 --field 9 --noise 0.3 --gammas 1,1.5,2,3');
  if (options.probabilities?.some((p) => !(p > 0 && p < 1))) throw new UsageError('forecast simulate: every true probability must be strictly between 0 and 1', 'drop 0 and 1: they are not forecasts to extremize');
  const random = rng(seed);
  const normal = gaussian(random);
  const probs = options.probabilities ?? Array.from({ length: questions }, () => 0.1 + 0.8 * random());
  const n = probs.length;
  const thresholds = probs.map(normalQuantile);
  const rows: SimulationRow[] = [];
  for (const gamma of gammas) {
    let strategicSum = 0;
    let honestSum = 0;
    let first = 0;
    for (let t = 0; t < trials; t++) {
      const shared = normal();
      const outcomes = thresholds.map((th) => (Math.sqrt(correlation) * shared + Math.sqrt(1 - correlation) * normal() < th ? 1 : 0));
      const scores: number[] = [];
      for (let f = 0; f <= field; f++) {
        let s = 0;
        for (let j = 0; j < n; j++) {
          const seen = logit(probs[j]!) + (noise > 0 ? noise * normal() : 0);
          s += brier(sigmoid((f === 0 ? gamma : 1) * seen), outcomes[j]!);
        }
        scores.push(s / n);
      }
      strategicSum += scores[0]!;
      honestSum += field > 0 ? scores.slice(1).reduce((a, b) => a + b, 0) / field : Number.NaN;
      const best = Math.min(...scores);
      if (scores[0]! === best) first += 1 / scores.filter((x) => x === best).length;
    }
    rows.push({ gamma, correlation, expectedBrier: strategicSum / trials, honestBrier: honestSum / trials, pFirst: first / trials, fairShare: 1 / (field + 1) });
  }
  return rows;
}
