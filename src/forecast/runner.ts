// The forecaster runner: any provider answers each question as of its freeze date with a
// probability. It is an eval Task run by eval's stage runner — prompt, response, extracted
// probability, each stored per item — so a forecast run is cached (the request cache), resumable
// after a kill and retried like every eval run. One item per market question and one per
// (dataset question, resolution date); `retry` re-requests only the failed items. With a corpus, each question gets the BM25 top-k documents
// dated up to its freeze date (retrieval.ts); what was retrieved and what was kept out is stored
// with the run (contexts.jsonl) for the leakage audit.
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { runTask, type ModelRef, type RunMode, type RunTaskResult, type Sample, type Scorer, type Solver, type Stages, type Task } from '../eval/index.js';
import { LlmPool, parseModelSpec, readProvidersFile, type Message } from '../llm/index.js';
import type { Progress } from '../log/index.js';
import { Run, type Store } from '../store/index.js';
import type { QuestionContext } from './audit.js';
import { readQuestions } from './import.js';
import { parseProbability } from './parse.js';
import { DatedIndex, readDocuments } from './retrieval.js';
import { dayOf, questionKey, type Forecast, type ForecastSet, type Question } from './schema.js';

export const forecastRunSchema = z.strictObject({
  name: z.string().optional().describe('a name for the run (default: the forecaster on the question file)'),
  questions: z.string().describe('question set: ForecastBench JSON, or plain JSONL/CSV'),
  forecaster: z.string().describe('provider:model of the forecaster, e.g. openai:gpt-4o-mini'),
  temperature: z.number().min(0).default(0).describe('sampling temperature of the forecaster'),
  maxTokens: z.number().int().positive().optional().describe('generation limit (unset: the provider\'s)'),
  corpus: z.string().optional().describe('"sotu" or a JSONL/CSV of {id, date, title, text}; unset: no retrieval'),
  k: z.number().int().positive().default(5).describe('documents retrieved per question'),
  limit: z.number().int().positive().optional().describe('only the first N questions'),
  providersFile: z.string().optional().describe('a JSON/YAML file of named provider instances'),
  providers: z.record(z.string(), z.unknown()).default({}).describe('named provider instances, as in a providers file'),
  concurrency: z.number().int().positive().default(8).describe('items in flight at once'),
});
export type ForecastRunConfig = z.output<typeof forecastRunSchema>;

export interface ForecastRunHooks {
  /** Use this pool (code-made providers, tests) instead of building one from the config. */
  pool?: LlmPool;
  progress?: (total: number) => Progress;
}

export interface ForecastRunOutcome {
  runId: string;
  work: RunTaskResult;
  summary: ForecastRunSummary;
}

export interface ForecastRunSummary {
  runId: string;
  name: string;
  status: string;
  items: number;
  forecasts: number;
  unparsed: number;
  refused: number;
  errors: number;
  pending: number;
  /** Documents the retriever kept out, over all questions. */
  excluded: { afterFreeze: number; undated: number };
}

const SYSTEM = (day: string) => `You are an expert forecaster. Today's date is ${day}; you know nothing that happened after it. Give calibrated probabilities.`;

/** An item per market question, one per (dataset question, resolution date): "source/id" or "source/id@YYYY-MM-DD". */
export function itemsOf(q: Question): { itemId: string; resolutionDate: string | null }[] {
  return q.kind === 'market' ? [{ itemId: questionKey(q), resolutionDate: null }] : q.resolutionDates.map((d) => ({ itemId: `${questionKey(q)}@${d}`, resolutionDate: d }));
}

/** Reverses `itemsOf`'s ids. */
export function parseItemId(itemId: string): { source: string; id: string; resolutionDate: string | null } {
  const slash = itemId.indexOf('/');
  const at = /@(\d{4}-\d{2}-\d{2})$/.exec(itemId);
  const rest = itemId.slice(slash + 1, at ? itemId.length - at[0].length : undefined);
  return { source: itemId.slice(0, slash), id: rest, resolutionDate: at ? at[1]! : null };
}

const fill = (text: string, q: Question, date: string | null): string => text.replaceAll('{forecast_due_date}', dayOf(q.freezeDate)).replaceAll('{resolution_date}', date ?? 'the resolution date');

/** The messages a question is asked with, as of its freeze date. The crowd value is never included (piggybacking). */
export function forecastMessages(q: Question, resolutionDate: string | null, documents: QuestionContext['documents']): Message[] {
  const day = dayOf(q.freezeDate);
  const lines = [`Question: ${fill(q.text, q, resolutionDate)}`];
  if (q.background.trim()) lines.push('', `Background: ${fill(q.background, q, resolutionDate)}`);
  if (q.resolutionCriteria.trim()) lines.push('', `Resolution criteria: ${fill(q.resolutionCriteria, q, resolutionDate)}`);
  if (q.kind === 'dataset' && q.freezeValue !== null) lines.push('', `Latest value as of ${day}: ${q.freezeValue}`);
  if (documents.length) {
    lines.push('', `Documents published on or before ${day}:`);
    documents.forEach((d, i) => lines.push(`[${i + 1}] ${d.title ?? d.id}${d.date ? ` (${dayOf(d.date)})` : ''}\n${d.text}`));
  }
  lines.push('', 'Think briefly, then give the probability that the question resolves Yes as <probability>0.xx</probability>.');
  return [{ role: 'system', content: SYSTEM(day) }, { role: 'user', content: lines.join('\n') }];
}

