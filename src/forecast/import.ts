// Importers for forecasting data: ForecastBench's question-set, resolution-set and forecast-set
// JSON files (github.com/forecastingresearch/forecastbench-datasets), and a plain JSONL/CSV form of
// the same fields. A `.json` file is read as ForecastBench's (by its top-level key: questions,
// resolutions or forecasts); `.jsonl` and `.csv` as the plain form. Market questions are those
// with resolution_dates "N/A" (ForecastBench's own test); their freeze value is the crowd
// probability. Combination questions (an id that is a list) are counted and skipped: fathom scores
// single questions only.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { readRecords } from '../eval/index.js';
import {
  ForecastDataError, checkUnique, dayOf, isoDate, outcomeKey, probability, questionKey, rowError,
  type Forecast, type ForecastSet, type Question, type Resolution,
} from './schema.js';

export interface Imported<T> {
  rows: T[];
  /** Rows left out on purpose, by reason (e.g. {combination: 12}). */
  skipped: Record<string, number>;
  /** The question set's due date, when the file names one. */
  dueDate: string | null;
}

const na = (v: string | null | undefined): string | null => (v === undefined || v === null || v === '' || v === 'N/A' ? null : v);

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ForecastDataError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ForecastDataError(`${path}: is not JSON (${(err as Error).message})`, 'a ForecastBench file is one JSON object; use .jsonl for one object per line');
  }
}

function topLevel(path: string, key: 'questions' | 'resolutions' | 'forecasts'): { list: unknown[]; dueDate: string | null; doc: Record<string, unknown> } {
  const doc = readJson(path);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !Array.isArray((doc as Record<string, unknown>)[key])) {
    throw new ForecastDataError(`${path}: not a ForecastBench ${key.slice(0, -1)} set (no "${key}" list at the top level)`, `pass the ${key.slice(0, -1)}-set file here, or a .jsonl/.csv file in the plain format`);
  }
  const d = doc as Record<string, unknown>;
  const due = typeof d.forecast_due_date === 'string' ? d.forecast_due_date : null;
  return { list: d[key] as unknown[], dueDate: due, doc: d };
}

const isCombination = (row: unknown): boolean => typeof row === 'object' && row !== null && Array.isArray((row as { id?: unknown }).id);
const rowLabel = (i: number, row: unknown): string => {
  const id = typeof row === 'object' && row !== null ? (row as { id?: unknown }).id : undefined;
  return `row ${i + 1}${typeof id === 'string' ? ` (id "${id}")` : ''}`;
};

// ForecastBench rows: extra keys are allowed (the format grows), the ones we read are checked.
const fbQuestion = z.object({
  id: z.string(),
  source: z.string().min(1),
  question: z.string(),
  resolution_criteria: z.string().default(''),
  background: z.string().default(''),
  market_info_open_datetime: z.string().nullable().optional(),
  market_info_close_datetime: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
  freeze_datetime: isoDate,
  freeze_datetime_value: z.union([z.string(), z.number()]).nullable().optional(),
  resolution_dates: z.union([z.literal('N/A'), z.array(isoDate).min(1)]),
});

function optionalDate(file: string, label: string, field: string, v: string | null | undefined): string | null {
  const s = na(v);
  if (s === null) return null;
  const ok = isoDate.safeParse(s.length === 10 ? s : s.replace(' ', 'T'));
  if (!ok.success) throw new ForecastDataError(`${file}: ${label}, field "${field}" is not a date: "${s}"`, 'write dates as YYYY-MM-DD or ISO datetimes');
  return s;
}

function marketCrowd(file: string, label: string, raw: string | number | null | undefined): number | null {
  const s = raw === undefined || raw === null ? null : typeof raw === 'number' ? raw : na(raw) === null ? null : Number(raw);
  if (s === null) return null;
  if (!Number.isFinite(s) || s < 0 || s > 1) throw new ForecastDataError(`${file}: ${label}, field "freeze_datetime_value" is ${JSON.stringify(raw)}, outside [0, 1] for a market question`, 'a market question\'s freeze value is the crowd probability in [0, 1]');
  return s;
}

