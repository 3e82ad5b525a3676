// Eval reports for terminals and for HTML. Model output is untrusted: for terminals every control
// character (ANSI escape sequences included) is shown as a visible \xNN escape, never sent raw; the
// HTML report goes through report/'s escaping of every string, and plots take no model text.
import { barPlot, writeReport, type ReportSection, type Row } from '../report/index.js';
import { textTable } from '../report/index.js';
import type { Store } from '../store/index.js';
import type { EvalSummary } from './evaluate.js';
import type { Stages } from './types.js';

/** Control characters (C0 but tab, DEL, C1) as visible `\xNN`; newlines too when `oneLine`. */
export function terminalSafe(text: string, oneLine = true): string {
  // Matching control characters is the point here.
  // eslint-disable-next-line no-control-regex
  const re = oneLine ? /[\u0000-\u001f\u007f-\u009f]/g : /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
  return text.replace(re, (c) => (c === '\n' ? '⏎' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
const ci = (s: EvalSummary['accuracy']): string => (s.ci ? `[${pct(s.ci.low)}, ${pct(s.ci.high)}]` : '—');

export function itemRows(store: Store, runId: string, limit = Infinity): Row[] {
  return store.items(runId).slice(0, limit).map((i) => {
    const s = i.stages as unknown as Stages;
    return {
      item: i.itemId,
      status: i.status,
      reference: s.sample.reference ?? (s.sample.answerIndex !== undefined ? String.fromCharCode(65 + s.sample.answerIndex) : null),
      answer: s.extracted?.answer ?? null,
      verdict: s.verdict ? `${s.verdict.match === null ? '—' : s.verdict.match ? 'match' : 'no match'} (${s.verdict.method})` : null,
      error: s.response?.error?.message ?? s.verdict?.error?.message ?? null,
      response: s.response?.text ?? null,
    };
  });
}

function summaryRows(s: EvalSummary): Row[] {
  return [{ accuracy: pct(s.accuracy.accuracy), ci95: ci(s.accuracy), scored: s.accuracy.scored, correct: s.accuracy.correct, unparsed: s.accuracy.unparsed, refused: s.accuracy.refused, errors: s.accuracy.errors, pending: s.accuracy.pending }];
}

/** The terminal report: summary, per-category accuracy, errors, usage, and optionally the first items. */
export function reportText(store: Store, s: EvalSummary, options: { items?: number } = {}): string {
  const lines = [
    `run ${s.runId}  ${terminalSafe(s.name)}  (${s.status})`,
    `solver ${s.solver}, scorer ${s.scorer}, candidate ${terminalSafe(s.candidate ?? '—')}, matcher ${terminalSafe(s.matcher ?? '—')}`,
    '',
    textTable(summaryRows(s)),
  ];
  if (s.byCategory.length > 1) {
    lines.push('', textTable(s.byCategory.map((c) => ({ category: terminalSafe(c.category), accuracy: pct(c.accuracy), ci95: ci(c), scored: c.scored, unparsed: c.unparsed, errors: c.errors }))));
  }
  if (Object.keys(s.methods).length) lines.push('', `verdicts by method: ${Object.entries(s.methods).map(([m, n]) => `${m} ${n}`).join(', ')}${s.scorer === 'cascade' ? ` (matcher calls saved: ${s.matcherCallsSaved})` : ''}`);
  if (s.filter) lines.push(`question filter ${terminalSafe(s.filter.model)} (keep ratings >= ${s.filter.threshold}): ${s.filter.rated} rated, ${s.filter.filtered} left out of the accuracy`);
  if (Object.keys(s.errors).length) lines.push(`errors by cause (never scored): ${Object.entries(s.errors).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (s.usage.length) {
    lines.push('', textTable(s.usage.map((u) => ({ provider: terminalSafe(u.provider), model: terminalSafe(u.model), requests: u.requests, retries: u.retries, cacheHits: u.cacheHits, errors: u.errors, inputTokens: u.inputTokens, outputTokens: u.outputTokens, cost: u.cost === null ? '—' : `$${u.cost.toFixed(4)}` }))));
  }
  if (options.items) {
    const rows = itemRows(store, s.runId, options.items).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? clip(terminalSafe(v), k === 'response' ? 60 : 40) : v])));
    lines.push('', textTable(rows));
  }
  return lines.join('\n');
}

/** Writes the HTML report of a run into `dir`; returns the index.html path. */
export async function reportHtml(store: Store, s: EvalSummary, dir: string): Promise<string> {
  const sections: ReportSection[] = [
    {
      title: 'Summary',
      text: `Solver ${s.solver}, scorer ${s.scorer}; candidate ${s.candidate ?? '—'}, matcher ${s.matcher ?? '—'}. Accuracy is over items with a verdict; unparsed answers, refusals and errors are counted apart and never scored as wrong.`,
      tables: [{ rows: summaryRows(s) }, ...(s.usage.length ? [{ caption: 'Requests and tokens', rows: s.usage.map((u) => ({ ...u })) as Row[] }] : [])],
      ...(s.byCategory.length > 1 && s.byCategory.some((c) => c.accuracy !== null)
        ? { plots: [barPlot({ title: 'Accuracy per category', categories: s.byCategory.map((c) => c.category), series: [{ name: 'accuracy', values: s.byCategory.map((c) => c.accuracy ?? 0), low: s.byCategory.map((c) => c.ci?.low ?? c.accuracy ?? 0), high: s.byCategory.map((c) => c.ci?.high ?? c.accuracy ?? 0) }] })] }
        : {}),
    },
    { title: 'Items', tables: [{ rows: itemRows(store, s.runId) }] },
  ];
  const written = await writeReport(dir, { title: `fathom eval: ${s.name}`, meta: { run: s.runId, status: s.status }, sections });
  return written.html;
}
