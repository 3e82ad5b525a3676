// `fathom plan`: rank every 4D split of a cluster for a model with the AxoNN performance model
// (src/parallel, shared/papers/08-axonn.md), and write the launch configuration of the best one.
import { chmodSync, writeFileSync } from 'node:fs';
import { applySets } from '../../config/index.js';
import { FathomError, UsageError } from '../../errors.js';
import { info } from '../../log/index.js';
import {
  collectiveTotals, evaluateChosen, isDropped, LAUNCH_ENGINES, launchConfig, parameterCount, parsePlanInput, plan, planInputSchema,
  resolvePreset, splitLabel, type Evaluation, type LaunchEngine, type PlanResult, type Split,
} from '../../parallel/index.js';
import { CLUSTER_PRESETS, MODEL_PRESETS } from '../../parallel/presets.js';
import { emit, globalOptions, textTable } from '../context.js';
import { registerBench, registerCommand, withExamples } from '../registry.js';
import { benchPlanner } from '../../parallel/bench.js';

interface PlanOptions {
  model: string;
  cluster: string;
  gpus?: string;
  top: string;
  anyFactors?: boolean;
  split?: string;
  emit?: string;
  out?: string;
  entry: string;
  set?: string[];
}

const GIB = 2 ** 30;

function parseSplit(text: string): Split {
  const out: Partial<Split> = {};
  for (const part of text.split(',')) {
    const m = /^\s*(data|x|y|z)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m) throw new UsageError(`plan: --split "${text}" must be data=D,x=X,y=Y,z=Z`, 'write e.g. --split data=32,x=2,y=4,z=16');
    out[m[1] as keyof Split] = Number(m[2]);
  }
  const missing = (['data', 'x', 'y', 'z'] as const).filter((k) => out[k] === undefined);
  if (missing.length) throw new UsageError(`plan: --split "${text}" lacks ${missing.join(', ')}`, 'give all four sizes, e.g. --split data=32,x=2,y=4,z=16');
  return out as Split;
}

const pct = (x: number) => Number((100 * x).toFixed(1));
const sec = (x: number) => Number(x.toFixed(3));
const gib = (x: number) => Number((x / GIB).toFixed(1));

function row(rank: number, e: Evaluation): (string | number)[] {
  const s = e.split;
  return [rank, s.data, s.x, s.y, s.z, sec(e.stepSeconds), pct(e.peakFraction), Number(e.pflops.toFixed(1)), gib(e.memory.total), e.checkpointing ? 'yes' : 'no', e.microBatches, sec(e.computeSeconds), sec(e.commSeconds), sec(e.exposedSeconds)];
}

const HEADER = ['#', 'data', 'x', 'y', 'z', 'step s', '% peak', 'PFLOP/s', 'GiB/GPU', 'ckpt', 'µbatches', 'compute s', 'comm s', 'exposed s'];

function breakdown(rank: number, e: Evaluation): string {
  const parts = collectiveTotals(e).map((t) => `${t.label} ${t.group.toUpperCase()}${t.groupSize} ${t.where} ${t.bandwidthGBs} GB/s: ${t.seconds.toFixed(3)} s`);
  const m = e.memory;
  return [
    `#${rank} ${splitLabel(e.split)}: compute ${e.computeSeconds.toFixed(3)} s, communication ${e.commSeconds.toFixed(3)} s (${e.hiddenSeconds.toFixed(3)} hidden, ${e.exposedSeconds.toFixed(3)} exposed)`,
    ...parts.map((p) => `    ${p}`),
    `    memory/GPU: weights ${gib(m.weights)} + grads ${gib(m.gradients)} + optimizer ${gib(m.optimizer)} + gather buffers ${gib(m.gatherBuffer)} + activations ${gib(m.activations)} (${gib(m.activationsNoCheckpoint)} without / ${gib(m.activationsCheckpoint)} with checkpointing) = ${gib(m.total)} of ${gib(m.capacity)} GiB usable`,
  ].join('\n');
}

