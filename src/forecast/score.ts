// Proper scoring of probability forecasts, aggregated the way ForecastBench does (Karger et al.,
// arXiv:2409.19839, and its 2025 leaderboard method): the Brier score of each (question,
// resolution date); averaged over a question's resolution dates; averaged over dataset questions
// and over market questions; the two averages weighted equally. Around it: the log score, Brier
// skill against always-0.5 and against the crowd at freeze (edge over the crowd), the Brier Index
// (1 − √Brier)·100, calibration (ECE, reliability bins), bootstrap CIs over questions (eval's
// bootstrap), and breakdowns per source and per backtest period.
import { bootstrap, type Interval } from '../eval/index.js';
import { calibrationBins, expectedCalibrationError, type CalibrationBin } from '../report/index.js';
import { outcomeKey, questionKey, type Forecast, type ForecastSet, type Question, type QuestionKind, type Resolution } from './schema.js';

/** The log score clamps probabilities to this range (a forecast of exactly 0 or 1 would score −∞); Brier uses them as given. */
export const LOG_CLAMP: readonly [number, number] = [0.001, 0.999];

export const brier = (p: number, outcome: number): number => (p - outcome) ** 2;

/** ln of the probability given to what happened (a fractional outcome weighs both sides); higher is better, ≤ 0. */
export function logScore(p: number, outcome: number): number {
  const c = Math.min(LOG_CLAMP[1], Math.max(LOG_CLAMP[0], p));
  return outcome * Math.log(c) + (1 - outcome) * Math.log(1 - c);
}

/** (1 − √Brier)·100: 100 is perfect foresight, 50 always saying 50%, 0 always certain and wrong. */
export const brierIndex = (b: number): number => (1 - Math.sqrt(Math.min(1, Math.max(0, b)))) * 100;

export interface ScoreOptions {
  /** Unresolved market questions: score against the market value on the resolution date (ForecastBench's choice) or leave them out. */
  unresolved?: 'market-value' | 'drop';
  /** Resolutions with no forecast: leave them out (default), or score a 0.5 in their place. */
  missing?: 'drop' | 'half';
  /** Bootstrap resamples and seed for the CIs. */
  resamples?: number;
  seed?: number;
  /** Reliability bins. */
  bins?: number;
}

/** One scored (question, resolution date). */
export interface ScoredOutcome {
  question: Question;
  resolutionDate: string;
  probability: number;
  outcome: number;
  resolved: boolean;
  imputed: boolean;
  brier: number;
  log: number;
}

/** A question's scores, averaged over its resolution dates. */
export interface QuestionScore {
  question: Question;
  outcomes: number;
  brier: number;
  log: number;
  /** The crowd at freeze and always-0.5 scored on the same outcomes (crowd: market questions with a crowd value). */
  crowdBrier: number | null;
  halfBrier: number;
}

export interface GroupScore {
  group: string;
  questions: number;
  brier: number;
  ci: Interval | null;
  brierIndex: number;
}

export interface ForecasterScore {
  forecaster: string;
  outcomes: number;
  questions: number;
  /** Mean over dataset questions, over market questions (null when there are none), and their equal-weight mean. */
  dataset: number | null;
  market: number | null;
  overall: number;
  overallCi: Interval | null;
  brierIndex: number;
  log: number;
  /** 1 − Brier/Brier(always 0.5), aggregated the same way. */
  skillVsHalf: number;
  /** On market questions with a crowd value: crowd Brier − ours (> 0: better than the crowd), and 1 − ours/crowd. */
  edgeOverCrowd: number | null;
  skillVsCrowd: number | null;
  crowdQuestions: number;
  ece: number | null;
  bins: CalibrationBin[] | null;
  /** Outcomes left out of ECE because they are market values, not 0/1. */
  fractionalOutcomes: number;
  bySource: GroupScore[];
  byPeriod: GroupScore[];
  perQuestion: QuestionScore[];
  imputed: number;
  unmatchedForecasts: number;
  droppedUnresolved: number;
  missing: number;
}

