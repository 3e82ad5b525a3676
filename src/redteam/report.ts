// Reports of red-teaming runs: the ASR heatmap (attackers × targets, both ordered by capability),
// per-target fitted sigmoid laws with bootstrap bands, and text tables for the terminal.
import { UsageError } from '../errors.js';
import { heatmap, linePlot, textTable, type Plot } from '../report/index.js';
import { capabilityOf, type Capabilities } from './capability.js';
import { lawCurve, type FitOptions, type PairResult, type TargetLaw } from './fit.js';
import type { RedteamSummary } from './matrix.js';

/** A run's cells as scaling-law inputs (cells with no evaluated behavior are left out). */
export function pairResults(summary: RedteamSummary, caps: Capabilities, source: string): PairResult[] {
  return summary.cells.filter((c) => c.asr !== null).map((c) => ({
    attacker: c.attacker, target: c.target, attack: summary.attack, asr: c.asr!,
    attackerCapability: capabilityOf(caps, c.attacker, source), targetCapability: capabilityOf(caps, c.target, source),
  }));
}

export function asrHeatmap(results: readonly PairResult[], title = 'Attack success rate (best over attacks)'): Plot {
  if (!results.length) throw new UsageError('redteam: no results to draw', 'run a matrix first');
  const order = (key: 'attacker' | 'target', cap: 'attackerCapability' | 'targetCapability') =>
    [...new Map(results.map((r) => [r[key], r[cap]])).entries()].sort((a, b) => a[1] - b[1]).map(([m]) => m);
  const attackers = order('attacker', 'attackerCapability');
  const targets = order('target', 'targetCapability');
  const best = new Map<string, number>();
  for (const r of results) {
    const k = JSON.stringify([r.attacker, r.target]);
    best.set(k, Math.max(best.get(k) ?? 0, r.asr));
  }
  return heatmap({
    title, xLabel: 'target (by capability)', yLabel: 'attacker (by capability)', valueLabel: 'ASR', domain: [0, 1], digits: 2,
    rowLabels: attackers, colLabels: targets,
    values: attackers.map((a) => targets.map((t) => best.get(JSON.stringify([a, t])) ?? null)),
    caption: 'Fraction of evaluated behaviors broken; judge failures are left out of the denominator and reported apart.',
  });
}

export function lawPlot(laws: readonly TargetLaw[], options: FitOptions = {}): Plot {
  const all = laws.flatMap((l) => l.pairs.map((p) => p.gap));
  const lo = Math.min(...all), hi = Math.max(...all);
  const gaps = Array.from({ length: 25 }, (_, i) => lo + ((hi - lo) * i) / 24);
  return linePlot({
    title: 'Fitted ASR vs capability gap, per target', xLabel: `capability gap δ (${laws[0]?.gap ?? 'logit'})`, yLabel: 'ASR', interval: 'band', points: false, seriesLabel: 'target',
    series: laws.map((l) => {
      const curve = lawCurve(l, gaps, options);
      return { name: l.target, x: curve.map((c) => c.gap), y: curve.map((c) => c.asr), low: curve.map((c) => c.low), high: curve.map((c) => c.high) };
    }),
    caption: 'σ(w·δ + b) per target, w ≥ 0, fitted on logit(ASR) clipped to [0.01, 0.99]; bands: pointwise 95% bootstrap over attacker–target pairs.',
  });
}

const f = (x: number | null | undefined, d = 3): string => (x === null || x === undefined ? '—' : x.toFixed(d));

export function lawsText(laws: readonly TargetLaw[]): string {
  return textTable(laws.map((l) => ({
    target: l.target, capability: f(l.targetCapability), pairs: l.pairs.length,
    slope: `${f(l.slope)} [${f(l.slopeCi?.low)}, ${f(l.slopeCi?.high)}]`,
    intercept: `${f(l.intercept)} [${f(l.interceptCi?.low)}, ${f(l.interceptCi?.high)}]`,
    midpoint: `${f(l.midpoint)} [${f(l.midpointCi?.low)}, ${f(l.midpointCi?.high)}]`,
    r2: f(l.r2),
  })), undefined, { style: 'plain' });
}

export function summaryText(s: RedteamSummary): string {
  const rows = s.cells.map((c) => ({
    attacker: c.attacker, target: c.target, behaviors: c.behaviors, evaluated: c.evaluated, broken: c.broken, undetermined: c.undetermined, errors: c.errors,
    asr: f(c.asr), 'asr@1': f(c.asrAt['1']), 'hit@1': f(c.hitAt['1']), 'hit@5': f(c.hitAt['5']), pooled: f(c.pooledAsr), queries: c.queries, 'q/success': f(c.queriesPerSuccess, 1),
  }));
  return [
    `run ${s.runId}  attack ${s.attack}`,
    `judge ${s.identities.judge}  classifier ${s.identities.classifier}`,
    rows.length ? textTable(rows, undefined, { style: 'plain' }) : '(no finished cells)',
    `in-loop judge vs classifier: ${s.agreement.attempts} attempts, agreement ${f(s.agreement.raw)}, Cohen's κ ${f(s.agreement.cohensKappa)}`,
    s.pending ? `${s.pending} cell(s) unfinished: fathom redteam resume ${s.runId}` : '',
    'undetermined: the classifier failed or answered neither yes nor no; never counted as broken.',
  ].filter(Boolean).join('\n');
}
