// An eval run's configuration (validated at the boundary, stored with the run so `--resume`,
// `retry` and `rescore` rebuild the same task) and its assembly: dataset + solver + scorer, and
// the candidate and matcher models drawn from one provider pool.
import { z } from 'zod';
import { ConfigError, UsageError } from '../errors.js';
import { LlmPool, parseModelSpec, readProvidersFile, typesWith, type GenerationParams } from '../llm/index.js';
import type { Store } from '../store/index.js';
import { datasetSchema, loadDataset } from './dataset.js';
import { checkTask, type ModelRef } from './runner.js';
import { getScorer } from './scorers.js';
import { getSolver } from './solvers.js';
import './logprob.js';
import type { Task } from './types.js';

export const evalConfigSchema = z.strictObject({
  name: z.string().optional().describe('a name for the run (default: solver/scorer on dataset)'),
  dataset: datasetSchema.prefault({}),
  solver: z.string().default('freeform').describe('freeform, mcq, choices-only, mc-cloze or mc-verify'),
  scorer: z.string().default('match').describe('match, cascade, judge, exact, numeric, rules, contains or letter'),
  candidate: z.strictObject({
    model: z.string().optional().describe('provider:model of the model under evaluation, e.g. local:qwen2.5-7b'),
    temperature: z.number().min(0).default(0.3).describe('the paper samples candidates at 0.3'),
    maxTokens: z.number().int().positive().optional().describe('generation limit (unset: the provider\'s)'),
    seed: z.number().int().optional().describe('sampling seed, where the provider honours one'),
  }).prefault({}),
  matcher: z.strictObject({
    model: z.string().optional().describe('provider:model of the answer matcher or judge'),
    temperature: z.number().min(0).default(0).describe('the paper\'s matcher runs at temperature 0'),
    maxTokens: z.number().int().positive().optional(),
  }).prefault({}),
  filter: z.strictObject({
    model: z.string().optional().describe('provider:model that rates each question 1–10 for answerability without options (the paper\'s filter); unset: no filter'),
    threshold: z.number().int().min(1).max(10).default(7).describe('keep items rated at least this'),
    temperature: z.number().min(0).default(0),
    maxTokens: z.number().int().positive().optional(),
  }).prefault({}),
  providersFile: z.string().optional().describe('a JSON/YAML file of named provider instances'),
  providers: z.record(z.string(), z.unknown()).default({}).describe('named provider instances, as in a providers file'),
  concurrency: z.number().int().positive().default(32).describe('items in flight at once'),
  seed: z.number().int().default(0).describe('seed of the bootstrap confidence intervals'),
});

export type EvalConfig = z.output<typeof evalConfigSchema>;

/** The stored form of a config: API keys written inline are not kept in the store. */
export function redactConfig(config: EvalConfig): EvalConfig {
  const providers = Object.fromEntries(Object.entries(config.providers).map(([name, p]) => [
    name, typeof p === 'object' && p !== null && 'apiKey' in p ? { ...p, apiKey: '<redacted>' } : p,
  ]));
  return { ...config, providers };
}

export function buildPool(config: EvalConfig, store: Store | undefined): LlmPool {
  const providers = { ...(config.providersFile ? readProvidersFile(config.providersFile) : {}), ...config.providers };
  for (const [name, p] of Object.entries(providers)) {
    if ((p as { apiKey?: unknown } | null)?.apiKey === '<redacted>') {
      throw new ConfigError(`providers.${name}: its apiKey was not stored with the run`, 'use apiKeyEnv (an environment variable) or pass the providers file again with --providers');
    }
  }
  return new LlmPool({ ...(store ? { store } : {}), providers });
}

function modelRef(pool: LlmPool, spec: string, flag: string, params: GenerationParams): ModelRef {
  const { provider, model } = parseModelSpec(spec, flag);
  return { client: pool.client(provider), model, params };
}

export interface AssembledTask {
  task: Task;
  candidate: ModelRef | undefined;
  matcher: ModelRef | undefined;
  filter: { model: ModelRef; threshold: number } | undefined;
}

/** Builds the task and its models; what cannot work (a scorer without a matcher, a dataset without options) is a usage error now, not 1,000 errored items later. */
export function assembleTask(config: EvalConfig, pool: LlmPool, options: { needCandidate: boolean }): AssembledTask {
  const solver = getSolver(config.solver);
  const scorer = getScorer(config.scorer);
  const { name, samples } = loadDataset(config.dataset);
  if (samples.length === 0) throw new UsageError(`eval: dataset ${name} has no items`, 'check the file and dataset.limit');
  const task: Task = { name: config.name ?? `${solver.name}/${scorer.name} on ${name}`, samples, solver, scorer };
  const problem = checkTask(task);
  if (problem) throw new UsageError(`eval: ${problem}`, solver.needs === 'options' || scorer.needs === 'answer' ? 'use a dataset with options and answers (e.g. --dataset demo), or the freeform solver' : 'map the reference field with --set dataset.fields.reference=<field>');
  let candidate: ModelRef | undefined;
  if (options.needCandidate) {
    if (!config.candidate.model) throw new UsageError('eval: no candidate model', 'pass --candidate provider:model (e.g. openai:gpt-4o-mini, or a name from --providers)');
    const p: GenerationParams = { temperature: config.candidate.temperature };
    if (config.candidate.maxTokens !== undefined) p.maxTokens = config.candidate.maxTokens;
    if (config.candidate.seed !== undefined) p.seed = config.candidate.seed;
    candidate = modelRef(pool, config.candidate.model, '--candidate', p);
    const provider = candidate.client.provider;
    if (solver.requires === 'logprobs' && !provider.logprobs) {
      throw new UsageError(`eval: solver "${solver.name}" needs token log-probabilities, which provider "${provider.name}" (${provider.type}) does not offer`, `use a provider that does: ${typesWith('logprobs')}; or the mcq solver, which needs none`);
    }
    if (solver.requires === 'promptLogprobs' && !provider.promptLogprobs) {
      throw new UsageError(`eval: solver "${solver.name}" needs prompt log-probabilities (completions with echo), which provider "${provider.name}" (${provider.type}) does not offer`, `use a provider that does: ${typesWith('promptLogprobs')}; or mc-verify, which needs only chat log-probabilities`);
    }
  }
  let matcher: ModelRef | undefined;
  if (scorer.usesModel) {
    if (!config.matcher.model) throw new UsageError(`eval: scorer "${scorer.name}" needs a matcher model`, 'pass --matcher provider:model, or a rule scorer such as --scorer rules');
    const p: GenerationParams = { temperature: config.matcher.temperature };
    if (config.matcher.maxTokens !== undefined) p.maxTokens = config.matcher.maxTokens;
    matcher = modelRef(pool, config.matcher.model, '--matcher', p);
  }
  let filter: AssembledTask['filter'];
  if (config.filter.model) {
    const p: GenerationParams = { temperature: config.filter.temperature };
    if (config.filter.maxTokens !== undefined) p.maxTokens = config.filter.maxTokens;
    filter = { model: modelRef(pool, config.filter.model, '--filter-model', p), threshold: config.filter.threshold };
  }
  return { task, candidate, matcher, filter };
}