/** Pairs a forecaster's forecasts with the resolutions: a market forecast without a date covers every resolution date of its question. */
export function matchOutcomes(questions: readonly Question[], resolutions: readonly Resolution[], forecasts: readonly Forecast[], options: ScoreOptions = {}): { scored: ScoredOutcome[]; unmatchedForecasts: number; droppedUnresolved: number; missing: number } {
  const byQuestion = new Map(questions.map((q) => [questionKey(q), q]));
  const exact = new Map<string, Forecast>();
  const undated = new Map<string, Forecast>();
  for (const f of forecasts) (f.resolutionDate === null ? undated : exact).set(f.resolutionDate === null ? outcomeKey(f, '*') : outcomeKey(f, f.resolutionDate), f);
  const anyDate = new Map<string, Forecast>();
  for (const f of forecasts) if (!anyDate.has(questionKey(f))) anyDate.set(questionKey(f), f);
  const used = new Set<Forecast>();
  const scored: ScoredOutcome[] = [];
  let droppedUnresolved = 0;
  let missing = 0;
  for (const r of resolutions) {
    const question = byQuestion.get(questionKey(r));
    if (!question) continue;
    if (!r.resolved && (question.kind === 'dataset' || options.unresolved === 'drop')) { droppedUnresolved++; continue; }
    // A market question resolves once, so a forecast of it matches whatever date it carries.
    const f = exact.get(outcomeKey(r, r.resolutionDate)) ?? undated.get(outcomeKey(r, '*')) ?? (question.kind === 'market' ? anyDate.get(questionKey(r)) : undefined);
    if (!f && options.missing !== 'half') { missing++; continue; }
    if (f) used.add(f);
    const p = f ? f.probability : 0.5;
    scored.push({ question, resolutionDate: r.resolutionDate, probability: p, outcome: r.value, resolved: r.resolved, imputed: !f, brier: brier(p, r.value), log: logScore(p, r.value) });
    if (!f) missing++;
  }
  return { scored, unmatchedForecasts: forecasts.filter((f) => !used.has(f)).length, droppedUnresolved, missing };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function perQuestion(scored: readonly ScoredOutcome[]): QuestionScore[] {
  const groups = new Map<string, ScoredOutcome[]>();
  for (const s of scored) {
    const k = questionKey(s.question);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(s);
  }
  return [...groups.values()].map((rows) => {
    const q = rows[0]!.question;
    return {
      question: q, outcomes: rows.length,
      brier: mean(rows.map((r) => r.brier)), log: mean(rows.map((r) => r.log)),
      crowdBrier: q.kind === 'market' && q.crowd !== null ? mean(rows.map((r) => brier(q.crowd!, r.outcome))) : null,
      halfBrier: mean(rows.map((r) => brier(0.5, r.outcome))),
    };
  });
}

/** ForecastBench's aggregate of per-question values: dataset and market means weighted equally (one kind alone: its mean). */
export function equalWeight(values: readonly { kind: QuestionKind; value: number }[]): { dataset: number | null; market: number | null; overall: number } {
  const d = values.filter((v) => v.kind === 'dataset').map((v) => v.value);
  const m = values.filter((v) => v.kind === 'market').map((v) => v.value);
  const dataset = d.length ? mean(d) : null;
  const market = m.length ? mean(m) : null;
  const overall = dataset !== null && market !== null ? (dataset + market) / 2 : (dataset ?? market ?? Number.NaN);
  return { dataset, market, overall };
}

function groupScores(qs: readonly QuestionScore[], by: (q: Question) => string, options: ScoreOptions): GroupScore[] {
  const groups = new Map<string, QuestionScore[]>();
  for (const q of qs) {
    const g = by(q.question);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(q);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([group, rows]) => {
    const b = mean(rows.map((r) => r.brier));
    return { group, questions: rows.length, brier: b, brierIndex: brierIndex(b), ci: bootstrap(rows.length, (idx) => mean([...idx].map((i) => rows[i]!.brier)), { resamples: options.resamples ?? 1000, seed: options.seed ?? 0 }) };
  });
}

/** Scores one forecaster against the resolutions. */
export function scoreForecaster(questions: readonly Question[], resolutions: readonly Resolution[], set: ForecastSet, options: ScoreOptions = {}): ForecasterScore {
  const m = matchOutcomes(questions, resolutions, set.forecasts, options);
  const qs = perQuestion(m.scored);
  const agg = equalWeight(qs.map((q) => ({ kind: q.question.kind, value: q.brier })));
  const half = equalWeight(qs.map((q) => ({ kind: q.question.kind, value: q.halfBrier }))).overall;
  const withCrowd = qs.filter((q) => q.crowdBrier !== null);
  const ours = withCrowd.length ? mean(withCrowd.map((q) => q.brier)) : null;
  const crowd = withCrowd.length ? mean(withCrowd.map((q) => q.crowdBrier!)) : null;
  const binary = m.scored.filter((s) => s.outcome === 0 || s.outcome === 1);
  const bins = binary.length ? calibrationBins(binary.map((s) => s.probability), binary.map((s) => s.outcome), options.bins ?? 10) : null;
  const overallCi = bootstrap(qs.length, (idx) => {
    const r = equalWeight([...idx].map((i) => ({ kind: qs[i]!.question.kind, value: qs[i]!.brier }))).overall;
    return Number.isFinite(r) ? r : null;
  }, { resamples: options.resamples ?? 1000, seed: options.seed ?? 0 });
  return {
    forecaster: set.forecaster, outcomes: m.scored.length, questions: qs.length,
    dataset: agg.dataset, market: agg.market, overall: agg.overall, overallCi, brierIndex: brierIndex(agg.overall),
    log: equalWeight(qs.map((q) => ({ kind: q.question.kind, value: q.log }))).overall,
    skillVsHalf: 1 - agg.overall / half,
    edgeOverCrowd: ours !== null && crowd !== null ? crowd - ours : null,
    skillVsCrowd: ours !== null && crowd !== null && crowd > 0 ? 1 - ours / crowd : null,
    crowdQuestions: withCrowd.length,
    ece: bins ? expectedCalibrationError(bins) : null, bins, fractionalOutcomes: m.scored.length - binary.length,
    bySource: groupScores(qs, (q) => q.source, options), byPeriod: groupScores(qs, (q) => q.period, options),
    perQuestion: qs, imputed: m.scored.filter((s) => s.imputed).length,
    unmatchedForecasts: m.unmatchedForecasts, droppedUnresolved: m.droppedUnresolved, missing: m.missing,
  };
}