function renderText(r: PlanResult, top: number, chosen: Evaluation | undefined): string {
  const params = parameterCount(r.model).total;
  const c = r.cluster;
  const fit = r.ranked.length;
  const lines = [
    `${r.model.name} (${(params / 1e9).toFixed(1)}B parameters, batch ${r.model.batch}×${r.model.seqLen}) on ${c.name}: ${c.gpus} × ${c.gpu}, ${c.gpusPerNode} per node`,
    `${r.enumerated} factorizations (${r.anyFactors ? 'any factors' : 'powers of two'}): ${fit} run and fit, ${r.enumerated - fit} dropped`,
  ];
  if (chosen) lines.push('', 'chosen split:', textTable(HEADER, [row(1, chosen)]), '', breakdown(1, chosen));
  else if (fit) {
    const shown = r.ranked.slice(0, top);
    lines.push('', textTable(HEADER, shown.map((e, i) => row(i + 1, e))), '', ...shown.slice(0, 3).map((e, i) => breakdown(i + 1, e)));
  }
  if (r.dropped.length) {
    lines.push('', 'dropped:', ...r.dropped.map((d) => `  ${d.reason}: ${d.count} (e.g. ${d.example})`));
  }
  return lines.join('\n');
}

registerCommand({
  name: 'plan',
  summary: 'rank every 4D-parallel split (data × X × Y × Z) of a GPU cluster for a transformer and write the launch configuration of the best',
  examples: [
    'fathom plan --model gpt3-175b --cluster perlmutter --gpus 4096',
    'fathom plan --model llama2-70b --cluster generic-8gpu --gpus 512 --top 5 --json',
    'fathom plan --model llama3.1-405b --cluster alps --gpus 6144 --any-factors --set model.batch=3072',
    'fathom plan --model gpt3-175b --cluster frontier --gpus 8192 --emit axonn --out launch.sh',
    'fathom plan --model my-model.yaml --cluster my-cluster.yaml --split data=8,x=2,y=4,z=8',
    'fathom plan --model gpt3-175b --cluster perlmutter --set engine.overlap.allGatherWeights=0.5 --set cluster.matmulEfficiency=0.6',
  ],
  define(cmd) {
    cmd
      .requiredOption('--model <preset|file>', `model shape: ${Object.keys(MODEL_PRESETS).join(', ')}, or a .json/.yaml file with layers, hidden, ffn, heads, vocab, seqLen, batch`)
      .requiredOption('--cluster <preset|file>', `cluster: ${Object.keys(CLUSTER_PRESETS).join(', ')}, or a .json/.yaml file with gpus, gpusPerNode, intraBandwidthGBs, interBandwidthGBs, peakTflops, memoryGiB`)
      .option('--gpus <n>', 'GPUs in the job (overrides the cluster\'s)')
      .option('--top <n>', 'configurations to show', '10')
      .option('--any-factors', 'enumerate every factorization, not only powers of two')
      .option('--split <data=D,x=X,y=Y,z=Z>', 'evaluate this one split instead of ranking all')
      .option('--emit <engine>', `write a launch configuration for the best (or --split) plan: ${LAUNCH_ENGINES.join(' or ')}`)
      .option('--out <file>', 'where --emit writes the launch script (default: print it)')
      .option('--entry <script>', 'the training script the launch configuration runs', 'train.py')
      .option('--set <key=value...>', 'override an input: model.<key>, cluster.<key> or engine.<key> (e.g. engine.checkpointing=always)');
    cmd.action((o: PlanOptions) => {
      const options = globalOptions(cmd);
      const top = Number(o.top);
      if (!Number.isInteger(top) || top < 1) throw new UsageError(`plan: --top "${o.top}" must be a positive whole number`, 'pass e.g. --top 10');
      if (o.emit !== undefined && !LAUNCH_ENGINES.includes(o.emit as LaunchEngine)) {
        throw new UsageError(`plan: --emit "${o.emit}" is not a launcher (valid: ${LAUNCH_ENGINES.join(', ')})`, 'pass --emit axonn or --emit torchrun');
      }
      if (o.out !== undefined && o.emit === undefined) throw new UsageError('plan: --out needs --emit', 'add --emit axonn or --emit torchrun');
      const raw: Record<string, unknown> = { model: resolvePreset('model', o.model), cluster: resolvePreset('cluster', o.cluster), engine: {} };
      if (o.gpus !== undefined) {
        const n = Number(o.gpus);
        if (o.gpus.trim() === '' || Number.isNaN(n)) throw new UsageError(`plan: --gpus "${o.gpus}" is not a number`, 'pass a whole number of GPUs, e.g. --gpus 4096');
        (raw.cluster as Record<string, unknown>).gpus = n;
      }
      const input = parsePlanInput(applySets(planInputSchema, raw, o.set ?? []), 'plan');
      let result: PlanResult;
      let chosen: Evaluation | undefined;
      if (o.split !== undefined) {
        const ev = evaluateChosen(input, parseSplit(o.split));
        if (isDropped(ev)) throw new FathomError(`plan: split ${splitLabel(ev.split)} does not fit: ${ev.detail}`, 'enable checkpointing (--set engine.checkpointing=always), or move GPUs from data to X, Y or Z');
        chosen = ev;
        result = { model: input.model, cluster: input.cluster, engine: input.engine, anyFactors: o.anyFactors === true, enumerated: 1, ranked: [ev], dropped: [] };
      } else {
        result = plan(input, { anyFactors: o.anyFactors === true });
      }
      const best = chosen ?? result.ranked[0];
      const launch = o.emit !== undefined && best ? launchConfig(o.emit as LaunchEngine, input.model, input.cluster, best, o.entry) : undefined;
      if (launch && o.out !== undefined) {
        writeFileSync(o.out, launch.script);
        chmodSync(o.out, 0o755);
      }
      const json = {
        model: result.model, cluster: result.cluster, engine: result.engine, anyFactors: result.anyFactors,
        parameters: parameterCount(result.model), enumerated: result.enumerated, fit: result.ranked.length, dropped: result.dropped,
        ranked: result.ranked.slice(0, top).map((e, i) => ({ rank: i + 1, ...e, collectives: collectiveTotals(e) })),
        ...(launch ? { launch: { ...launch, ...(o.out !== undefined ? { writtenTo: o.out } : {}) } } : {}),
      };
      emit(options, json, () => {
        const text = renderText(result, top, chosen);
        if (!launch) return text;
        return o.out !== undefined ? text : `${text}\n\n${o.emit} launch script:\n${launch.script}`;
      });
      if (launch && o.out !== undefined) info(`wrote the ${o.emit} launch script for ${splitLabel(launch.groups.reduce((s, g) => ({ ...s, [g.dim]: g.size }), {} as Split))} to ${o.out}`);
      if (!best) {
        throw new FathomError(
          `plan: none of the ${result.enumerated} factorizations of ${input.cluster.gpus} GPUs runs ${input.model.name}${result.dropped.length ? ` (dropped: ${result.dropped.map((d) => `${d.reason} ${d.count}`).join(', ')})` : ''}`,
          'add GPUs, turn on checkpointing (--set engine.checkpointing=always), pass --any-factors, or change the batch so G_data×G_z divides it',
        );
      }
    });
  },
});

registerBench({
  name: 'plan',
  define(parent) {
    const cmd = parent.command('plan').description('time the 4D planner: all factorizations of 4,096 GPUs for GPT-3 175B and larger searches')
      .option('--repeats <n>', 'timed repeats per case (the median is reported)', '5');
    withExamples(cmd, ['fathom bench plan', 'fathom bench plan --json']);
    cmd.action((o: { repeats: string }) => {
      const options = globalOptions(cmd);
      const repeats = Number(o.repeats);
      if (!Number.isInteger(repeats) || repeats <= 0) throw new UsageError(`bench plan: --repeats must be a positive whole number, got "${o.repeats}"`, 'pass e.g. --repeats 5');
      const rows = benchPlanner(undefined, repeats);
      emit(options, rows, () => textTable(
        ['model', 'cluster', 'GPUs', 'factors', 'splits', 'fit', 'first ms', 'median ms', 'µs/split'],
        rows.map((r) => [r.model, r.cluster, r.gpus, r.anyFactors ? 'any' : 'pow2', r.enumerated, r.fit, Number(r.firstMs.toFixed(1)), Number(r.medianMs.toFixed(1)), Number(r.usPerSplit.toFixed(0))]),
      ));
    });
  },
});
