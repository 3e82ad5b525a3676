// The forecasting data model (ForecastBench's, arXiv:2409.19839, as the 2025 question sets write
// it): questions with open / close / freeze datetimes, the crowd or market value at freeze and one
// or more resolution dates (horizons); resolutions keyed by (source, id, direction,
// resolution_date); forecasts with the same key plus a probability. Every file is validated row by
// row with zod, and every problem names the file, the row and the field.
import { z } from 'zod';
import { UsageError } from '../errors.js';

/** Market questions have one outcome (the crowd value at freeze is a probability); dataset questions resolve at several horizons. */
export type QuestionKind = 'market' | 'dataset';

export interface Question {
  id: string;
  source: string;
  kind: QuestionKind;
  text: string;
  background: string;
  resolutionCriteria: string;
  url: string | null;
  /** ISO datetimes; null when the source has none (dataset questions have no market dates). */
  openDate: string | null;
  closeDate: string | null;
  /** The "as of" moment: the forecaster may know nothing later than this. */
  freezeDate: string;
  /** The crowd / market probability at freeze (market questions only). */
  crowd: number | null;
  /** The raw value at freeze as the source gives it (for dataset questions: the series value). */
  freezeValue: string | null;
  /** Dataset questions: the horizons (YYYY-MM-DD). Market questions: empty (they resolve once). */
  resolutionDates: string[];
  /** The backtest period the question belongs to (the question set's due date, or the freeze month). */
  period: string;
}

export interface Resolution {
  id: string;
  source: string;
  direction: string | null;
  /** YYYY-MM-DD */
  resolutionDate: string;
  /** The outcome in [0, 1]; for an unresolved market question, its market value on that date. */
  value: number;
  resolved: boolean;
}

export interface Forecast {
  id: string;
  source: string;
  direction: string | null;
  /** null: applies to every resolution date of the question (market questions). */
  resolutionDate: string | null;
  probability: number;
  reasoning?: string;
}

export interface ForecastSet {
  forecaster: string;
  forecasts: Forecast[];
}

/** A forecasting data file that does not validate: names the file, the row and the field. */
export class ForecastDataError extends UsageError {}

export const questionKey = (q: { source: string; id: string }): string => `${q.source}/${q.id}`;
export const outcomeKey = (r: { source: string; id: string; direction: string | null }, date: string): string => `${r.source}/${r.id}/${r.direction ?? ''}/${date}`;

/** A `YYYY-MM-DD` day, or an ISO datetime (offset optional), as accepted in every date field. */
export const isoDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && Number.isFinite(Date.parse(s.replace(' ', 'T'))), { message: 'is not a date (write YYYY-MM-DD or an ISO datetime)' });

/** Milliseconds since the epoch; a bare day is read as 00:00 UTC. */
export function timeOf(date: string): number {
  const s = date.replace(' ', 'T');
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : /[Zz]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s}Z`);
}

/** The UTC day of a date or datetime. */
export const dayOf = (date: string): string => new Date(timeOf(date)).toISOString().slice(0, 10);

export const probability = z.number({ message: 'must be a number' }).refine(Number.isFinite, { message: 'must be a finite number' }).refine((p) => p >= 0 && p <= 1, { message: 'is outside [0, 1] (write a probability, not a percentage)' });

/** Turns a zod failure on one row into an error naming the file, the row and the field. */
export function rowError(file: string, row: string, error: z.ZodError): ForecastDataError {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : '(row)';
  const what = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is missing' : issue.code === 'unrecognized_keys' ? `has unknown field(s) ${issue.keys.join(', ')}` : issue.message;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''} in this row)` : '';
  return new ForecastDataError(`${file}: ${row}, field "${field}" ${what}${more}`, hintFor(field, issue.code));
}

function hintFor(field: string, code: string): string {
  if (/forecast|probability|crowd|resolved_to|value/.test(field)) return 'probabilities and outcomes are numbers in [0, 1]';
  if (/date/.test(field)) return 'write dates as YYYY-MM-DD or ISO datetimes (2025-10-16T00:00:00+00:00)';
  if (code === 'unrecognized_keys') return 'remove the field, or check its spelling against `fathom forecast --help`';
  return 'see the file formats in `fathom forecast --help`';
}

/** Throws a ForecastDataError for the second row with a key already seen. */
export function checkUnique<T>(file: string, rows: readonly T[], key: (r: T) => string, label: (i: number) => string, field: string): void {
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const k = key(r);
    const first = seen.get(k);
    if (first !== undefined) throw new ForecastDataError(`${file}: ${label(i)}, field "${field}" repeats the key ${k} of ${label(first)}`, 'each key appears once: remove or merge the duplicate');
    seen.set(k, i);
  });
}