/** Reads a ForecastBench question set (`<date>-llm.json`). */
export function readQuestionSet(path: string): Imported<Question> {
  const { list, dueDate } = topLevel(path, 'questions');
  const rows: Question[] = [];
  let combination = 0;
  list.forEach((raw, i) => {
    if (isCombination(raw)) { combination++; return; }
    const label = rowLabel(i, raw);
    const r = fbQuestion.safeParse(raw);
    if (!r.success) throw rowError(path, label, r.error);
    const q = r.data;
    const market = q.resolution_dates === 'N/A';
    rows.push({
      id: q.id, source: q.source, kind: market ? 'market' : 'dataset', text: q.question, background: q.background, resolutionCriteria: q.resolution_criteria,
      url: na(q.url), openDate: optionalDate(path, label, 'market_info_open_datetime', q.market_info_open_datetime), closeDate: optionalDate(path, label, 'market_info_close_datetime', q.market_info_close_datetime),
      freezeDate: q.freeze_datetime, crowd: market ? marketCrowd(path, label, q.freeze_datetime_value) : null,
      freezeValue: q.freeze_datetime_value === undefined || q.freeze_datetime_value === null ? null : String(q.freeze_datetime_value),
      resolutionDates: market ? [] : (q.resolution_dates as string[]).map(dayOf), period: dueDate ?? dayOf(q.freeze_datetime).slice(0, 7),
    });
  });
  checkUnique(path, rows, questionKey, (i) => `row ${i + 1}`, 'id');
  return { rows, skipped: combination ? { combination } : {}, dueDate };
}

const fbResolution = z.object({
  id: z.string(),
  source: z.string().min(1),
  direction: z.string().nullable().optional(),
  resolution_date: isoDate,
  resolved_to: probability,
  resolved: z.boolean(),
});

/** Reads a ForecastBench resolution set (`<date>_resolution_set.json`). */
export function readResolutionSet(path: string): Imported<Resolution> {
  const { list, dueDate } = topLevel(path, 'resolutions');
  const rows: Resolution[] = [];
  let combination = 0;
  list.forEach((raw, i) => {
    if (isCombination(raw)) { combination++; return; }
    const r = fbResolution.safeParse(raw);
    if (!r.success) throw rowError(path, rowLabel(i, raw), r.error);
    rows.push({ id: r.data.id, source: r.data.source, direction: r.data.direction ?? null, resolutionDate: dayOf(r.data.resolution_date), value: r.data.resolved_to, resolved: r.data.resolved });
  });
  checkUnique(path, rows, (r) => outcomeKey(r, r.resolutionDate), (i) => `row ${i + 1}`, 'resolution_date');
  return { rows, skipped: combination ? { combination } : {}, dueDate };
}

const fbForecast = z.object({
  id: z.string(),
  source: z.string().min(1),
  direction: z.string().nullable().optional(),
  resolution_date: isoDate.nullable().optional(),
  forecast: probability,
  reasoning: z.string().nullable().optional(),
});

const forecastKey = (f: Forecast): string => outcomeKey(f, f.resolutionDate ?? '*');

/** Reads a ForecastBench forecast set (`{organization, model, forecasts: [...]}`). */
export function readForecastSet(path: string, name?: string): Imported<Forecast> & { forecaster: string } {
  const { list, dueDate, doc } = topLevel(path, 'forecasts');
  const rows: Forecast[] = [];
  let combination = 0;
  list.forEach((raw, i) => {
    if (isCombination(raw)) { combination++; return; }
    const r = fbForecast.safeParse(raw);
    if (!r.success) throw rowError(path, rowLabel(i, raw), r.error);
    const f: Forecast = { id: r.data.id, source: r.data.source, direction: r.data.direction ?? null, resolutionDate: r.data.resolution_date ? dayOf(r.data.resolution_date) : null, probability: r.data.forecast };
    if (r.data.reasoning) f.reasoning = r.data.reasoning;
    rows.push(f);
  });
  checkUnique(path, rows, forecastKey, (i) => `row ${i + 1}`, 'resolution_date');
  const model = typeof doc.model === 'string' ? doc.model : undefined;
  const org = typeof doc.organization === 'string' ? doc.organization : undefined;
  return { rows, skipped: combination ? { combination } : {}, dueDate, forecaster: name ?? (model ? `${org ? `${org}/` : ''}${model}` : basename(path, extname(path))) };
}

