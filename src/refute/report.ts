// REFUTE reports (arXiv:2502.19414, Table 2): the share of incorrect solutions each solver/model
// refuted, with a percentile-bootstrap 95% CI over problems, broken down by rating band and by tag;
// the model calls, agent executions and random-search inputs it used; other verdicts counted
// apart (never silently as failures of the model). With the original dataset imported, the paper's
// numbers stand beside ours.
import { bootstrap } from '../eval/index.js';
import type { Row, TableSpec } from '../report/index.js';
import type { ItemRecord } from '../store/index.js';
import type { SolveResult } from './solvers/types.js';

/** A solve as the report reads it: the result plus the problem facts stored beside it. */
export interface ReportItem {
  result: SolveResult;
  rating: number | null;
  tags: string[];
  kind: string | null;
}

/** The paper's Table 2: % of the 324 REFUTE problems refuted (agent: the range over its variants). */
export const PAPER_RESULTS: Record<string, Record<string, number | string>> = {
  'o3-mini (high)': { 'zero-shot': 8.6, 'few-shot': 8.9, 'with-correct': 9.3, agent: '6.8–8.6' },
  'DeepSeek-R1': { 'zero-shot': 5.8, 'few-shot': 5.2, 'with-correct': 4.6, agent: 8.6 },
  'DeepSeek-V3': { 'zero-shot': 2.4, 'few-shot': 2.7, 'with-correct': 3.7, agent: 3.7 },
};

/** The paper's model a model spec stands for, if any (`openai:o3-mini` → `o3-mini (high)`). */
export function paperModel(model: string): string | undefined {
  const m = model.toLowerCase();
  if (m.includes('o3-mini')) return 'o3-mini (high)';
  if (m.includes('deepseek') && (m.includes('r1') || m.includes('reasoner'))) return 'DeepSeek-R1';
  if (m.includes('deepseek') && (m.includes('v3') || m.includes('chat'))) return 'DeepSeek-V3';
  return undefined;
}

/** Reads a refute run's items (written by `solveAll`). */
export function reportItems(items: readonly ItemRecord[]): ReportItem[] {
  return items.map((it) => {
    const s = it.stages as { result?: SolveResult; problem?: { rating: number | null; tags: string[]; kind: string | null } };
    if (!s.result) return undefined;
    return { result: s.result, rating: s.problem?.rating ?? null, tags: s.problem?.tags ?? [], kind: s.problem?.kind ?? null };
  }).filter((x): x is ReportItem => x !== undefined);
}

/** Rating bands of 400 points (Codeforces-like ratings), or "unrated". */
export function ratingBand(rating: number | null): string {
  if (rating === null) return 'unrated';
  const lo = Math.floor(rating / 400) * 400;
  return `${lo}–${lo + 399}`;
}

export interface RateSummary {
  n: number;
  refuted: number;
  /** refuted / n, in percent. */
  rate: number;
  low: number | null;
  high: number | null;
}

/** Refuted share of `items` (percent) with a 95% percentile-bootstrap interval over items. */
export function refuteRate(items: readonly ReportItem[], seed = 0): RateSummary {
  const hits = items.map((i) => (i.result.verdict === 'refuted' ? 1 : 0));
  const refuted = hits.reduce<number>((a, b) => a + b, 0);
  const ci = bootstrap(hits.length, (idx) => {
    let s = 0;
    for (const i of idx) s += hits[i]!;
    return (100 * s) / idx.length;
  }, { seed });
  return { n: items.length, refuted, rate: items.length ? (100 * refuted) / items.length : 0, low: ci?.low ?? null, high: ci?.high ?? null };
}

const key = (r: SolveResult) => `${r.solver}\0${r.model}`;

