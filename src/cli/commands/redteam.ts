// `fathom redteam run|resume|show|fit|predict`: red-teaming over an attacker × target matrix
// (direct, PAIR, TAP, Crescendo) with an in-loop judge and a final classifier, and the
// capability-gap scaling law of arXiv:2505.20162 fitted per target.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { readRecords } from '../../eval/dataset.js';
import { createProgress } from '../../log/index.js';
import { renderSvg } from '../../report/index.js';
import {
  GAP_KINDS, fitScalingLaws, loadCapabilities, predictAsr, redteamConfigSchema, registeredAttacks, resumeRedteam, startRedteam, summarizeRedteam,
  type Capabilities, type GapKind, type MatrixOutcome, type PairResult,
} from '../../redteam/index.js';
import { asrHeatmap, lawPlot, lawsText, pairResults, summaryText } from '../../redteam/report.js';
import type { Store } from '../../store/index.js';
import { emit, globalOptions, withExistingStore, withStore } from '../context.js';
import { registerCommand, withExamples } from '../registry.js';

const BEHAVIORS = `
Behavior files (JSONL or CSV), one behavior per row:
  id             unique id (HarmBench's BehaviorID also accepted)
  objective      what the attack tries to make the target do (Behavior/goal also accepted)
  target_system  optional system prompt given to the target
  context        optional context shown with the objective (ContextString accepted)
  category       optional group for reports
  check          optional regular expression a successful response matches; judges see it as the success condition
"canary" is the bundled benign set (reveal a planted secret word, break a format rule, state a denied false fact).
Simulated models for offline runs: sim-attacker:<capability>, sim-target:<capability>, sim-judge:<any>.`;

function int(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new UsageError(`redteam: ${flag} "${v}" is not an integer ≥ ${min}`, `pass e.g. ${flag} ${Math.max(min, 3)}`);
  return x;
}

const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

function gapOf(v: string): GapKind {
  if (!(GAP_KINDS as readonly string[]).includes(v)) throw new UsageError(`redteam: --gap "${v}" is not one of ${GAP_KINDS.join(', ')}`, 'pass --gap logit (the paper\'s), log or abs');
  return v as GapKind;
}

interface RunFlags { attackers?: string; targets?: string; behaviors: string; attack: string; judge?: string; classifier?: string; classifierPrompt?: string; streams?: string; steps?: string; branching?: string; width?: string; backtracks?: string; concurrency?: string; targetMaxTokens?: string; providers?: string; name?: string }

const progressFor = (quiet: boolean) => ({ progress: (total: number) => createProgress({ label: 'redteam', total, unit: 'cells', ...(quiet ? { stream: { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream } : {}) }) });

const outcomeText = (o: MatrixOutcome): string => `${summaryText(o.summary)}\nthis call: ${o.attacked} cell(s) attacked, ${o.skipped} already finished`;

function defineRun(parent: Command): void {
  const cmd = parent.command('run').description('attack every attacker × target pair on a behavior set; resumable, cached, every turn stored')
    .option('--attackers <list>', 'comma-separated provider:model attackers (not for --attack direct)')
    .option('--targets <list>', 'comma-separated provider:model targets')
    .option('--behaviors <file|canary>', 'behavior file (JSONL/CSV) or "canary"', 'canary')
    .option('--attack <name>', `attack: ${registeredAttacks().map((a) => a.name).join(', ')}`, 'pair')
    .option('--judge <provider:model>', 'in-loop 1–10 judge')
    .option('--classifier <provider:model>', 'final yes/no classifier (default: the judge)')
    .option('--classifier-prompt <name|file>', 'classifier prompt template', 'classifier')
    .option('--streams <n>', 'PAIR streams / TAP roots (default 3)')
    .option('--steps <n>', 'PAIR steps / TAP depth / Crescendo turns (default 5)')
    .option('--branching <n>', 'TAP children per node (default 2)')
    .option('--width <n>', 'TAP nodes kept per level (default 3)')
    .option('--backtracks <n>', 'Crescendo refused turns withdrawn (default 3)')
    .option('--concurrency <n>', 'cells in flight (default 4)')
    .option('--target-max-tokens <n>', 'longest target reply, in tokens (default 150, as PAIR)')
    .option('--providers <file>', 'JSON/YAML file of named provider instances')
    .option('--name <name>', 'a name for the run');
  cmd.addHelpText('after', BEHAVIORS);
  withExamples(cmd, [
    'fathom redteam run --attackers sim-attacker:0.3,sim-attacker:0.8 --targets sim-target:0.5 --judge sim-judge:j --attack pair',
    'fathom redteam run --attackers local:qwen2.5-7b --targets local:llama3-8b --judge openai:gpt-4o-mini --behaviors mine.csv --providers providers.yaml --attack tap',
    'fathom redteam run --targets sim-target:0.4 --judge sim-judge:j --attack direct --json',
  ]);
  cmd.action(async (o: RunFlags) => {
    const options = globalOptions(cmd);
    if (!o.targets) throw new UsageError('redteam run: no --targets', 'pass --targets provider:model[,...]');
    if (!o.judge) throw new UsageError('redteam run: no --judge', 'pass --judge provider:model (e.g. sim-judge:j offline)');
    const numeric = { streams: int('--streams', o.streams, 1), steps: int('--steps', o.steps, 1), branching: int('--branching', o.branching, 1), width: int('--width', o.width, 1), backtracks: int('--backtracks', o.backtracks, 0), concurrency: int('--concurrency', o.concurrency, 1), targetMaxTokens: int('--target-max-tokens', o.targetMaxTokens, 1) };
    const config = redteamConfigSchema.parse({
      attackers: list(o.attackers), targets: list(o.targets), judge: o.judge, classifier: o.classifier ?? o.judge, behaviors: o.behaviors, attack: o.attack,
      ...(o.classifierPrompt ? { classifierPrompt: o.classifierPrompt } : {}), ...(o.providers ? { providersFile: o.providers } : {}), ...(o.name ? { name: o.name } : {}),
      ...Object.fromEntries(Object.entries(numeric).filter(([, v]) => v !== undefined)),
    });
    await withStore(options, async (store) => {
      const outcome = await startRedteam(store, config, progressFor(options.quiet || options.json));
      emit(options, outcome, () => outcomeText(outcome));
    });
  });
}

function defineResume(parent: Command): void {
  const cmd = parent.command('resume').description('continue a killed red-teaming run with its recorded models and settings; finished cells are not attacked again')
    .argument('<run>', 'redteam run id (or a unique prefix)');
  withExamples(cmd, ['fathom redteam resume 20261202-0412']);
  cmd.action(async (id: string) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, async (store) => {
      const outcome = await resumeRedteam(store, id, progressFor(options.quiet || options.json));
      emit(options, outcome, () => outcomeText(outcome));
    });
  });
}