// The plain form: one row per question / resolution / forecast, in JSONL or CSV. CSV cells are
// strings, so numbers, booleans and lists are read from text; empty cells are absent.
const blank = (v: unknown): unknown => (v === '' || v === null ? undefined : v);
const toNumber = (v: unknown): unknown => (typeof v === 'string' && v.trim() !== '' ? Number(v) : blank(v));
const toBool = (v: unknown): unknown => (v === 'true' || v === '1' || v === 1 ? true : v === 'false' || v === '0' || v === 0 ? false : blank(v));
function toList(v: unknown): unknown {
  if (typeof v !== 'string') return blank(v);
  if (!v.trim().startsWith('[')) return v.split(/[;|]/).map((s) => s.trim()).filter(Boolean);
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v; // not a list: the schema says so, naming the field
  }
}
const str = z.preprocess(blank, z.string());
const optStr = z.preprocess(blank, z.string().optional());
const date = z.preprocess(blank, isoDate);
const optDate = z.preprocess(blank, isoDate.optional());

const plainQuestion = z.strictObject({
  id: str, source: str, kind: z.preprocess(blank, z.enum(['market', 'dataset']).optional()), question: str,
  background: optStr, resolution_criteria: optStr, url: optStr,
  open_date: optDate, close_date: optDate, freeze_date: date,
  crowd: z.preprocess(toNumber, probability.optional()), freeze_value: optStr, resolution_dates: z.preprocess(toList, z.array(isoDate).optional()), period: optStr,
});
const plainResolution = z.strictObject({ id: str, source: str, direction: optStr, resolution_date: date, resolved_to: z.preprocess(toNumber, probability), resolved: z.preprocess(toBool, z.boolean().default(true)) });
const plainForecast = z.strictObject({ id: str, source: str, direction: optStr, resolution_date: optDate, forecast: z.preprocess(toNumber, probability), reasoning: optStr });

const lineLabel = (line: number, row: Record<string, unknown>): string => `line ${line}${typeof row.id === 'string' && row.id ? ` (id "${row.id}")` : ''}`;

function plainRows<S extends z.ZodType>(path: string, schema: S): { line: number; data: z.output<S> }[] {
  return readRecords(path).map(({ line, row }) => {
    const r = schema.safeParse(row);
    if (!r.success) throw rowError(path, lineLabel(line, row), r.error);
    return { line, data: r.data };
  });
}

export function readPlainQuestions(path: string): Imported<Question> {
  const parsed = plainRows(path, plainQuestion);
  const rows = parsed.map(({ data: q, line }): Question => {
    const kind = q.kind ?? (q.resolution_dates?.length ? 'dataset' : 'market');
    if (kind === 'dataset' && !q.resolution_dates?.length) throw new ForecastDataError(`${path}: line ${line} (id "${q.id}"), field "resolution_dates" is missing for a dataset question`, 'list its horizons, e.g. "2025-11-02;2025-11-25", or set kind to market');
    if (kind === 'dataset' && q.crowd !== undefined) throw new ForecastDataError(`${path}: line ${line} (id "${q.id}"), field "crowd" is set on a dataset question`, 'only market questions carry a crowd probability; put a series value in freeze_value');
    return {
      id: q.id, source: q.source, kind, text: q.question, background: q.background ?? '', resolutionCriteria: q.resolution_criteria ?? '', url: q.url ?? null,
      openDate: q.open_date ?? null, closeDate: q.close_date ?? null, freezeDate: q.freeze_date, crowd: q.crowd ?? null,
      freezeValue: q.freeze_value ?? (q.crowd !== undefined ? String(q.crowd) : null), resolutionDates: (q.resolution_dates ?? []).map(dayOf), period: q.period ?? dayOf(q.freeze_date).slice(0, 7),
    };
  });
  checkUnique(path, rows, questionKey, (i) => `line ${parsed[i]!.line}`, 'id');
  return { rows, skipped: {}, dueDate: null };
}