/** Records that a probability was read (score 1) or not (unparsed); the forecast is scored later, against resolutions. */
const recorded: Scorer = {
  name: 'forecast-recorded', summary: 'a probability was read from the answer', usesModel: false, needs: 'none',
  score: async ({ extracted }) => (extracted.status === 'ok'
    ? { status: 'ok', match: true, method: extracted.method ?? 'probability', raw: null, error: null }
    : { status: 'unparsed', match: null, method: 'none', raw: null, error: null }),
};

function pool(config: ForecastRunConfig, store: Store, hooks: ForecastRunHooks): LlmPool {
  return hooks.pool ?? new LlmPool({ store, providers: { ...(config.providersFile ? readProvidersFile(config.providersFile) : {}), ...config.providers } });
}

function contexts(config: ForecastRunConfig, questions: readonly Question[], progress?: Progress): Map<string, QuestionContext> {
  const out = new Map<string, QuestionContext>();
  const index = config.corpus ? new DatedIndex(readDocuments(config.corpus)) : null;
  for (const q of questions) {
    if (!index) { out.set(questionKey(q), { documents: [], messages: [] }); continue; }
    const r = index.search(fill(q.text, q, null).replace(/\{[^}]*\}/g, ' '), q.freezeDate, config.k);
    out.set(questionKey(q), { documents: r.documents.map(({ score: _score, ...d }) => d), messages: [], excluded: r.excluded });
    progress?.tick();
  }
  return out;
}

