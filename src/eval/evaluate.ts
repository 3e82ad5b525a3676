// The eval operations on the run store, shared by the CLI, the reproduce experiment and tests:
// start a run, resume one after a kill, retry its errored items, rescore it with another scorer
// into a new run, and summarise a run (accuracy with a bootstrap CI; errors apart).
import { UsageError } from '../errors.js';
import { runUsage, type LlmPool, type UsageCounters } from '../llm/index.js';
import type { Progress } from '../log/index.js';
import type { RunRecord, Store } from '../store/index.js';
import { runTask, type RunMode, type RunTaskResult } from './runner.js';
import { accuracy, type AccuracySummary } from './stats.js';
import { assembleTask, buildPool, evalConfigSchema, redactConfig, type EvalConfig } from './task.js';
import type { Stages } from './types.js';

export interface EvalOutcome {
  runId: string;
  work: RunTaskResult;
  summary: EvalSummary;
}

export interface EvalHooks {
  /** Use this pool instead of building one from the config (code-made providers, tests). */
  pool?: LlmPool;
  progress?: (total: number) => Progress;
  writeBatch?: { maxItems?: number; maxMs?: number };
}

async function execute(store: Store, runId: string, config: EvalConfig, mode: RunMode, hooks: EvalHooks, source?: Parameters<typeof runTask>[0]['source']): Promise<EvalOutcome> {
  const pool = hooks.pool ?? buildPool(config, store);
  const needCandidate = mode !== 'rescore';
  const { task, candidate, matcher, filter } = assembleTask(config, pool, { needCandidate });
  const progress = hooks.progress?.(mode === 'rescore' ? (source?.length ?? 0) : task.samples.length);
  const running = store.reopenRun(runId);
  try {
    // Local models load now, so a missing file or library is one clear error, not N errored items.
    for (const ref of [candidate, matcher, filter?.model]) if (ref) await ref.client.provider.prepare?.(ref.model);
    const work = await runTask({
      store, runId, task, candidate, matcher, filter, mode, concurrency: config.concurrency,
      ...(source ? { source } : {}), ...(progress ? { progress } : {}), ...(hooks.writeBatch ? { writeBatch: hooks.writeBatch } : {}),
    });
    progress?.done();
    running.finish('completed');
    return { runId, work, summary: summarize(store, runId) };
  } catch (err) {
    running.finish('failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** Starts a new eval run. */
export function startEval(store: Store, config: EvalConfig, hooks: EvalHooks = {}): Promise<EvalOutcome> {
  const run = store.createRun({ kind: 'eval', name: config.name ?? `${config.solver}/${config.scorer} on ${config.dataset.path}`, config: redactConfig(config) });
  return execute(store, run.id, config, 'run', hooks);
}

/** The eval config stored with a run (a rescored run also records its source as `rescoreOf`). */
function storedConfig(record: RunRecord): EvalConfig {
  const { rescoreOf: _source, ...config } = (record.config ?? {}) as Record<string, unknown>;
  return evalConfigSchema.parse(config);
}

function evalRun(store: Store, id: string): { record: RunRecord; config: EvalConfig } {
  const record = store.getRun(id);
  if (record.kind !== 'eval') throw new UsageError(`run ${record.id} is a ${record.kind} run, not an eval run`, 'list eval runs with `fathom runs ls --kind eval`');
  return { record, config: storedConfig(record) };
}

function notRunning(record: RunRecord): void {
  if (record.status === 'running' && record.pid !== process.pid) {
    throw new UsageError(`run ${record.id} is still running (pid ${record.pid ?? '?'})`, 'wait for it, or stop that process first');
  }
}

/** Continues a run after a kill: finished items are skipped and never requested again. */
export function resumeEval(store: Store, id: string, overrides: Partial<Pick<EvalConfig, 'providersFile'>> = {}, hooks: EvalHooks = {}): Promise<EvalOutcome> {
  const { record, config } = evalRun(store, id);
  notRunning(record);
  return execute(store, record.id, { ...config, ...overrides }, 'run', hooks);
}

/** Re-requests only errored items: the generation if it failed, else the verdict (cache bypassed). */
export function retryEval(store: Store, id: string, overrides: Partial<Pick<EvalConfig, 'providersFile'>> = {}, hooks: EvalHooks = {}): Promise<EvalOutcome> {
  const { record, config } = evalRun(store, id);
  notRunning(record);
  return execute(store, record.id, { ...config, ...overrides }, 'retry', hooks);
}

/** Re-scores the stored responses of a run with another scorer (and matcher) into a new run; nothing is regenerated. */
export function rescoreEval(store: Store, id: string, change: { scorer: string; matcher?: string | undefined; providersFile?: string | undefined }, hooks: EvalHooks = {}): Promise<EvalOutcome> {
  const { record, config } = evalRun(store, id);
  const next: EvalConfig = {
    ...config,
    scorer: change.scorer,
    matcher: { ...config.matcher, ...(change.matcher ? { model: change.matcher } : {}) },
    ...(change.providersFile ? { providersFile: change.providersFile } : {}),
  };
  const source = store.items(record.id);
  if (source.length === 0) throw new UsageError(`run ${record.id} has no stored items to rescore`, 'run it first with `fathom eval run`');
  const run = store.createRun({ kind: 'eval', name: `${record.name} rescored with ${change.scorer}`, config: { ...redactConfig(next), rescoreOf: record.id } });
  return execute(store, run.id, next, 'rescore', hooks, source);
}

export interface EvalSummary {
  runId: string;
  name: string;
  status: string;
  solver: string;
  scorer: string;
  candidate: string | null;
  matcher: string | null;
  accuracy: AccuracySummary;
  byCategory: ({ category: string } & AccuracySummary)[];
  /** Verdicts per deciding method ('exact', 'numeric', 'llm', 'rule:numeric', ...). */
  methods: Record<string, number>;
  /** For the cascade: verdicts the rules decided, i.e. matcher calls saved. */
  matcherCallsSaved: number;
  /** Errors per cause, e.g. {rate_limit: 2, bad_response: 1}. */
  errors: Record<string, number>;
  /** The question filter: its model and threshold, items rated, and items left out (not in the accuracy). */
  filter: { model: string; threshold: number; rated: number; filtered: number } | null;
  usage: (UsageCounters & { provider: string; model: string })[];
}

export function summarize(store: Store, id: string): EvalSummary {
  const { record, config } = evalRun(store, id);
  const all = store.items(record.id).map((i) => i.stages as unknown as Stages);
  const items = all.filter((s) => s.filter?.kept !== false);
  const methods: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const categories = new Map<string, Stages['score'][]>();
  for (const s of items) {
    const m = s.verdict?.method;
    if (m && m !== 'none') methods[m] = (methods[m] ?? 0) + 1;
    if (s.score?.status === 'error') {
      const kind = s.verdict?.error?.kind ?? s.response?.error?.kind ?? s.filter?.error?.kind ?? 'unknown';
      errors[kind] = (errors[kind] ?? 0) + 1;
    }
    const c = s.sample.category ?? '(none)';
    if (!categories.has(c)) categories.set(c, []);
    categories.get(c)!.push(s.score);
  }
  return {
    runId: record.id, name: record.name, status: record.status, solver: config.solver, scorer: config.scorer,
    candidate: config.candidate.model ?? null, matcher: config.matcher.model ?? null,
    accuracy: accuracy(items.map((s) => s.score), { seed: config.seed }),
    byCategory: [...categories].sort(([a], [b]) => a.localeCompare(b)).map(([category, scores]) => ({ category, ...accuracy(scores, { seed: config.seed }) })),
    methods,
    matcherCallsSaved: Object.entries(methods).filter(([m]) => m.startsWith('rule:')).reduce((n, [, k]) => n + k, 0),
    errors,
    filter: config.filter.model
      ? { model: config.filter.model, threshold: config.filter.threshold, rated: all.filter((s) => s.filter?.status === 'ok').length, filtered: all.length - items.length }
      : null,
    usage: runUsage(store, record.id),
  };
}
