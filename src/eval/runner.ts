// Runs a Task over its samples, stage by stage — prompt, response, extracted answer, verdict,
// score — storing every stage with its status, so that any stage can be re-run alone:
//   run      continues a run: finished items (with a score) are skipped, stored responses are
//            reused, and only what is missing is requested (resumable after any kill);
//   retry    re-requests only errored items: the generation when it failed, else the verdict;
//   rescore  re-scores stored responses with another scorer without regenerating.
// A failed request is an `error` score with its cause; it never becomes a 0.
import type { GenerationParams, LlmClient } from '../llm/index.js';
import type { Progress } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { ItemRecord } from '../store/index.js';
import type { ExtractedStage, ResponseStage, Sample, ScoreStage, Stages, Task, VerdictStage } from './types.js';
import { rateQuestion } from './filter.js';
import { ItemWriter } from './writer.js';

export interface ModelRef {
  client: LlmClient;
  model: string;
  params: GenerationParams;
}

export type RunMode = 'run' | 'retry' | 'rescore';

export interface RunTaskOptions {
  store: Store;
  runId: string;
  task: Task;
  candidate: ModelRef | undefined;
  matcher: ModelRef | undefined;
  /** The question filter: items its model rates below `threshold` are left out. */
  filter?: { model: ModelRef; threshold: number } | undefined;
  mode: RunMode;
  /** For rescore: the stored items of the source run. */
  source?: readonly ItemRecord[];
  /** Items in flight at once (each provider also keeps its own limit). */
  concurrency: number;
  progress?: Progress;
  writeBatch?: { maxItems?: number; maxMs?: number };
}

export interface RunTaskResult {
  /** Items worked on in this call (skipped finished items not counted). */
  processed: number;
  skipped: number;
  generated: number;
  verdicts: number;
  /** Filter ratings requested, and items the filter left out. */
  ratings: number;
  filtered: number;
}

export function responseStage(out: Awaited<ReturnType<LlmClient['generate']>>): ResponseStage {
  if (out.status === 'error') return { status: 'error', text: null, finishReason: null, error: out.error, attempts: out.attempts, requests: out.requests, cached: false };
  return { status: out.status, text: out.generation.text, finishReason: out.generation.finishReason, error: null, attempts: out.attempts, requests: out.requests, cached: out.cached };
}

function scoreOf(v: VerdictStage): ScoreStage {
  if (v.status === 'ok' && v.match !== null) return { status: 'ok', value: v.match ? 1 : 0 };
  return { status: v.status === 'ok' ? 'error' : v.status, value: null };
}

/** What a sample needs that the solver and scorer depend on; a problem here is a usage error, not an item status. */
export function checkTask(task: Task): string | undefined {
  for (const s of task.samples) {
    if (task.solver.needs === 'options' && (!s.options || s.options.length < 2)) return `item "${s.id}" has no options, which solver "${task.solver.name}" needs`;
    if (task.scorer.needs === 'answer' && s.answerIndex === undefined) return `item "${s.id}" has no correct option (answer), which scorer "${task.scorer.name}" needs`;
    if (task.scorer.needs === 'reference' && s.reference === undefined && (s.options === undefined || s.answerIndex === undefined)) return `item "${s.id}" has no reference answer, which scorer "${task.scorer.name}" needs`;
  }
  return undefined;
}

