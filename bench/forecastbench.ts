// ForecastBench's 2025-10-26 question set (../shared/data/forecastbench, CC BY-SA 4.0): the
// leakage audit, then the crowd-at-freeze forecaster scored the ForecastBench way — market
// questions forecast at their crowd value at freeze, dataset questions (whose freeze value is a
// series level, not a probability) imputed 0.5 — with Brier per source, unresolved market
// questions scored against their market value (ForecastBench's choice) and, beside it, left out.
// Also times reading, auditing and scoring the set.
// Run: node --import tsx bench/forecastbench.ts [data folder]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alwaysHalf, crowdAtFreeze } from '../src/forecast/fixture.js';
import { evaluate, loadEvaluation } from '../src/forecast/evaluate.js';
import { auditText } from '../src/forecast/report.js';
import { textTable } from '../src/report/index.js';

const dir = resolve(process.argv[2] ?? join(process.cwd(), '../shared/data/forecastbench'));
const questions = join(dir, '2025-10-26-llm.json');
const resolutions = join(dir, '2025-10-26_resolution_set.json');
if (!existsSync(questions) || !existsSync(resolutions)) {
  console.log(`forecastbench: ${questions} or its resolution set is absent, so nothing was measured.`);
  console.log('Pass the folder holding 2025-10-26-llm.json and 2025-10-26_resolution_set.json as the first argument.');
  process.exit(0);
}

const t0 = performance.now();
const input = loadEvaluation({ questions, resolutions });
const t1 = performance.now();
const sets = [crowdAtFreeze(input.questions), alwaysHalf(input.questions)];
const e = evaluate({ ...input, sets }, { audit: { cutoff: '2025-07-01' }, score: { resamples: 1000 } });
const t2 = performance.now();
const dropped = evaluate({ ...input, sets: [sets[0]!] }, { score: { unresolved: 'drop', resamples: 1000 } });

console.log(`ForecastBench 2025-10-26: ${input.questions.length} questions (${input.questions.filter((q) => q.kind === 'market').length} market, ${input.questions.filter((q) => q.kind === 'dataset').length} dataset), ${input.resolutions.length} resolution rows (${input.resolutions.filter((r) => !r.resolved).length} unresolved)`);
console.log('');
console.log(auditText(e.audit, { findings: 0 }));
console.log('(audited with a stated cutoff of 2025-07-01, an example: pass your forecaster\'s own)');
console.log('');
const crowd = e.scores[0]!;
const drop = dropped.scores[0]!;
const f = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(4));
console.log('crowd at freeze, Brier per source (95% bootstrap CI over questions):');
console.log(textTable(crowd.bySource.map((g) => {
  const d = drop.bySource.find((x) => x.group === g.group);
  return { source: g.group, questions: g.questions, brier: f(g.brier), ci95: g.ci ? `[${f(g.ci.low)}, ${f(g.ci.high)}]` : '—', brierIndex: g.brierIndex.toFixed(1), resolvedOnly: d ? `${f(d.brier)} (${d.questions})` : '—' };
}), undefined, { style: 'plain' }));
console.log('');
console.log(textTable(e.scores.map((s) => ({ forecaster: s.forecaster, brier: f(s.overall), dataset: f(s.dataset), market: f(s.market), brierIndex: s.brierIndex.toFixed(1), ece: f(s.ece), outcomes: s.outcomes })), undefined, { style: 'plain' }));
console.log('');
console.log(`resolvedOnly: unresolved market questions left out instead of scored at their market value (market Brier ${f(drop.market)} vs ${f(crowd.market)})`);
console.log(`time: read and cross-check ${(t1 - t0).toFixed(0)} ms; audit + score 2 forecasters with 1,000 bootstrap resamples ${(t2 - t1).toFixed(0)} ms`);
