// Forecasting results for terminals and HTML: the leakage audit's summary first (it runs before
// any score), then the ForecastBench-style scores, the per-source and per-period breakdowns and,
// in HTML, a reliability diagram per forecaster. Question text is untrusted: terminals get it
// through eval's terminalSafe, HTML through report/'s escaping.
import { terminalSafe } from '../eval/report.js';
import { reliabilityDiagram, scatterPlot, textTable, writeReport, type Plot, type ReportSection, type Row } from '../report/index.js';
import type { AuditReport } from './audit.js';
import type { Evaluation } from './evaluate.js';
import { LOG_CLAMP } from './score.js';
import type { SimulationRow } from './simulate.js';

const f3 = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(3));
const f1 = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1));
const ci = (i: { low: number; high: number } | null): string => (i ? `[${i.low.toFixed(3)}, ${i.high.toFixed(3)}]` : '—');

export const SCORE_NOTE = `Brier: lower is better; per question averaged over its resolution dates, dataset and market questions weighted equally (ForecastBench). Brier Index = (1 − √Brier)·100: 50 is always 0.5, 100 perfect. Log score: mean ln p(outcome), higher is better, with probabilities clamped to [${LOG_CLAMP[0]}, ${LOG_CLAMP[1]}] for it alone (Brier uses them as given). Edge over crowd: crowd Brier − ours on market questions with a crowd value (> 0 beats the crowd). CIs: 95% bootstrap over questions.`;

export function auditRows(report: AuditReport): Row[] {
  return report.summary.map((s) => ({ check: s.check, status: s.status, examined: s.examined, flagged: s.flagged, pitfall: s.pitfall, note: s.note }));
}

export function auditText(report: AuditReport, options: { findings?: number } = {}): string {
  const found = report.findings.length;
  const setLevel = report.findings.filter((f) => f.question === null).length;
  const where = [report.perQuestion.length ? `${report.perQuestion.length} question(s)` : '', setLevel ? 'the question set as a whole' : ''].filter(Boolean).join(' and ');
  const lines = [`leakage audit: ${found ? `${found} finding(s) on ${where}` : 'no findings'}`, textTable(auditRows(report), undefined, { style: 'plain' })];
  if (report.excluded.afterFreeze || report.excluded.undated) lines.push(`retrieval kept out ${report.excluded.afterFreeze} document(s) dated after freeze and ${report.excluded.undated} undated one(s)`);
  const limit = options.findings ?? 20;
  if (found && limit > 0) {
    lines.push('', textTable(report.findings.slice(0, limit).map((f) => ({ check: f.check, question: terminalSafe(f.question ?? '(set)'), detail: terminalSafe(f.detail) })), undefined, { style: 'plain' }));
    if (found > limit) lines.push(`… and ${found - limit} more (--findings N, or --json for all)`);
  }
  return lines.join('\n');
}

export function scoreRows(e: Evaluation): Row[] {
  return e.scores.map((s) => {
    const adj = e.adjusted?.find((a) => a.forecaster === s.forecaster);
    return {
      forecaster: s.forecaster, brier: f3(s.overall), ci95: ci(s.overallCi), dataset: f3(s.dataset), market: f3(s.market), brierIndex: f1(s.brierIndex),
      ...(e.adjusted ? { adjBrier: f3(adj?.overall), adjIndex: f1(adj?.brierIndex) } : {}),
      log: f3(s.log), skillVsHalf: f3(s.skillVsHalf), edgeOverCrowd: f3(s.edgeOverCrowd), ece: f3(s.ece), questions: s.questions, outcomes: s.outcomes, missing: s.missing,
    };
  });
}

export function breakdownRows(e: Evaluation, by: 'bySource' | 'byPeriod'): Row[] {
  return e.scores.flatMap((s) => s[by].map((g) => ({ forecaster: s.forecaster, [by === 'bySource' ? 'source' : 'period']: g.group, questions: g.questions, brier: f3(g.brier), ci95: ci(g.ci), brierIndex: f1(g.brierIndex) })));
}

export function evaluationText(e: Evaluation, options: { findings?: number } = {}): string {
  const lines = [auditText(e.audit, options), ''];
  if (!e.scores.length) lines.push('no forecasts given: nothing to score (pass --forecasts or --run)');
  else {
    lines.push(textTable(scoreRows(e), undefined, { style: 'plain' }), '', textTable(breakdownRows(e, 'bySource'), undefined, { style: 'plain' }));
    if (new Set(e.scores.flatMap((s) => s.byPeriod.map((g) => g.group))).size > 1) lines.push('', textTable(breakdownRows(e, 'byPeriod'), undefined, { style: 'plain' }));
    if (e.adjusted) lines.push('', `difficulty adjustment: two-way fixed effects brier_ij = a_i + b_j + u_ij over ${e.scores.length} forecasters, per question kind${e.adjustmentConverged ? '' : ' (did NOT converge: read adjusted values with care)'}`);
    lines.push('', SCORE_NOTE);
  }
  for (const n of e.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export function reliabilityPlots(e: Evaluation): Plot[] {
  return e.scores.filter((s) => s.bins && s.bins.some((b) => b.count > 0)).map((s) => reliabilityDiagram({ bins: s.bins!, title: `Reliability: ${s.forecaster}` }));
}

/** Writes the HTML report; returns the index.html path. */
export async function evaluationHtml(e: Evaluation, dir: string, title = 'fathom forecast'): Promise<string> {
  const sections: ReportSection[] = [
    { title: 'Leakage audit', text: 'Each pitfall of arXiv:2506.00723 is a named check, run before any score.', tables: [{ rows: auditRows(e.audit) }, ...(e.audit.findings.length ? [{ caption: 'Findings', rows: e.audit.findings.map((f) => ({ check: f.check, question: f.question ?? '(set)', detail: f.detail })) }] : [])] },
  ];
  if (e.scores.length) {
    sections.push(
      { title: 'Scores', text: SCORE_NOTE, tables: [{ rows: scoreRows(e) }, { caption: 'Per source', rows: breakdownRows(e, 'bySource') }, { caption: 'Per backtest period', rows: breakdownRows(e, 'byPeriod') }] },
      { title: 'Calibration', text: 'Reliability diagrams over forecasts with 0/1 outcomes (unresolved markets scored by market value are left out).', plots: reliabilityPlots(e) },
    );
  }
  return (await writeReport(dir, { title, sections })).html;
}

/** The betting simulation: expected Brier against the chance of ranking first, one point per extremizing factor, one series per correlation. */
export function bettingPlot(rows: readonly SimulationRow[]): Plot {
  const byCorrelation = new Map<number, SimulationRow[]>();
  for (const r of rows) byCorrelation.set(r.correlation, [...(byCorrelation.get(r.correlation) ?? []), r]);
  return scatterPlot({
    title: 'The betting pitfall', subtitle: 'each point an extremizing factor γ (γ = 1: honest)', xLabel: 'expected Brier (lower is better)', yLabel: 'probability of ranking first',
    series: [...byCorrelation].map(([c, rs]) => ({ name: `correlation ${c}`, x: rs.map((r) => r.expectedBrier), y: rs.map((r) => r.pFirst), labels: rs.map((r) => `γ=${r.gamma}`) })),
  });
}