export function readPlainResolutions(path: string): Imported<Resolution> {
  const parsed = plainRows(path, plainResolution);
  const rows = parsed.map(({ data: r }): Resolution => ({ id: r.id, source: r.source, direction: r.direction ?? null, resolutionDate: dayOf(r.resolution_date), value: r.resolved_to, resolved: r.resolved }));
  checkUnique(path, rows, (r) => outcomeKey(r, r.resolutionDate), (i) => `line ${parsed[i]!.line}`, 'resolution_date');
  return { rows, skipped: {}, dueDate: null };
}

export function readPlainForecasts(path: string, name?: string): Imported<Forecast> & { forecaster: string } {
  const parsed = plainRows(path, plainForecast);
  const rows = parsed.map(({ data: f }): Forecast => ({ id: f.id, source: f.source, direction: f.direction ?? null, resolutionDate: f.resolution_date ? dayOf(f.resolution_date) : null, probability: f.forecast, ...(f.reasoning ? { reasoning: f.reasoning } : {}) }));
  checkUnique(path, rows, forecastKey, (i) => `line ${parsed[i]!.line}`, 'resolution_date');
  return { rows, skipped: {}, dueDate: null, forecaster: name ?? basename(path, extname(path)) };
}

const isPlain = (path: string): boolean => ['.jsonl', '.ndjson', '.csv'].includes(extname(path).toLowerCase());

/** A questions file of either form. */
export const readQuestions = (path: string): Imported<Question> => (isPlain(path) ? readPlainQuestions(path) : readQuestionSet(path));
export const readResolutions = (path: string): Imported<Resolution> => (isPlain(path) ? readPlainResolutions(path) : readResolutionSet(path));
/** A forecasts file of either form; `name=path` names the forecaster. */
export function readForecasts(spec: string): Imported<Forecast> & ForecastSet {
  const eq = spec.indexOf('=');
  const [name, path] = eq > 0 && !spec.slice(0, eq).includes('/') ? [spec.slice(0, eq), spec.slice(eq + 1)] : [undefined, spec];
  const r = isPlain(path) ? readPlainForecasts(path, name) : readForecastSet(path, name);
  return { ...r, forecasts: r.rows };
}

/**
 * Cross-file checks: every resolution and forecast names a known question, and a forecast's
 * resolution date is one of the question's horizons. Returns the rows that fail as errors.
 */
export function checkReferences(questions: readonly Question[], resolutions: readonly Resolution[], sets: readonly ForecastSet[], files: { resolutions?: string; forecasts?: readonly string[] } = {}): void {
  const byKey = new Map(questions.map((q) => [questionKey(q), q]));
  resolutions.forEach((r, i) => {
    if (!byKey.has(questionKey(r))) throw new ForecastDataError(`${files.resolutions ?? 'resolutions'}: row ${i + 1}, field "id" names an unknown question ${questionKey(r)}`, 'resolutions and questions must come from the same question set');
  });
  sets.forEach((s, k) => s.forecasts.forEach((f, i) => {
    const q = byKey.get(questionKey(f));
    const file = files.forecasts?.[k] ?? `forecasts of ${s.forecaster}`;
    if (!q) throw new ForecastDataError(`${file}: row ${i + 1}, field "id" names an unknown question ${questionKey(f)}`, 'forecasts and questions must come from the same question set');
    if (f.resolutionDate !== null && q.kind === 'dataset' && !q.resolutionDates.includes(f.resolutionDate)) {
      throw new ForecastDataError(`${file}: row ${i + 1} (id "${f.id}"), field "resolution_date" ${f.resolutionDate} is not one of the question's resolution dates (${q.resolutionDates.join(', ')})`, 'forecast the horizons the question set lists');
    }
  }));
}