function groups(items: readonly ReportItem[]): Map<string, ReportItem[]> {
  const out = new Map<string, ReportItem[]>();
  for (const it of items) out.set(key(it.result), [...(out.get(key(it.result)) ?? []), it]);
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const median = (xs: readonly number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface RefuteReport {
  /** One row per solver × model. */
  overall: Row[];
  byRating: Row[];
  byTag: Row[];
  byKind: Row[];
  /** Every verdict's count per solver × model (refuted, not-refuted, invalid-input, …). */
  verdicts: Row[];
  /** The paper's Table 2, when `paper` was asked for. */
  paper: Row[] | null;
}

/**
 * The report of a refute run. `paper`: put the paper's numbers beside ours (meaningful only when
 * the problems are the original dataset, imported with `fathom refute import`).
 */
export function refuteReport(items: readonly ReportItem[], options: { paper?: boolean; seed?: number } = {}): RefuteReport {
  const seed = options.seed ?? 0;
  const overall: Row[] = [];
  const byRating: Row[] = [];
  const byTag: Row[] = [];
  const byKind: Row[] = [];
  const verdicts: Row[] = [];
  for (const group of groups(items).values()) {
    const { solver, model } = group[0]!.result;
    const s = refuteRate(group, seed);
    const paperModelName = paperModel(model);
    overall.push({
      solver, model, problems: s.n, refuted: s.refuted, 'rate %': s.rate, 'CI low': s.low, 'CI high': s.high,
      'model calls': round2(mean(group.map((g) => g.result.attempts.length))),
      executions: round2(mean(group.map((g) => g.result.executions.length))),
      'tokens out': Math.round(mean(group.map((g) => g.result.attempts.reduce((n, a) => n + a.outputTokens, 0)))),
      'median s': Math.round(median(group.map((g) => g.result.ms)) / 10) / 100,
      ...(options.paper ? { 'paper %': paperModelName ? PAPER_RESULTS[paperModelName]![solver] ?? null : null } : {}),
    });
    const counts: Record<string, number> = {};
    for (const g of group) counts[g.result.verdict] = (counts[g.result.verdict] ?? 0) + 1;
    verdicts.push({ solver, model, ...counts });
    const slice = (label: string, rows: Row[], pick: (g: ReportItem) => string[]) => {
      const by = new Map<string, ReportItem[]>();
      for (const g of group) for (const k of pick(g)) by.set(k, [...(by.get(k) ?? []), g]);
      for (const [k, its] of [...by].sort(([a], [b]) => a.localeCompare(b))) {
        const r = refuteRate(its, seed);
        rows.push({ solver, model, [label]: k, problems: r.n, refuted: r.refuted, 'rate %': r.rate, 'CI low': r.low, 'CI high': r.high });
      }
    };
    slice('rating', byRating, (g) => [ratingBand(g.rating)]);
    slice('tag', byTag, (g) => (g.tags.length ? g.tags : ['(none)']));
    slice('failure kind', byKind, (g) => (g.kind ? [g.kind] : []));
  }
  const paper = options.paper
    ? Object.entries(PAPER_RESULTS).map(([model, r]) => ({ model, ...r }))
    : null;
  return { overall, byRating, byTag, byKind, verdicts, paper };
}

/** The report as tables for an HTML report or a terminal. */
export function reportTables(r: RefuteReport): TableSpec[] {
  const out: TableSpec[] = [
    { caption: 'Refuted share per solver and model (95% bootstrap CI over problems); model calls, executions and tokens are means per problem', rows: r.overall },
    { caption: 'Verdicts per solver and model', rows: r.verdicts },
    { caption: 'By rating band', rows: r.byRating },
    { caption: 'By tag (a problem counts under each of its tags)', rows: r.byTag },
  ];
  if (r.byKind.length) out.push({ caption: 'By failure kind of the incorrect solution (bundled problems)', rows: r.byKind });
  if (r.paper) out.push({ caption: 'The paper (arXiv:2502.19414, Table 2): % of the 324 REFUTE problems refuted', rows: r.paper });
  return out;
}
