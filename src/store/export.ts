// Exports a run's metrics or eval items as JSONL or CSV, for analysis outside fathom.
import type { Store } from './store.js';

export type ExportFormat = 'jsonl' | 'csv';
export type ExportTable = 'metrics' | 'items' | 'run';

/** CSV cell per RFC 4180: quoted when it holds a comma, quote or newline. */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of one table of one run, as plain objects. */
export function exportRows(store: Store, runId: string, table: ExportTable): Record<string, unknown>[] {
  const run = store.getRun(runId);
  if (table === 'run') return [{ ...run, ...store.counts(run.id) }];
  if (table === 'metrics') return store.metrics(run.id).map((m) => ({ run: run.id, ...m }));
  return store.items(run.id).map((i) => ({ run: run.id, item_id: i.itemId, status: i.status, updated_at: i.updatedAt, stages: i.stages }));
}

export function formatRows(rows: readonly Record<string, unknown>[], format: ExportFormat): string {
  if (format === 'jsonl') return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
