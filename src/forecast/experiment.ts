// The `forecasting` reproduce experiment (shared/papers/04-forecasting-eval.md). Quick and
// offline: (1) a question set with a clean half and a leaky half, each leaky question planting
// one pitfall of arXiv:2506.00723, goes through the leakage audit — every planted leak must be
// found and nothing raised on the clean half; (2) baseline forecasters (always 0.5, the crowd at
// freeze, a noisy crowd) are scored the ForecastBench way on a synthetic backtest with known
// truth, with the difficulty adjustment and a reliability diagram; (3) the betting simulation
// shows an extremized forecaster topping leaderboards more often at a worse expected Brier.
// With ../shared/data/forecastbench present, the crowd at freeze is also scored on the real
// 2025-10-26 question set.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Row } from '../report/index.js';
import { reliabilityDiagram } from '../report/index.js';
import { registerExperiment, type Comparison, type ExperimentResult } from '../reproduce/registry.js';
import { audit } from './audit.js';
import { evaluate, loadEvaluation } from './evaluate.js';
import { PLANTED_CHECKS, PLANTED_CUTOFF, alwaysHalf, crowdAtFreeze, noisyCrowd, plantedLeakSet, syntheticBacktest } from './fixture.js';
import { bettingPlot } from './report.js';
import { simulateBetting } from './simulate.js';

const f4 = (x: number | null | undefined): number | null => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toFixed(4)));

function leakAudit() {
  const set = plantedLeakSet();
  const report = audit(set, { cutoff: PLANTED_CUTOFF });
  const rows: Row[] = PLANTED_CHECKS.map((check) => {
    const plantedOn = [...set.planted].filter(([, c]) => c === check).map(([q]) => q);
    const found = plantedOn.filter((q) => report.findings.some((f) => f.check === check && f.question === q));
    return { check, planted: plantedOn.length, found: found.length };
  });
  const falseAlarms = report.findings.filter((f) => f.question !== null && set.clean.has(f.question));
  const setLevel = report.findings.filter((f) => f.question === null);
  // Source skew is a property of a set, so it is planted in a second, crypto-heavy set.
  const skewed = audit({ questions: set.questions.map((q, i) => (i % 3 ? q : { ...q, text: `Will Bitcoin trade above ${50 + i}k dollars at the close?` })), resolutions: [], contexts: new Map() }, { skip: ['near-duplicate'] });
  rows.push({ check: 'source-skew', planted: 1, found: skewed.findings.some((f) => f.check === 'source-skew') ? 1 : 0 });
  return { set, report, rows, falseAlarms, setLevel };
}

function baselines(seed: number) {
  const b = syntheticBacktest({ seed });
  const sets = [alwaysHalf(b.questions), crowdAtFreeze(b.questions), noisyCrowd(b.questions, 1, seed + 1)];
  // The synthetic questions are numbered placeholders, a template by construction: that check is left out here.
  const e = evaluate({ questions: b.questions, resolutions: b.resolutions, sets, contexts: new Map(), notes: [] }, { audit: { skip: ['near-duplicate'] }, score: { resamples: 500, seed } });
  const rows: Row[] = e.scores.map((s) => {
    const adj = e.adjusted?.find((a) => a.forecaster === s.forecaster);
    return { forecaster: s.forecaster, brier: f4(s.overall), low: f4(s.overallCi?.low), high: f4(s.overallCi?.high), dataset: f4(s.dataset), market: f4(s.market), brierIndex: f4(s.brierIndex), adjustedBrier: f4(adj?.overall), adjustedIndex: f4(adj?.brierIndex), log: f4(s.log), skillVsHalf: f4(s.skillVsHalf), edgeOverCrowd: f4(s.edgeOverCrowd), ece: f4(s.ece) };
  });
  const periods: Row[] = e.scores.flatMap((s) => s.byPeriod.map((g) => ({ forecaster: s.forecaster, period: g.group, questions: g.questions, brier: f4(g.brier), low: f4(g.ci?.low), high: f4(g.ci?.high) })));
  return { e, rows, periods };
}

function realCrowd(): Row[] | undefined {
  const dir = resolve(process.env.FATHOM_SHARED_DATA ?? join(process.cwd(), '../shared/data'), 'forecastbench');
  const q = join(dir, '2025-10-26-llm.json');
  const r = join(dir, '2025-10-26_resolution_set.json');
  if (!existsSync(q) || !existsSync(r)) return undefined;
  const input = loadEvaluation({ questions: q, resolutions: r });
  const e = evaluate({ ...input, sets: [crowdAtFreeze(input.questions)] }, { score: { resamples: 500 } });
  return e.scores[0]!.bySource.map((g) => ({ source: g.group, questions: g.questions, brier: f4(g.brier), low: f4(g.ci?.low), high: f4(g.ci?.high) }));
}

