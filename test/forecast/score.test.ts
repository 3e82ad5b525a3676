// Brier, log score, ForecastBench aggregation, skill scores, Brier Index, ECE and the two-way
// fixed-effects difficulty adjustment, each against values computed by hand (arithmetic inline).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { difficultyAdjusted, fitFixedEffects } from '../../src/forecast/difficulty.js';
import { readForecasts, readQuestions, readResolutions } from '../../src/forecast/import.js';
import type { Forecast, ForecastSet, Question } from '../../src/forecast/schema.js';
import { brier, brierIndex, logScore, scoreForecaster } from '../../src/forecast/score.js';

const FIX = new URL('../fixtures/forecast/', import.meta.url).pathname;
const questions = readQuestions(join(FIX, 'questions.json')).rows;
const resolutions = readResolutions(join(FIX, 'resolutions.json')).rows;
const setA = readForecasts(join(FIX, 'forecasts.json'));
const close = (actual: number | null, expected: number, eps = 1e-9) => assert.ok(actual !== null && Math.abs(actual - expected) < eps, `${actual} ≠ ${expected}`);

describe('forecast scoring', () => {
  it('Brier and log score per forecast; the log score clamps to [0.001, 0.999], Brier does not', () => {
    close(brier(0.9, 1), 0.01);
    close(brier(0.3, 0), 0.09);
    close(logScore(0.9, 1), Math.log(0.9));
    close(logScore(0.2, 0), Math.log(0.8));
    close(logScore(1, 0), Math.log(0.001)); // clamped: ln(1 − 0.999)
    close(logScore(0, 0), Math.log(0.999));
    close(brier(1, 0), 1);
    close(logScore(0.5, 0.25), 0.25 * Math.log(0.5) + 0.75 * Math.log(0.5)); // fractional outcome (market value)
  });

  it('aggregates the ForecastBench way and matches hand-computed values', () => {
    const s = scoreForecaster(questions, resolutions, setA, { resamples: 200 });
    // market: m1 (0.9−1)² = 0.01; 0xabc (0.2−0)² = 0.04 → market mean 0.025
    // dataset: DGS10 ((0.6−1)² + (0.5−0)²)/2 = (0.16 + 0.25)/2 = 0.205; ACME (0.01 + 0.09)/2 = 0.05 → 0.1275
    // overall = (0.025 + 0.1275)/2 = 0.07625
    close(s.market, 0.025);
    close(s.dataset, 0.1275);
    close(s.overall, 0.07625);
    assert.equal(s.outcomes, 6);
    assert.equal(s.questions, 4);
    // Brier Index = (1 − √0.07625)·100 = (1 − 0.2761340)·100 = 72.3866
    close(s.brierIndex, (1 - Math.sqrt(0.07625)) * 100);
    close(brierIndex(0.25), 50);
    close(brierIndex(0), 100);
    close(brierIndex(1), 0);
    // always-0.5 scores 0.25 on 0/1 outcomes → skill = 1 − 0.07625/0.25 = 0.695
    close(s.skillVsHalf, 0.695);
    // crowd at freeze: m1 (0.8−1)² = 0.04, 0xabc (0.3−0)² = 0.09 → 0.065; ours on those 0.025
    // edge = 0.065 − 0.025 = 0.04; skill = 1 − 0.025/0.065 = 0.6153846
    close(s.edgeOverCrowd, 0.04);
    close(s.skillVsCrowd, 1 - 0.025 / 0.065);
    assert.equal(s.crowdQuestions, 2);
    // log: market (ln .9 + ln .8)/2; dataset ((ln .6 + ln .5)/2 + (ln .9 + ln .7)/2)/2; overall: their mean
    const market = (Math.log(0.9) + Math.log(0.8)) / 2;
    const dataset = ((Math.log(0.6) + Math.log(0.5)) / 2 + (Math.log(0.9) + Math.log(0.7)) / 2) / 2;
    close(s.log, (market + dataset) / 2);
    // ECE, 10 bins, one forecast per bin: |.9−1| + |.2−0| + |.6−1| + |.5−0| + |.1−0| + |.3−0| = 1.6 → 1.6/6
    close(s.ece, 1.6 / 6);
    assert.deepEqual(s.bySource.map((g) => [g.group, Number(g.brier.toFixed(6))]), [['fred', 0.205], ['manifold', 0.01], ['polymarket', 0.04], ['yfinance', 0.05]]);
    assert.ok(s.overallCi && s.overallCi.low <= s.overall && s.overall <= s.overallCi.high);
    assert.equal(s.missing, 0);
    // A market forecast carrying a date (some forecast sets write the due date) still scores its question.
    const dated = { ...setA, forecasts: setA.forecasts.map((f) => (f.id === 'm1' ? { ...f, resolutionDate: '2025-01-20' } : f)) };
    close(scoreForecaster(questions, resolutions, dated, { resamples: 10 }).overall, 0.07625);
  });

  it('per-period breakdowns, missing forecasts dropped or scored as 0.5, unresolved markets by market value or dropped', () => {
    const q = readQuestions(join(FIX, 'questions.csv')).rows;
    const r = readResolutions(join(FIX, 'resolutions.csv')).rows;
    const f = readForecasts(join(FIX, 'forecasts.jsonl'));
    const s = scoreForecaster(q, r, f, { resamples: 50 });
    // q1 (0.7−1)² = 0.09 (market); q2 ((0.4−0)² + (0.45−1)²)/2 = (0.16 + 0.3025)/2 = 0.23125 (dataset) → 0.160625
    close(s.overall, (0.09 + 0.23125) / 2);
    assert.deepEqual(s.byPeriod.map((g) => g.group), ['2025-Q1']);
    const partial: ForecastSet = { forecaster: 'p', forecasts: f.forecasts.slice(0, 1) };
    const dropped = scoreForecaster(q, r, partial, { resamples: 10 });
    assert.equal(dropped.missing, 2);
    close(dropped.overall, 0.09);
    const half = scoreForecaster(q, r, partial, { missing: 'half', resamples: 10 });
    assert.equal(half.imputed, 2);
    close(half.overall, (0.09 + 0.25) / 2);
    const open = [{ ...r[0]!, resolved: false, value: 0.8 }, ...r.slice(1)];
    close(scoreForecaster(q, open, f, { resamples: 10 }).market, (0.7 - 0.8) ** 2);
    assert.equal(scoreForecaster(q, open, f, { unresolved: 'drop', resamples: 10 }).droppedUnresolved, 1);
  });

  it('fits brier_ij = a_i + b_j + u_ij exactly on an additive, unbalanced panel', () => {
    // a = (A .05, B .10, C .00), b = (q1 .1, q2 .2, q3 .3); A answers q1,q2; B q2,q3; C all three.
    // Raw means: A (.15+.25)/2 = .20, B (.30+.40)/2 = .35, C (.1+.2+.3)/3 = .20 — A and C tie.
    // Adjusted = a_i + mean(b) = a_i + .2: A .25, B .30, C .20 — C is better; A only had easy questions.
    const a = { A: 0.05, B: 0.1, C: 0 } as const;
    const b = { q1: 0.1, q2: 0.2, q3: 0.3 } as const;
    const pairs: [keyof typeof a, keyof typeof b][] = [['A', 'q1'], ['A', 'q2'], ['B', 'q2'], ['B', 'q3'], ['C', 'q1'], ['C', 'q2'], ['C', 'q3']];
    const fit = fitFixedEffects(pairs.map(([f, q]) => ({ forecaster: f, question: q, value: a[f] + b[q] })));
    assert.ok(fit.converged);
    close(fit.forecaster.get('A')!, 0.25, 1e-9);
    close(fit.forecaster.get('B')!, 0.3, 1e-9);
    close(fit.forecaster.get('C')!, 0.2, 1e-9);
    close(fit.question.get('q1')!, -0.1, 1e-9);
  });

  it('least squares with noise on a complete 2×2 panel: adjusted Brier equals each forecaster\'s mean', () => {
    // y = [[.1, .3], [.2, .6]]; for a complete panel the LS forecaster effect + mean question effect is the row mean: .2 and .4
    const fit = fitFixedEffects([
      { forecaster: 'X', question: 'a', value: 0.1 }, { forecaster: 'X', question: 'b', value: 0.3 },
      { forecaster: 'Y', question: 'a', value: 0.2 }, { forecaster: 'Y', question: 'b', value: 0.6 },
    ]);
    close(fit.forecaster.get('X')!, 0.2, 1e-9);
    close(fit.forecaster.get('Y')!, 0.4, 1e-9);
    // question effects: column means minus grand mean (.3): a .15 − .3 = −.15, b .45 − .3 = .15
    close(fit.question.get('a')!, -0.15, 1e-9);
  });

  it('difficulty-adjusted Brier Index per kind, equal weight, across forecasters on the fixture', () => {
    const half: ForecastSet = { forecaster: 'always-0.5', forecasts: questions.flatMap((q: Question): Forecast[] => (q.kind === 'market' ? [{ id: q.id, source: q.source, direction: null, resolutionDate: null, probability: 0.5 }] : q.resolutionDates.map((d) => ({ id: q.id, source: q.source, direction: null, resolutionDate: d, probability: 0.5 })))) };
    const scores = [scoreForecaster(questions, resolutions, setA, { resamples: 10 }), scoreForecaster(questions, resolutions, half, { resamples: 10 })];
    const { adjusted, converged } = difficultyAdjusted(scores);
    assert.ok(converged);
    // Complete panel: adjusted = raw per kind → A (0.025 + 0.1275)/2, always-0.5 0.25 → index 50
    close(adjusted[0]!.overall, 0.07625, 1e-9);
    close(adjusted[1]!.overall, 0.25, 1e-9);
    close(adjusted[1]!.brierIndex, 50, 1e-6);
  });
});