export async function runTask(o: RunTaskOptions): Promise<RunTaskResult> {
  const { task, store, runId } = o;
  const clients = [o.candidate?.client, o.matcher?.client, o.filter?.model.client];
  const caches = [...new Set(clients.map((c) => c?.cache).filter((c) => c !== undefined))];
  const writer = new ItemWriter(store, runId, clients.find((c) => c)?.ledger, o.writeBatch, caches);
  const stored = new Map<string, Stages>();
  for (const item of o.mode === 'rescore' ? (o.source ?? []) : store.items(runId)) stored.set(item.itemId, item.stages as unknown as Stages);
  const result: RunTaskResult = { processed: 0, skipped: 0, generated: 0, verdicts: 0, ratings: 0, filtered: 0 };

  const score = async (sample: Sample, stages: Stages, refresh: boolean): Promise<void> => {
    const response = stages.response!;
    if (response.status !== 'ok') {
      stages.extracted = { status: 'unparsed', answer: null, method: null };
      stages.verdict = { status: response.status, match: null, method: 'none', raw: null, error: response.error };
      stages.score = { status: response.status, value: null };
      return;
    }
    const extracted: ExtractedStage = task.solver.extract(response.text ?? '', sample);
    stages.extracted = extracted;
    if (extracted.status !== 'ok' && task.scorer.needs !== 'none') {
      stages.verdict = { status: 'unparsed', match: null, method: 'none', raw: null, error: null };
      stages.score = { status: 'unparsed', value: null };
      return;
    }
    const verdict = await task.scorer.score({ sample, response, extracted, matcher: o.matcher, refresh });
    result.verdicts++;
    stages.verdict = verdict;
    stages.score = scoreOf(verdict);
  };

  const work = async (sample: Sample): Promise<void> => {
    const previous = stored.get(sample.id);
    let stages: Stages;
    let refresh = false;
    if (o.mode === 'run') {
      if (previous?.score || previous?.filter?.kept === false) { result.skipped++; return; }
      stages = previous ? { ...previous, sample } : { sample };
    } else if (o.mode === 'retry') {
      if (!previous || previous.score?.status !== 'error') { result.skipped++; return; }
      stages = {
        sample: previous.sample,
        ...(previous.filter?.status === 'ok' ? { filter: previous.filter } : {}),
        ...(previous.prompt ? { prompt: previous.prompt } : {}),
        ...(previous.response?.status === 'ok' || previous.response?.status === 'refused' ? { response: previous.response } : {}),
      };
      refresh = true;
    } else {
      if (!previous?.response) { result.skipped++; return; }
      stages = { sample: previous.sample, ...(previous.filter ? { filter: previous.filter } : {}), ...(previous.prompt ? { prompt: previous.prompt } : {}), response: previous.response };
    }
    result.processed++;
    if (o.filter && o.mode !== 'rescore' && stages.filter?.status !== 'ok') {
      const rating = await rateQuestion(sample, o.filter.model, o.filter.threshold, refresh);
      result.ratings++;
      stages.filter = rating;
      if (rating.status !== 'ok') {
        // No rating, no decision: an error with its cause (retry asks again), never a silent drop.
        stages.score = { status: rating.status, value: null };
        writer.put(sample.id, stages, rating.status);
        o.progress?.tick(1);
        return;
      }
    }
    if (stages.filter?.kept === false) {
      result.filtered++;
      writer.put(sample.id, stages, 'filtered');
      o.progress?.tick(1);
      return;
    }
    if (!stages.response || stages.response.status === 'error') {
      if (!o.candidate) throw new Error(`eval: item "${sample.id}" needs a generation but no candidate model is configured`);
      const messages = stages.prompt?.messages ?? task.solver.prompt(sample);
      stages.prompt = { status: 'ok', messages };
      const candidate = o.candidate;
      if (task.solver.solve) {
        stages.response = await task.solver.solve(sample, (r) => candidate.client.generate({ ...r, model: candidate.model, params: { ...candidate.params, ...r.params } }));
      } else {
        stages.response = responseStage(await candidate.client.generate({ model: candidate.model, messages, params: candidate.params }));
      }
      result.generated++;
      // Stored at once, so a kill before the verdict keeps the generation (the cache keeps it too).
      writer.put(sample.id, { ...stages }, 'generated');
    }
    await score(sample, stages, refresh);
    writer.put(sample.id, stages, stages.score!.status);
    o.progress?.tick(1);
  };

  const samples = o.mode === 'rescore' ? [...stored.values()].map((s) => s.sample) : task.samples;
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(o.concurrency, samples.length)) }, async () => {
    while (next < samples.length) await work(samples[next++]!);
  });
  try {
    await Promise.all(workers);
  } finally {
    writer.flush();
  }
  return result;
}
