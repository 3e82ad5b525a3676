// ForecastBench's difficulty adjustment (leaderboard method, 2025 addendum to arXiv:2409.19839):
// a two-way fixed-effects model of per-question Brier scores, brier_ij = a_i + b_j + u_ij, with a
// forecaster effect a_i and a question effect b_j, fitted by least squares over whichever
// (forecaster, question) pairs exist. Forecasters who answered different (easier or harder)
// questions become comparable. The fit is separate for dataset and market questions, as on the
// leaderboard; each forecaster's adjusted Brier is then rescaled onto the Brier scale as
// a_i + mean_j b_j — the Brier it is expected to score on the panel's average question (for a
// complete panel this is its plain mean) — the two kinds are averaged with equal weight, and the
// Brier Index (1 − √·)·100 is taken of that.
import { brierIndex, equalWeight, type ForecasterScore } from './score.js';
import { questionKey, type QuestionKind } from './schema.js';

export interface PanelCell { forecaster: string; question: string; value: number }

export interface FixedEffects {
  forecaster: Map<string, number>;
  question: Map<string, number>;
  /** Sweeps until the largest change fell below the tolerance. */
  iterations: number;
  converged: boolean;
}

/**
 * Least-squares two-way fixed effects by alternating projections (Gauss–Seidel on the normal
 * equations): a_i = mean_j(y_ij − b_j), b_j = mean_i(y_ij − a_i), with mean_j b_j = 0 as the
 * normalisation. Converges to the least-squares fit on any connected panel.
 */
export function fitFixedEffects(cells: readonly PanelCell[], options: { tolerance?: number; maxIterations?: number } = {}): FixedEffects {
  const { tolerance = 1e-12, maxIterations = 10_000 } = options;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  for (const c of cells) { a.set(c.forecaster, 0); b.set(c.question, 0); }
  const byF = new Map<string, PanelCell[]>();
  const byQ = new Map<string, PanelCell[]>();
  for (const c of cells) {
    (byF.get(c.forecaster) ?? byF.set(c.forecaster, []).get(c.forecaster)!).push(c);
    (byQ.get(c.question) ?? byQ.set(c.question, []).get(c.question)!).push(c);
  }
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    let delta = 0;
    for (const [f, cs] of byF) {
      const next = cs.reduce((s, c) => s + c.value - b.get(c.question)!, 0) / cs.length;
      delta = Math.max(delta, Math.abs(next - a.get(f)!));
      a.set(f, next);
    }
    for (const [q, cs] of byQ) {
      const next = cs.reduce((s, c) => s + c.value - a.get(c.forecaster)!, 0) / cs.length;
      delta = Math.max(delta, Math.abs(next - b.get(q)!));
      b.set(q, next);
    }
    // Move the mean question effect into the forecaster effects: the fit is unchanged.
    const shift = [...b.values()].reduce((s, v) => s + v, 0) / Math.max(1, b.size);
    for (const [q, v] of b) b.set(q, v - shift);
    for (const [f, v] of a) a.set(f, v + shift);
    if (delta < tolerance) { converged = true; break; }
  }
  return { forecaster: a, question: b, iterations, converged };
}

export interface AdjustedScore {
  forecaster: string;
  dataset: number | null;
  market: number | null;
  /** Equal-weight mean of the adjusted dataset and market Brier scores. */
  overall: number;
  brierIndex: number;
}

/** Difficulty-adjusted Brier scores of several forecasters scored on the same question set. */
export function difficultyAdjusted(scores: readonly ForecasterScore[]): { adjusted: AdjustedScore[]; converged: boolean } {
  const perKind: Record<QuestionKind, Map<string, number>> = { dataset: new Map(), market: new Map() };
  let converged = true;
  for (const kind of ['dataset', 'market'] as const) {
    const cells = scores.flatMap((s) => s.perQuestion.filter((q) => q.question.kind === kind).map((q) => ({ forecaster: s.forecaster, question: questionKey(q.question), value: q.brier })));
    if (!cells.length) continue;
    const fit = fitFixedEffects(cells);
    converged &&= fit.converged;
    // a_i + mean_j b_j; the fit keeps mean_j b_j = 0, so this is a_i.
    for (const [f, v] of fit.forecaster) perKind[kind].set(f, v);
  }
  const adjusted = scores.map((s) => {
    const values = (['dataset', 'market'] as const).flatMap((kind) => (perKind[kind].has(s.forecaster) ? [{ kind, value: perKind[kind].get(s.forecaster)! }] : []));
    const agg = equalWeight(values);
    return { forecaster: s.forecaster, dataset: agg.dataset, market: agg.market, overall: agg.overall, brierIndex: brierIndex(agg.overall) };
  });
  return { adjusted, converged };
}