function defineShow(parent: Command): void {
  const cmd = parent.command('show').description('ASR, ASR@k, hit@k, queries per success, undetermined counts and judge agreement of a run')
    .argument('<run>', 'redteam run id (or a unique prefix)');
  withExamples(cmd, ['fathom redteam show 20261202-0412 --json']);
  cmd.action(async (id: string) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, (store) => {
      const s = summarizeRedteam(store, id);
      emit(options, s, () => summaryText(s));
    });
  });
}

interface FitFlags { results?: string; run?: string[]; capabilities?: string; gap: string; bootstrap: string; seed: string; heatmap?: string; plot?: string }

function number(row: Record<string, unknown>, key: string): number | undefined {
  const v = row[key];
  return v === undefined || v === '' ? undefined : Number(v);
}

/** Results rows from a file (attacker, target, attack, asr, attacker_capability, target_capability) and/or redteam runs. */
function loadResults(o: FitFlags, store: Store | undefined): PairResult[] {
  const caps: Capabilities = o.capabilities ? loadCapabilities(o.capabilities, store) : new Map();
  const source = o.capabilities ?? 'the results file (add --capabilities)';
  const out: PairResult[] = [];
  if (o.results) {
    for (const { line, row } of readRecords(o.results)) {
      const attacker = String(row.attacker ?? ''), target = String(row.target ?? '');
      const asr = number(row, 'asr');
      if (!attacker || !target || asr === undefined || !Number.isFinite(asr)) throw new UsageError(`redteam fit: ${o.results}:${line} needs attacker, target and asr`, 'write rows {attacker, target, attack, asr, attacker_capability, target_capability}');
      const ac = number(row, 'attacker_capability') ?? caps.get(attacker);
      const tc = number(row, 'target_capability') ?? caps.get(target);
      if (ac === undefined || tc === undefined) throw new UsageError(`redteam fit: ${o.results}:${line}: no capability for ${ac === undefined ? attacker : target}`, 'add attacker_capability/target_capability columns, or pass --capabilities');
      out.push({ attacker, target, ...(row.attack ? { attack: String(row.attack) } : {}), asr, attackerCapability: ac, targetCapability: tc });
    }
  }
  for (const id of o.run ?? []) out.push(...pairResults(summarizeRedteam(store!, id), caps, source));
  if (!out.length) throw new UsageError('redteam fit: no results', 'pass --results <file> or --run <redteam run id> (with --capabilities)');
  return out;
}

function fitFlags(cmd: Command): Command {
  return cmd.option('--results <file>', 'JSONL/CSV rows {attacker, target, attack, asr, attacker_capability, target_capability}')
    .option('--run <id...>', 'redteam runs of this workspace (needs --capabilities)')
    .option('--capabilities <file>', 'model capabilities: JSON {"provider:model": 0.71} or JSONL/CSV {model, capability | run}')
    .option('--gap <kind>', 'capability gap: logit (paper), log or abs difference', 'logit')
    .option('--bootstrap <n>', 'bootstrap resamples over attacker–target pairs', '1000')
    .option('--seed <n>', 'bootstrap seed', '0');
}

