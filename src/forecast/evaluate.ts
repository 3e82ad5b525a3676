// A forecasting evaluation end to end, shared by the CLI, the reproduce experiment and the bench
// script: read the question set, resolutions and forecasts (files or forecast runs), check that
// they refer to each other, run the leakage audit — always, before any score — then score each
// forecaster the ForecastBench way and, with several, adjust for question difficulty.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FathomError } from '../errors.js';
import type { Store } from '../store/index.js';
import { audit, type AuditOptions, type AuditReport, type QuestionContext } from './audit.js';
import { difficultyAdjusted, type AdjustedScore } from './difficulty.js';
import { checkReferences, readForecasts, readQuestions, readResolutions } from './import.js';
import { contextsFromRun, forecastsFromRun } from './runner.js';
import { ForecastDataError, isoDate, rowError, type ForecastSet, type Question, type Resolution } from './schema.js';
import { scoreForecaster, type ForecasterScore, type ScoreOptions } from './score.js';

/** Leakage was found and `strict` was asked for: exit code 3, so scripts can tell it from a usage error. */
export class LeakageError extends FathomError {
  override readonly exitCode: number = 3;
}

export interface EvaluationInput {
  questions: Question[];
  resolutions: Resolution[];
  sets: ForecastSet[];
  contexts: Map<string, QuestionContext>;
  /** Notes about what was read (skipped combination rows, unparsed run items). */
  notes: string[];
}

const contextRow = z.strictObject({
  id: z.string(),
  source: z.string(),
  documents: z.array(z.strictObject({ id: z.union([z.string(), z.number()]).transform(String), date: isoDate.nullable(), title: z.string().optional(), text: z.string() })).default([]),
  messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).default([]),
});

/** A context file: JSONL of {id, source, documents: [{id, date, title?, text}], messages: [{role, content}]}, what each question's forecaster saw. */
export function readContextFile(path: string): Map<string, QuestionContext> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ForecastDataError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path');
  }
  const out = new Map<string, QuestionContext>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new ForecastDataError(`${path}: line ${i + 1} is not JSON (${(err as Error).message})`, 'write one JSON object per line');
    }
    const r = contextRow.safeParse(raw);
    if (!r.success) throw rowError(path, `line ${i + 1}`, r.error);
    const key = `${r.data.source}/${r.data.id}`;
    const c = out.get(key) ?? { documents: [], messages: [] };
    c.documents.push(...r.data.documents.map((d) => ({ id: d.id, date: d.date, text: d.text, ...(d.title ? { title: d.title } : {}) })));
    c.messages.push(...r.data.messages);
    out.set(key, c);
  });
  return out;
}

export interface EvaluationFiles {
  questions: string;
  resolutions?: string | undefined;
  forecasts?: readonly string[];
  runs?: readonly string[];
  contexts?: readonly string[];
}

/** Reads and cross-checks every input. */
export function loadEvaluation(files: EvaluationFiles, store?: Store): EvaluationInput {
  const notes: string[] = [];
  const q = readQuestions(files.questions);
  if (q.skipped.combination) notes.push(`${q.skipped.combination} combination question(s) skipped in ${files.questions}`);
  const r = files.resolutions ? readResolutions(files.resolutions) : { rows: [], skipped: {} as Record<string, number> };
  if (r.skipped.combination) notes.push(`${r.skipped.combination} combination resolution(s) skipped`);
  const sets: ForecastSet[] = [];
  for (const spec of files.forecasts ?? []) {
    const f = readForecasts(spec);
    if (f.skipped.combination) notes.push(`${f.skipped.combination} combination forecast(s) of ${f.forecaster} skipped`);
    sets.push({ forecaster: f.forecaster, forecasts: f.forecasts });
  }
  const contexts = new Map<string, QuestionContext>();
  const merge = (m: Map<string, QuestionContext>) => {
    for (const [k, c] of m) {
      const have = contexts.get(k);
      if (!have) contexts.set(k, c);
      else {
        have.documents.push(...c.documents);
        have.messages.push(...c.messages);
        if (c.excluded) have.excluded = { afterFreeze: (have.excluded?.afterFreeze ?? 0) + c.excluded.afterFreeze, undated: (have.excluded?.undated ?? 0) + c.excluded.undated };
      }
    }
  };
  for (const id of files.runs ?? []) {
    if (!store) throw new ForecastDataError(`forecast: run ${id} needs a workspace`, 'pass --workspace');
    const f = forecastsFromRun(store, id);
    if (f.unparsed || f.errors) notes.push(`run ${id} (${f.forecaster}): ${f.unparsed} unparsed and ${f.errors} errored item(s) are not forecasts and are not scored`);
    sets.push({ forecaster: f.forecaster, forecasts: f.forecasts });
    merge(contextsFromRun(store, id));
  }
  for (const path of files.contexts ?? []) merge(readContextFile(path));
  const names = new Set<string>();
  for (const s of sets) {
    if (names.has(s.forecaster)) throw new ForecastDataError(`forecast: two forecast sets are both named "${s.forecaster}"`, 'name them apart with name=path, e.g. --forecasts a=one.json b=two.json');
    names.add(s.forecaster);
  }
  checkReferences(q.rows, r.rows, sets, { ...(files.resolutions ? { resolutions: files.resolutions } : {}), forecasts: [...(files.forecasts ?? []), ...(files.runs ?? []).map((id) => `run ${id}`)] });
  return { questions: q.rows, resolutions: r.rows, sets, contexts, notes };
}

export interface Evaluation {
  audit: AuditReport;
  scores: ForecasterScore[];
  /** With two or more forecasters: the difficulty-adjusted Brier and Brier Index. */
  adjusted: AdjustedScore[] | null;
  adjustmentConverged: boolean;
  notes: string[];
}

/** The audit, then the scores; `strict` stops at the audit when it finds anything. */
export function evaluate(input: EvaluationInput, options: { audit?: AuditOptions; score?: ScoreOptions; strict?: boolean } = {}): Evaluation {
  const report = audit(input, options.audit ?? {});
  if (options.strict && report.findings.length) {
    const checks = report.summary.filter((s) => s.status === 'found').map((s) => `${s.check} (${s.flagged})`);
    throw new LeakageError(`forecast: the leakage audit found ${report.findings.length} finding(s): ${checks.join(', ')}; no scores shown under --strict`, 'run `fathom forecast audit` to see each finding; remove the leaking questions or documents, or drop --strict');
  }
  const scores = input.sets.map((s) => scoreForecaster(input.questions, input.resolutions, s, options.score ?? {}));
  const adj = scores.length >= 2 ? difficultyAdjusted(scores) : null;
  return { audit: report, scores, adjusted: adj?.adjusted ?? null, adjustmentConverged: adj?.converged ?? true, notes: input.notes };
}
