// Tables of results: one set of rows rendered as an HTML table (for reports) or as aligned
// plain text / markdown (for terminals). Numbers are right-aligned with one number of decimals
// per column; every cell is escaped.

import { FathomError, didYouMean } from '../errors.js';
import { columnDecimals, escapeHtml, formatNumber } from './format.js';

/** What a table cell may hold; null and undefined print as a dash. */
export type Cell = string | number | boolean | null | undefined;
export type Row = Readonly<Record<string, Cell>>;

/** A column: which key of each row it shows, and how. */
export interface Column {
  readonly key: string;
  /** Header text (default: the key). */
  readonly label?: string;
  /** Decimals for numbers (default: enough for 4 significant digits of the column's largest value). */
  readonly decimals?: number;
  /** Formats a cell; overrides `decimals`. Its result is escaped like any other text. */
  readonly format?: (value: Cell, row: Row) => string;
  /** Default: right for a column of numbers, left otherwise. */
  readonly align?: 'left' | 'right';
}

/** A table to put in a report section. */
export interface TableSpec {
  readonly rows: readonly Row[];
  readonly columns?: readonly (string | Column)[];
  readonly caption?: string;
}

const MISSING = '—';

interface Resolved {
  readonly labels: string[];
  readonly align: ('left' | 'right')[];
  /** cells[r][c], already formatted, not yet escaped. */
  readonly cells: string[][];
}

/** Checks the rows and columns and formats every cell. */
function resolve(op: string, rows: readonly Row[], columns?: readonly (string | Column)[]): Resolved {
  if (!Array.isArray(rows)) throw new FathomError(`${op}: rows is not an array`, 'pass an array of objects, one per row');
  const keys: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, r) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new FathomError(`${op}: rows[${r}] is ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}, not an object`, 'pass each row as {column: value}');
    }
    for (const [key, value] of Object.entries(row)) {
      if (value !== null && value !== undefined && !['string', 'number', 'boolean'].includes(typeof value)) {
        throw new FathomError(
          `${op}: rows[${r}].${key} is ${Array.isArray(value) ? 'an array' : typeof value}`,
          'format it to a string first, or give the column a format function',
        );
      }
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  });
  const cols: Column[] = (columns ?? keys).map((c) => (typeof c === 'string' ? { key: c } : c));
  for (const col of cols) {
    if (rows.length > 0 && !seen.has(col.key)) {
      const guess = didYouMean(col.key, keys);
      throw new FathomError(
        `${op}: column ${JSON.stringify(col.key)} is not a key of any row`,
        guess !== undefined ? `did you mean ${JSON.stringify(guess)}?` : `the rows' keys are ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
      );
    }
    if (col.decimals !== undefined && (!Number.isInteger(col.decimals) || col.decimals < 0 || col.decimals > 20)) {
      throw new FathomError(`${op}: column ${JSON.stringify(col.key)} has decimals ${col.decimals}`, 'pass an integer from 0 to 20');
    }
  }
  const align: ('left' | 'right')[] = [];
  const columnsOfCells = cols.map((col) => {
    const values = rows.map((row) => row[col.key]);
    const present = values.filter((v) => v !== null && v !== undefined);
    const numeric = present.length > 0 && present.every((v) => typeof v === 'number');
    align.push(col.align ?? (numeric ? 'right' : 'left'));
    const decimals = col.decimals ?? (numeric ? columnDecimals(present as number[]) : undefined);
    return rows.map((row, r) => {
      const v = values[r];
      if (col.format) return col.format(v, row);
      if (v === null || v === undefined) return MISSING;
      if (typeof v === 'number') return formatNumber(v, decimals);
      return String(v);
    });
  });
  return {
    labels: cols.map((c) => c.label ?? c.key),
    align,
    cells: rows.map((_, r) => columnsOfCells.map((column) => column[r]!)),
  };
}

/**
 * Renders rows as an HTML `<table>`: a header from the column labels, numbers right-aligned with
 * consistent decimals, every header and cell HTML-escaped. `columns` picks and orders the
 * columns (default: every key, in order of first appearance); a column that is no row's key is
 * an error with a "did you mean".
 */
export function table(rows: readonly Row[], columns?: readonly (string | Column)[], options: { caption?: string } = {}): string {
  const { labels, align, cells } = resolve('table', rows, columns);
  const attr = (c: number) => (align[c] === 'right' ? ' class="num" style="text-align:right"' : '');
  const head = labels.map((l, c) => `<th${attr(c)}>${escapeHtml(l)}</th>`).join('');
  const body = cells.map((row) => `<tr>${row.map((v, c) => `<td${attr(c)}>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n');
  const caption = options.caption !== undefined ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<table class="fathom-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Options of `textTable`. */
export interface TextTableOptions {
  /** 'markdown' (default): a GitHub pipe table, aligned so it reads in a terminal too; 'plain': columns separated by spaces. */
  readonly style?: 'markdown' | 'plain';
}

/** Renders rows as aligned text for a terminal, as a markdown pipe table or plain columns. */
export function textTable(rows: readonly Row[], columns?: readonly (string | Column)[], options: TextTableOptions = {}): string {
  const { style = 'markdown' } = options;
  const { labels, align, cells } = resolve('textTable', rows, columns);
  // One line per row: newlines become spaces, and a markdown cell's pipes are escaped.
  const clean = (s: string) => {
    const flat = s.replace(/\r?\n|\r/g, ' ');
    return style === 'markdown' ? flat.replace(/\|/g, '\\|') : flat;
  };
  const head = labels.map(clean);
  const body = cells.map((row) => row.map(clean));
  const width = head.map((h, c) => Math.max(length(h), ...body.map((row) => length(row[c]!)), style === 'markdown' ? 3 : 1));
  const pad = (s: string, c: number) => {
    const fill = ' '.repeat(width[c]! - length(s));
    return align[c] === 'right' ? fill + s : s + fill;
  };
  if (style === 'plain') {
    const line = (row: string[]) => row.map(pad).join('  ').trimEnd();
    return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  }
  const line = (row: string[]) => `| ${row.map(pad).join(' | ')} |`;
  const rule = width.map((w, c) => (align[c] === 'right' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`));
  return [line(head), `|${rule.join('|')}|`, ...body.map(line)].join('\n');
}

/** Length in code points, so "—" and "∞" count as one column. */
function length(s: string): number {
  return [...s].length;
}
