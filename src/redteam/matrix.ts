// A red-teaming run over the attacker × target matrix on a behavior set, stored in the run store:
// one item per (attacker, target, behavior), written after every attempt (so every turn is kept)
// and marked done once its attempts are labelled by the final classifier. Resuming skips done
// items; an item cut off mid-attack is redone, its requests answered from the request cache.
// The attacker, target, judge and classifier are exactly the configured ones and are recorded.
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { LlmPool, parseModelSpec, readProvidersFile } from '../llm/index.js';
import type { Progress } from '../log/index.js';
import type { Store } from '../store/index.js';
import { ATTACK_DEFAULTS, getAttack, type Attempt } from './attacks.js';
import { loadBehaviors, type Behavior } from './behaviors.js';
import { classifyResponse, readPrompt, type ClassVerdict, type RoleModel } from './judges.js';
import { cellMetrics, judgeAgreement, outcomeOf, type AttackItem, type CellMetrics } from './metrics.js';
import { SIM_PROVIDERS } from './sim.js';

export const redteamConfigSchema = z.strictObject({
  name: z.string().optional().describe('run name (default: attack and matrix size)'),
  attackers: z.array(z.string()).default([]).describe('provider:model of each attacker (not needed by --attack direct)'),
  targets: z.array(z.string()).min(1).describe('provider:model of each target'),
  judge: z.string().describe('provider:model of the in-loop 1–10 judge'),
  classifier: z.string().describe('provider:model of the final yes/no classifier'),
  classifierPrompt: z.string().default('classifier').describe('bundled prompt name or a file with {objective}, {response}, {condition}'),
  behaviors: z.string().default('canary').describe('JSONL/CSV behavior file, or "canary" for the bundled benign set'),
  attack: z.string().default('pair').describe('direct | pair | tap | crescendo'),
  streams: z.number().int().positive().default(ATTACK_DEFAULTS.streams).describe('PAIR streams / TAP roots'),
  steps: z.number().int().positive().default(ATTACK_DEFAULTS.steps).describe('PAIR steps / TAP depth / Crescendo turns'),
  branching: z.number().int().positive().default(ATTACK_DEFAULTS.branching).describe('TAP children per node'),
  width: z.number().int().positive().default(ATTACK_DEFAULTS.width).describe('TAP nodes kept per level'),
  backtracks: z.number().int().nonnegative().default(ATTACK_DEFAULTS.backtracks).describe('Crescendo refused turns withdrawn'),
  temperature: z.number().nonnegative().default(1).describe('attacker sampling temperature (target and judges use 0)'),
  targetMaxTokens: z.number().int().positive().default(150).describe('longest target reply, in tokens (PAIR uses 150)'),
  concurrency: z.number().int().positive().default(4).describe('matrix cells in flight'),
  providersFile: z.string().optional().describe('JSON/YAML file of named provider instances'),
});
export type RedteamConfig = z.output<typeof redteamConfigSchema>;

export interface RedteamHooks { pool?: LlmPool; progress?: (total: number) => Progress }

function role(pool: LlmPool, spec: string, flag: string, temperature: number, maxTokens?: number): RoleModel {
  const { provider, model } = parseModelSpec(spec, flag);
  return { spec, client: pool.client(provider), model, params: { temperature, ...(maxTokens === undefined ? {} : { maxTokens }) } };
}

export const itemId = (attacker: string, target: string, behavior: string): string => JSON.stringify([attacker, target, behavior]);

interface StoredItem extends AttackItem { done: boolean }

export interface MatrixOutcome {
  runId: string;
  /** Cells attacked in this call, and cells skipped as already done. */
  attacked: number;
  skipped: number;
  summary: RedteamSummary;
}

export interface RedteamSummary {
  runId: string;
  attack: string;
  identities: { attackers: string[]; targets: string[]; judge: string; classifier: string };
  cells: CellMetrics[];
  agreement: ReturnType<typeof judgeAgreement>;
  pending: number;
}