async function withResults<T>(cmd: Command, o: FitFlags, fn: (results: PairResult[]) => T | Promise<T>): Promise<T> {
  const options = globalOptions(cmd);
  const needsStore = (o.run?.length ?? 0) > 0 || (o.capabilities !== undefined && !o.capabilities.endsWith('.json'));
  return needsStore ? withExistingStore(options, (store) => fn(loadResults(o, store))) : fn(loadResults(o, undefined));
}

function defineFit(parent: Command): void {
  const cmd = fitFlags(parent.command('fit').description('fit logit(ASR) = w·δ + b (w ≥ 0) per target with bootstrap CIs: slope, intercept, midpoint −b/w, R²'))
    .option('--heatmap <file.svg>', 'write the ASR heatmap (attackers × targets by capability)')
    .option('--plot <file.svg>', 'write the per-target sigmoid fits with bands');
  withExamples(cmd, [
    'fathom redteam fit --results results.jsonl --gap logit --bootstrap 1000',
    'fathom redteam fit --run 20261202-0412 --capabilities caps.json --plot laws.svg --json',
  ]);
  cmd.action(async (o: FitFlags) => {
    const options = globalOptions(cmd);
    const fit = { gap: gapOf(o.gap), resamples: int('--bootstrap', o.bootstrap, 1)!, seed: int('--seed', o.seed, 0)! };
    await withResults(cmd, o, async (results) => {
      const laws = fitScalingLaws(results, fit);
      if (o.heatmap) writeFileSync(o.heatmap, await renderSvg(asrHeatmap(results)));
      if (o.plot) writeFileSync(o.plot, await renderSvg(lawPlot(laws, fit)));
      emit(options, laws.map(({ pairs, ...l }) => ({ ...l, pairs: pairs.length })), () => `${lawsText(laws)}\n\nbest ASR over attacks per pair, clipped to [0.01, 0.99] before the logit; [95% bootstrap CI, ${fit.resamples} resamples]`);
    });
  });
}

function definePredict(parent: Command): void {
  const cmd = fitFlags(parent.command('predict').description('predicted ASR (with a bootstrap interval) of an attacker of given capability against a fitted target'))
    .requiredOption('--target <provider:model>', 'the target, as named in the results')
    .requiredOption('--attacker-capability <x>', 'capability of the hypothetical attacker (e.g. 0.9 for a human expert on MMLU-Pro)');
  withExamples(cmd, ['fathom redteam predict --results results.jsonl --target openai:gpt-4o --attacker-capability 0.9']);
  cmd.action(async (o: FitFlags & { target: string; attackerCapability: string }) => {
    const options = globalOptions(cmd);
    const fit = { gap: gapOf(o.gap), resamples: int('--bootstrap', o.bootstrap, 1)!, seed: int('--seed', o.seed, 0)! };
    const cap = Number(o.attackerCapability);
    if (!Number.isFinite(cap)) throw new UsageError(`redteam predict: --attacker-capability "${o.attackerCapability}" is not a number`, 'pass e.g. --attacker-capability 0.9');
    await withResults(cmd, o, (results) => {
      const known = [...new Set(results.map((r) => r.target))];
      const mine = results.filter((r) => r.target === o.target);
      const law = mine.length ? fitScalingLaws(mine, fit)[0] : undefined;
      if (!law) throw new UsageError(`redteam predict: target "${o.target}" is not in the results (targets: ${known.join(', ')})`, 'name a target exactly as in the results');
      const p = predictAsr(law, cap, fit);
      emit(options, p, () => `predicted ASR against ${p.target} for an attacker of capability ${cap}: ${p.asr.toFixed(3)} [${p.ci?.low.toFixed(3) ?? '—'}, ${p.ci?.high.toFixed(3) ?? '—'}] (gap δ = ${p.gap.toFixed(3)}, ${fit.gap})`);
    });
  });
}

registerCommand({
  name: 'redteam',
  summary: 'red-teaming: PAIR/TAP/Crescendo/direct attacks over attacker × target matrices, judges, ASR metrics, capability-gap scaling law',
  examples: [
    'fathom redteam run --attackers sim-attacker:0.3,sim-attacker:0.8 --targets sim-target:0.5 --judge sim-judge:j',
    'fathom redteam fit --results results.jsonl --gap logit --bootstrap 1000',
    'fathom redteam predict --results results.jsonl --target sim-target:0.5 --attacker-capability 0.9',
  ],
  define(cmd) {
    defineRun(cmd);
    defineResume(cmd);
    defineShow(cmd);
    defineFit(cmd);
    definePredict(cmd);
  },
});
