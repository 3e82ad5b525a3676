// Synthetic forecasting sets for the reproduce experiment and tests, built in code so they are
// exact and need no data files:
//   plantedLeakSet   a clean half of distinct, well-behaved questions and a leaky half where each
//                    question carries one known pitfall — the audit must find every planted leak
//                    and raise nothing on the clean half;
//   syntheticBacktest  questions with known true probabilities, a crowd at freeze that is a noisy
//                    but calibrated view of them, outcomes drawn from the truth, and dataset
//                    questions resolving at several horizons — for baseline forecasters.
import { rng } from '../eval/index.js';
import type { QuestionContext } from './audit.js';
import { forecastMessages } from './runner.js';
import { questionKey, type Forecast, type ForecastSet, type Question, type Resolution } from './schema.js';

const FREEZE = '2025-03-01T00:00:00Z';
/** The stated knowledge cutoff the planted set is audited with; + 3 months = 2025-04-01. */
export const PLANTED_CUTOFF = '2025-01-01';

const CLEAN_TEXTS: [string, string][] = [
  ['metaculus', 'Will the Danube shipping authority publish new lock schedules before the summer season?'],
  ['infer', 'Will the national grid operator report a winter peak demand record this year?'],
  ['manifold', 'Will the open-source compiler project tag a stable release with the new borrow checker?'],
  ['polymarket', 'Will the central bank of Examplestan hold rates at its next scheduled meeting?'],
  ['metaculus', 'Will a crewed lunar flyby launch before the end of the calendar year?'],
  ['infer', 'Will the coastal desalination plant reach full operating capacity on schedule?'],
  ['manifold', 'Does the museum reopen its east wing to visitors before the autumn exhibitions?'],
  ['polymarket', 'Will the regional parliament approve the revised fisheries quota bill?'],
  ['metaculus', 'Will commercial fusion startups announce a net-energy pilot contract with a utility?'],
  ['infer', 'Will the railway union and operator sign a multi-year wage agreement?'],
];

/** What each leaky question plants, by the check that must find it. */
export const PLANTED_CHECKS = ['resolved-before-cutoff', 'resolved-before-freeze', 'early-closure', 'document-after-freeze', 'document-mentions-later-date', 'crowd-piggybacking', 'prompt-date-after-freeze', 'near-duplicate'] as const;

export interface PlantedSet {
  questions: Question[];
  resolutions: Resolution[];
  contexts: Map<string, QuestionContext>;
  /** question key → the check that must flag it; clean questions are absent. */
  planted: Map<string, string>;
  clean: Set<string>;
}

function market(id: string, source: string, text: string, crowd: number, close: string): Question {
  return { id, source, kind: 'market', text, background: '', resolutionCriteria: `Resolves Yes if the event described happens by ${close.slice(0, 10)}.`, url: null, openDate: '2024-10-01', closeDate: close, freezeDate: FREEZE, crowd, freezeValue: String(crowd), resolutionDates: [], period: '2025-03' };
}

const resolution = (q: Question, date: string, value: number): Resolution => ({ id: q.id, source: q.source, direction: null, resolutionDate: date, value, resolved: true });