async function execute(store: Store, runId: string, config: RedteamConfig, hooks: RedteamHooks): Promise<MatrixOutcome> {
  const attack = getAttack(config.attack);
  const behaviors = loadBehaviors(config.behaviors);
  if (attack.needsAttacker && config.attackers.length === 0) throw new UsageError(`redteam run: attack "${attack.name}" needs --attackers`, 'pass --attackers provider:model[,...], or --attack direct');
  const pool = hooks.pool ?? new LlmPool({ store, providers: { ...SIM_PROVIDERS, ...(config.providersFile ? readProvidersFile(config.providersFile) : {}) } });
  const judge = role(pool, config.judge, '--judge', 0);
  const classifier = role(pool, config.classifier, '--classifier', 0);
  const classifierTemplate = readPrompt(config.classifierPrompt);
  const attackers = attack.needsAttacker ? config.attackers : ['(none)'];
  const cells: { attacker: string; target: string; behavior: Behavior }[] = [];
  for (const a of attackers) for (const t of config.targets) for (const b of behaviors) cells.push({ attacker: a, target: t, behavior: b });
  const models = [judge, classifier, ...config.targets.map((t) => role(pool, t, '--targets', 0)), ...(attack.needsAttacker ? config.attackers.map((a) => role(pool, a, '--attackers', 0)) : [])];
  // Local models load (and simulated capabilities are checked) before the first cell.
  for (const m of models) await m.client.provider.prepare?.(m.model);
  const stored = new Map(store.items(runId).map((i) => [i.itemId, i.stages as unknown as StoredItem]));
  const run = store.reopenRun(runId);
  const progress = hooks.progress?.(cells.length);
  let attacked = 0, skipped = 0;
  const work = async (cell: (typeof cells)[number]): Promise<void> => {
    const id = itemId(cell.attacker, cell.target, cell.behavior.id);
    if (stored.get(id)?.done) { skipped++; progress?.tick(1); return; }
    attacked++;
    const item: StoredItem = { attacker: cell.attacker, target: cell.target, behavior: cell.behavior.id, attack: attack.name, attempts: [], labels: [], outcome: 'error', done: false };
    await attack.run({
      behavior: cell.behavior,
      attacker: attack.needsAttacker ? role(pool, cell.attacker, '--attackers', config.temperature) : undefined,
      target: role(pool, cell.target, '--targets', 0, config.targetMaxTokens),
      judge,
      options: config,
      record(attempt: Attempt) {
        item.attempts.push(attempt);
        run.putItem(id, item as unknown as Record<string, unknown>, 'attacking');
      },
    });
    for (const a of item.attempts) {
      let label: ClassVerdict | null = null;
      if (a.response.status === 'refused') label = { status: 'ok', label: false, raw: null, error: null };
      else if (a.response.status === 'ok' && a.response.text !== null) label = await classifyResponse(classifier, cell.behavior, a.response.text, classifierTemplate);
      item.labels.push(label);
    }
    item.outcome = outcomeOf(item.labels);
    item.done = true;
    run.putItem(id, item as unknown as Record<string, unknown>, item.outcome);
    progress?.tick(1);
  };
  try {
    let next = 0;
    await Promise.all(Array.from({ length: Math.max(1, Math.min(config.concurrency, cells.length)) }, async () => {
      while (next < cells.length) await work(cells[next++]!);
    }));
    progress?.done();
    run.finish('completed');
  } catch (err) {
    run.finish('failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
  return { runId, attacked, skipped, summary: summarizeRedteam(store, runId) };
}

export function startRedteam(store: Store, config: RedteamConfig, hooks: RedteamHooks = {}): Promise<MatrixOutcome> {
  const name = config.name ?? `${config.attack}: ${config.attackers.length || 'no'} attacker(s) × ${config.targets.length} target(s) on ${config.behaviors}`;
  const run = store.createRun({ kind: 'redteam', name, config });
  return execute(store, run.id, config, hooks);
}

function redteamRun(store: Store, id: string): { record: ReturnType<Store['getRun']>; config: RedteamConfig } {
  const record = store.getRun(id);
  if (record.kind !== 'redteam') throw new UsageError(`run ${record.id} is a ${record.kind} run, not a redteam run`, 'list red-teaming runs with `fathom runs ls --kind redteam`');
  return { record, config: redteamConfigSchema.parse(record.config) };
}

/** Continues a run after a kill with its recorded configuration: done cells are never attacked again. */
export function resumeRedteam(store: Store, id: string, hooks: RedteamHooks = {}): Promise<MatrixOutcome> {
  const { record, config } = redteamRun(store, id);
  if (record.status === 'running' && record.pid !== process.pid) throw new UsageError(`run ${record.id} is still running (pid ${record.pid ?? '?'})`, 'wait for it, or stop that process first');
  return execute(store, record.id, config, hooks);
}

export function summarizeRedteam(store: Store, id: string): RedteamSummary {
  const { record, config } = redteamRun(store, id);
  const items = store.items(record.id).map((i) => i.stages as unknown as StoredItem);
  const done = items.filter((i) => i.done);
  const byCell = new Map<string, StoredItem[]>();
  for (const i of done) {
    const key = JSON.stringify([i.attacker, i.target]);
    byCell.set(key, [...(byCell.get(key) ?? []), i]);
  }
  return {
    runId: record.id, attack: config.attack,
    identities: { attackers: config.attackers, targets: config.targets, judge: config.judge, classifier: config.classifier },
    cells: [...byCell.values()].map((c) => cellMetrics(c)),
    agreement: judgeAgreement(done),
    pending: items.length - done.length,
  };
}