async function execute(store: Store, run: Run, config: ForecastRunConfig, hooks: ForecastRunHooks, mode: Exclude<RunMode, 'rescore'> = 'run'): Promise<ForecastRunOutcome> {
  const all = readQuestions(config.questions).rows;
  const questions = config.limit ? all.slice(0, config.limit) : all;
  if (!questions.length) throw new UsageError(`forecast run: ${config.questions} has no questions`, 'check the file (and --limit)');
  const { provider, model } = parseModelSpec(config.forecaster, '--forecaster');
  const p = pool(config, store, hooks);
  const candidate: ModelRef = { client: p.client(provider), model, params: { temperature: config.temperature, ...(config.maxTokens ? { maxTokens: config.maxTokens } : {}) } };
  // Retrieval is deterministic; a resumed run reads back what the first call stored.
  let ctx: Map<string, QuestionContext>;
  if (store.artifacts(run.id).some((a) => a.path === 'contexts.jsonl')) ctx = readContexts(run);
  else {
    ctx = contexts(config, questions);
    run.addArtifact('contexts.jsonl', [...ctx].map(([question, c]) => JSON.stringify({ question, ...c })).join('\n'), 'forecast-contexts');
  }
  const byItem = new Map<string, Message[]>();
  const samples: Sample[] = [];
  for (const q of questions) {
    for (const { itemId, resolutionDate } of itemsOf(q)) {
      byItem.set(itemId, forecastMessages(q, resolutionDate, ctx.get(questionKey(q))?.documents ?? []));
      samples.push({ id: itemId, question: fill(q.text, q, resolutionDate), category: q.source });
    }
  }
  const solver: Solver = { name: 'forecast', summary: 'a probability as of the freeze date', needs: 'question', prompt: (s) => byItem.get(s.id)!, extract: (text) => parseProbability(text) };
  const task: Task = { name: run.record.name, samples, solver, scorer: recorded };
  const progress = hooks.progress?.(samples.length);
  const running = store.reopenRun(run.id);
  try {
    const work = await runTask({ store, runId: run.id, task, candidate, matcher: undefined, mode, concurrency: config.concurrency, ...(progress ? { progress } : {}) });
    progress?.done();
    running.finish('completed');
    return { runId: run.id, work, summary: forecastRunSummary(store, run.id) };
  } catch (err) {
    running.finish('failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** Starts a forecast run. */
export function startForecastRun(store: Store, config: ForecastRunConfig, hooks: ForecastRunHooks = {}): Promise<ForecastRunOutcome> {
  const stored = { ...config, providers: Object.fromEntries(Object.entries(config.providers).map(([k, v]) => [k, typeof v === 'object' && v !== null && 'apiKey' in v ? { ...v, apiKey: '<redacted>' } : v])) };
  const run = store.createRun({ kind: 'forecast', name: config.name ?? `${config.forecaster} on ${config.questions}`, config: stored });
  return execute(store, run, config, hooks);
}

function forecastRun(store: Store, id: string): { run: Run; config: ForecastRunConfig; status: string; name: string } {
  const record = store.getRun(id);
  if (record.kind !== 'forecast') throw new UsageError(`run ${record.id} is a ${record.kind} run, not a forecast run`, 'list forecast runs with `fathom runs ls --kind forecast`');
  return { run: new Run(store, record.id), config: forecastRunSchema.parse(record.config), status: record.status, name: record.name };
}

/** Continues a forecast run after a kill: finished items are skipped, stored answers reused. */
export function resumeForecastRun(store: Store, id: string, hooks: ForecastRunHooks = {}): Promise<ForecastRunOutcome> {
  const { run, config, status } = forecastRun(store, id);
  if (status === 'running' && run.record.pid !== process.pid) throw new UsageError(`run ${run.id} is still running (pid ${run.record.pid ?? '?'})`, 'wait for it, or stop that process first');
  return execute(store, run, config, hooks);
}

/** Re-requests only the items whose request failed (the cache bypassed); answered items are kept. */
export function retryForecastRun(store: Store, id: string, hooks: ForecastRunHooks = {}): Promise<ForecastRunOutcome> {
  const { run, config, status } = forecastRun(store, id);
  if (status === 'running' && run.record.pid !== process.pid) throw new UsageError(`run ${run.id} is still running (pid ${run.record.pid ?? '?'})`, 'wait for it, or stop that process first');
  return execute(store, run, config, hooks, 'retry');
}

function readContexts(run: Run): Map<string, QuestionContext> {
  const out = new Map<string, QuestionContext>();
  for (const line of run.readArtifact('contexts.jsonl').toString('utf8').split('\n')) {
    if (!line.trim()) continue;
    const { question, ...c } = JSON.parse(line) as { question: string } & QuestionContext;
    out.set(question, c);
  }
  return out;
}

/** A run's forecasts (items with a probability) as a forecast set; unparsed and errored items are not forecasts. */
export function forecastsFromRun(store: Store, id: string): ForecastSet & { unparsed: number; errors: number } {
  const { run, name } = forecastRun(store, id);
  const forecasts: Forecast[] = [];
  let unparsed = 0;
  let errors = 0;
  for (const item of store.items(run.id)) {
    const s = item.stages as unknown as Stages;
    if (s.score?.status === 'ok' && s.extracted?.answer) {
      const { source, id: qid, resolutionDate } = parseItemId(item.itemId);
      forecasts.push({ id: qid, source, direction: null, resolutionDate, probability: Number(s.extracted.answer) });
    } else if (s.score?.status === 'unparsed') unparsed++;
    else if (s.score) errors++;
  }
  return { forecaster: name, forecasts, unparsed, errors };
}

/** What each question's forecaster saw: retrieved documents (from the run's contexts) and the stored prompts. */
export function contextsFromRun(store: Store, id: string): Map<string, QuestionContext> {
  const { run } = forecastRun(store, id);
  const out = store.artifacts(run.id).some((a) => a.path === 'contexts.jsonl') ? readContexts(run) : new Map<string, QuestionContext>();
  for (const item of store.items(run.id)) {
    const s = item.stages as unknown as Stages;
    const { source, id: qid } = parseItemId(item.itemId);
    const key = `${source}/${qid}`;
    const c = out.get(key) ?? { documents: [], messages: [] };
    if (s.prompt) c.messages.push(...s.prompt.messages.filter((m) => !c.messages.some((x) => x.content === m.content)));
    out.set(key, c);
  }
  return out;
}

export function forecastRunSummary(store: Store, id: string): ForecastRunSummary {
  const { run, name, status } = forecastRun(store, id);
  const config = forecastRunSchema.parse(run.record.config);
  const items = store.items(run.id).map((i) => i.stages as unknown as Stages);
  const count = (st: string) => items.filter((s) => s.score?.status === st).length;
  const total = readQuestionsCount(config);
  const excluded = { afterFreeze: 0, undated: 0 };
  if (store.artifacts(run.id).some((a) => a.path === 'contexts.jsonl')) {
    for (const c of readContexts(run).values()) {
      excluded.afterFreeze += c.excluded?.afterFreeze ?? 0;
      excluded.undated += c.excluded?.undated ?? 0;
    }
  }
  return { runId: run.id, name, status, items: total, forecasts: count('ok'), unparsed: count('unparsed'), refused: count('refused'), errors: count('error'), pending: total - items.filter((s) => s.score).length, excluded };
}

function readQuestionsCount(config: ForecastRunConfig): number {
  try {
    const qs = readQuestions(config.questions).rows;
    return (config.limit ? qs.slice(0, config.limit) : qs).reduce((n, q) => n + itemsOf(q).length, 0);
  } catch {
    return Number.NaN;
  }
}