export function plantedLeakSet(): PlantedSet {
  const questions: Question[] = [];
  const resolutions: Resolution[] = [];
  const contexts = new Map<string, QuestionContext>();
  const planted = new Map<string, string>();
  const clean = new Set<string>();
  const background = (i: number) => ({ id: `bg-${i}`, date: '2025-02-10', title: 'Background briefing', text: 'Officials said preparations continue and a decision is expected later; observers remain divided.' });
  CLEAN_TEXTS.forEach(([source, text], i) => {
    const q = market(`clean-${i + 1}`, source, text, 0.2 + 0.06 * i, '2025-09-30');
    questions.push(q);
    resolutions.push(resolution(q, '2025-09-30', i % 2));
    const docs = [background(i)];
    contexts.set(questionKey(q), { documents: docs, messages: forecastMessages(q, null, docs) });
    clean.add(questionKey(q));
  });
  const leak = (check: string, q: Question, resolvedOn: string, context?: Partial<QuestionContext>): void => {
    questions.push(q);
    resolutions.push(resolution(q, resolvedOn, 1));
    const docs = context?.documents ?? [background(100 + questions.length)];
    contexts.set(questionKey(q), { documents: docs, messages: context?.messages ?? forecastMessages(q, null, docs) });
    planted.set(questionKey(q), check);
  };
  // Resolved after freeze but inside cutoff + 3 months (2025-04-01), on its scheduled date.
  leak('resolved-before-cutoff', market('leak-cutoff', 'metaculus', 'Will the port authority finish dredging the northern channel?', 0.5, '2025-03-20'), '2025-03-20');
  // Already resolved when the question was frozen.
  leak('resolved-before-freeze', market('leak-known', 'infer', 'Will the ministry publish its white paper on water pricing?', 0.7, '2025-02-15'), '2025-02-15');
  // Resolved Yes months before the scheduled close: picked because it resolved.
  leak('early-closure', market('leak-early', 'manifold', 'Will the airline resume direct flights to the island before the season ends?', 0.4, '2025-12-31'), '2025-06-15');
  leak('document-after-freeze', market('leak-doc', 'polymarket', 'Will the stadium renovation permit be granted by the city?', 0.55, '2025-10-31'), '2025-10-31', {
    documents: [{ id: 'late-report', date: '2025-04-18', title: 'Permit decision', text: 'The city council voted on the stadium permit.' }],
  });
  leak('document-mentions-later-date', market('leak-mention', 'metaculus', 'Will the observatory detect the returning comet with its new instrument?', 0.35, '2025-11-30'), '2025-11-30', {
    documents: [{ id: 'updated-page', date: '2025-01-20', title: 'Comet watch', text: 'Page updated on June 12, 2025: the comet was imaged by the new instrument.' }],
  });
  const piggy = market('leak-crowd', 'infer', 'Will the trade bloc admit a new member state at its summit?', 0.62, '2025-10-15');
  leak('crowd-piggybacking', piggy, '2025-10-15', {
    documents: [{ id: 'market-news', date: '2025-02-25', title: 'Summit preview', text: 'Forecasters put the admission at 62% ahead of the summit.' }],
  });
  const dated = market('leak-prompt', 'manifold', 'Will the satellite operator complete its constellation launch campaign?', 0.45, '2025-10-01');
  const datedDocs = [background(200)];
  leak('prompt-date-after-freeze', dated, '2025-10-01', {
    documents: datedDocs,
    messages: [{ role: 'system', content: 'You are a forecasting agent. Current date: 2025-05-10.' }, ...forecastMessages(dated, null, datedDocs).slice(1)],
  });
  for (const [i, ticker] of ['NORD', 'SUDX'].entries()) {
    leak('near-duplicate', market(`leak-template-${i + 1}`, i ? 'polymarket' : 'metaculus', `Does the fictional ${ticker} stock close higher on 2025-06-30 than it closed on 2025-03-01, by the official closing auction?`, 0.5, '2025-06-30'), '2025-06-30');
  }
  return { questions, resolutions, contexts, planted, clean };
}

export interface Backtest {
  questions: Question[];
  resolutions: Resolution[];
  /** The true probability of each (question, resolution date), by item key. */
  truth: Map<string, number>;
}