registerExperiment({
  id: 'forecasting',
  system: 'Forecasting',
  paper: '04-forecasting-eval.md',
  title: 'leakage audit on planted leaks, ForecastBench-style scoring of baselines, the betting pitfall',
  budgets: {
    quick: '19-question planted-leak set through the audit; 3 baselines on a 300-question synthetic backtest; betting simulation at 2 correlations × 6 factors × 600 leaderboards',
    full: 'the quick experiment with 4,000 simulated leaderboards per point',
  },
  async run(ctx): Promise<ExperimentResult> {
    const progress = ctx.progress('forecasting', 3, 'parts');
    const leaks = leakAudit();
    progress.tick();
    const base = baselines(ctx.seed);
    progress.tick();
    const trials = ctx.budget === 'full' ? 4000 : 600;
    const sim = [0, 0.8].flatMap((correlation) => simulateBetting({ correlation, trials, seed: ctx.seed }));
    progress.tick();
    progress.done();
    const real = realCrowd();
    const planted = leaks.rows.reduce((n, r) => n + Number(r.planted), 0);
    const found = leaks.rows.reduce((n, r) => n + Number(r.found), 0);
    const crowd = base.e.scores.find((s) => s.forecaster === 'crowd at freeze')!;
    const at = (c: number, g: number) => sim.find((r) => r.correlation === c && r.gamma === g)!;
    ctx.run.log(0, { planted, found, falseAlarms: leaks.falseAlarms.length, crowdBrier: crowd.overall, crowdIndex: crowd.brierIndex, pFirstGamma2Corr08: at(0.8, 2).pFirst });
    const comparisons: Comparison[] = [
      { metric: 'planted leaks found by the audit', ours: `${found} of ${planted}`, paper: null, note: 'every pitfall the paper lists that a tool can check' },
      { metric: 'findings on the clean half (false alarms)', ours: leaks.falseAlarms.length, paper: null },
      { metric: 'Brier Index of always 0.5', ours: f4(base.e.scores[0]!.brierIndex) ?? '—', paper: 50, note: 'ForecastBench: 50% = always predicting 50%' },
      { metric: 'crowd at freeze: Brier (synthetic backtest)', ours: f4(crowd.overall) ?? '—', paper: null },
      { metric: 'extremized (γ=2) P(rank first), correlation 0.8 vs fair share', ours: `${at(0.8, 2).pFirst.toFixed(3)} vs ${at(0.8, 2).fairShare.toFixed(3)}`, paper: null, note: `its expected Brier ${at(0.8, 2).expectedBrier.toFixed(3)} vs honest ${at(0.8, 1).expectedBrier.toFixed(3)}` },
    ];
    return {
      summary: `The leakage audit found ${found} of ${planted} planted leaks and raised ${leaks.falseAlarms.length} finding(s) on the ${leaks.set.clean.size} clean questions (plus ${leaks.report.findings.length - leaks.falseAlarms.length - found} extra finding(s) on leaky questions, where one leak also trips a neighbouring check). Baselines scored the ForecastBench way on a synthetic backtest whose crowd is calibrated: always 0.5 sits at Brier Index 50, the crowd at freeze beats it on market questions, and a noisy crowd falls between; dataset questions carry no crowd, so the crowd forecaster is imputed 0.5 there. In the betting simulation, with correlated outcomes an extremized forecaster ranks first more often than its fair share while its expected Brier is worse.${real ? ' The crowd at freeze was also scored on ForecastBench\'s 2025-10-26 set.' : ' The ForecastBench data folder was absent, so the real set was not scored.'}`,
      tables: [
        { caption: 'Planted leaks per check and how many the audit found', rows: leaks.rows },
        { caption: 'Audit summary on the planted set', rows: leaks.report.summary.map((s) => ({ check: s.check, status: s.status, examined: s.examined, flagged: s.flagged })) },
        { caption: 'Baselines on the synthetic backtest (Brier: lower is better; 95% bootstrap CI over questions; adjusted: two-way fixed effects)', rows: base.rows },
        { caption: 'Per backtest period', rows: base.periods },
        { caption: 'Betting simulation: 30 questions, 9 honest forecasters and one extremizing by γ', rows: sim.map((r) => ({ correlation: r.correlation, gamma: r.gamma, expectedBrier: f4(r.expectedBrier), honestBrier: f4(r.honestBrier), pFirst: f4(r.pFirst), fairShare: f4(r.fairShare) })) },
        ...(real ? [{ caption: 'ForecastBench 2025-10-26: crowd at freeze, Brier per source (dataset sources imputed 0.5)', rows: real }] : []),
      ],
      plots: [reliabilityDiagram({ bins: crowd.bins!, title: 'Reliability: crowd at freeze (synthetic backtest)' }), bettingPlot(sim)],
      comparisons,
    };
  },
});