const logit = (p: number): number => Math.log(p / (1 - p));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Market questions with a calibrated-but-noisy crowd, dataset questions at three horizons; two backtest periods. */
export function syntheticBacktest(options: { markets?: number; datasets?: number; crowdNoise?: number; seed?: number } = {}): Backtest {
  const { markets = 200, datasets = 100, crowdNoise = 0.5, seed = 0 } = options;
  const random = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-300))) * Math.cos(2 * Math.PI * random());
  const questions: Question[] = [];
  const resolutions: Resolution[] = [];
  const truth = new Map<string, number>();
  const sources = ['manifold', 'metaculus', 'polymarket', 'infer'];
  const dsources = ['fred', 'yfinance', 'acled', 'dbnomics', 'wikipedia'];
  for (let i = 0; i < markets; i++) {
    const period = i % 2 ? '2025-01' : '2025-07';
    const freeze = `${period}-01T00:00:00Z`;
    const p = 0.03 + 0.94 * random();
    // The crowd sees the truth through noise, then is recalibrated: P(yes | crowd) = crowd.
    const crowd = sigmoid(logit(p) + crowdNoise * normal());
    const outcome = random() < crowd ? 1 : 0;
    const q: Question = { id: `m${i}`, source: sources[i % sources.length]!, kind: 'market', text: `Synthetic market question ${i}`, background: '', resolutionCriteria: '', url: null, openDate: null, closeDate: null, freezeDate: freeze, crowd: Math.round(crowd * 1000) / 1000, freezeValue: null, resolutionDates: [], period };
    questions.push(q);
    resolutions.push({ id: q.id, source: q.source, direction: null, resolutionDate: `${period.slice(0, 4)}-${String(Number(period.slice(5)) + 3).padStart(2, '0')}-01`, value: outcome, resolved: true });
    truth.set(questionKey(q), crowd);
  }
  for (let i = 0; i < datasets; i++) {
    const period = i % 2 ? '2025-01' : '2025-07';
    const start = Number(period.slice(5));
    const horizons = [1, 2, 3].map((h) => `2025-${String(start + h).padStart(2, '0')}-15`);
    const q: Question = { id: `d${i}`, source: dsources[i % dsources.length]!, kind: 'dataset', text: `Synthetic series question ${i}`, background: '', resolutionCriteria: '', url: null, openDate: null, closeDate: null, freezeDate: `${period}-01T00:00:00Z`, crowd: null, freezeValue: String(100 + i), resolutionDates: horizons, period };
    questions.push(q);
    for (const d of horizons) {
      const p = 0.2 + 0.6 * random();
      resolutions.push({ id: q.id, source: q.source, direction: null, resolutionDate: d, value: random() < p ? 1 : 0, resolved: true });
      truth.set(`${questionKey(q)}@${d}`, p);
    }
  }
  return { questions, resolutions, truth };
}

/** Always 0.5 on every (question, horizon). */
export function alwaysHalf(questions: readonly Question[]): ForecastSet {
  return { forecaster: 'always 0.5', forecasts: questions.flatMap((q): Forecast[] => (q.kind === 'market' ? [{ id: q.id, source: q.source, direction: null, resolutionDate: null, probability: 0.5 }] : q.resolutionDates.map((d) => ({ id: q.id, source: q.source, direction: null, resolutionDate: d, probability: 0.5 })))) };
}

/**
 * The crowd at freeze: market questions get their crowd value; questions without one (dataset
 * questions, whose freeze value is a series level, not a probability) get 0.5 — ForecastBench's
 * imputation for a forecast that is missing.
 */
export function crowdAtFreeze(questions: readonly Question[], name = 'crowd at freeze'): ForecastSet {
  return { forecaster: name, forecasts: questions.flatMap((q): Forecast[] => (q.kind === 'market' ? [{ id: q.id, source: q.source, direction: null, resolutionDate: null, probability: q.crowd ?? 0.5 }] : q.resolutionDates.map((d) => ({ id: q.id, source: q.source, direction: null, resolutionDate: d, probability: 0.5 })))) };
}

/** The crowd with logit noise added (σ = `noise`) on market questions: a worse forecaster of the same information. */
export function noisyCrowd(questions: readonly Question[], noise = 1, seed = 1): ForecastSet {
  const random = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-300))) * Math.cos(2 * Math.PI * random());
  const base = crowdAtFreeze(questions, `noisy crowd (σ=${noise})`);
  return { ...base, forecasts: base.forecasts.map((f) => (f.resolutionDate === null ? { ...f, probability: Math.min(0.999, Math.max(0.001, sigmoid(logit(Math.min(0.999, Math.max(0.001, f.probability))) + noise * normal()))) } : f)) };
}
