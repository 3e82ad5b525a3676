// `fathom eval run|retry|rescore|report|agreement|rankings|list`: evaluations with every stage
// stored (resumable after any kill), re-scoring without regenerating, agreement between graders
// and rankings across protocols (answer-matching paper, arXiv:2507.02856).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { UsageError } from '../../errors.js';
import { providerTypes } from '../../llm/index.js';
import { createProgress } from '../../log/index.js';
import { heatmap, renderPlot, type Row } from '../../report/index.js';
import { textTable } from '../../report/index.js';
import {
  PROBE_DEFAULTS, datasetSchema, evalConfigSchema, loadDataset, trainChoicesOnlyProbe, registeredScorers, registeredSolvers, rescoreEval, resumeEval, retryEval, startEval, summarize,
  type EvalOutcome, type EvalSummary,
} from '../../eval/index.js';
import { kendallTau, pairwiseAgreement, type PairAgreement, type Rating } from '../../eval/agreement.js';
import { binarize, readItemIds, readRatings, runRatings } from '../../eval/ratings.js';
import { reportHtml, reportText, terminalSafe } from '../../eval/report.js';
import { emit, globalOptions, withExistingStore, withStore } from '../context.js';
import { registerCommand, withExamples } from '../registry.js';

const hooks = (quiet: boolean) => ({ progress: (total: number) => createProgress({ label: 'eval', total, ...(quiet ? { stream: devNull() } : {}) }) });
const devNull = (): NodeJS.WriteStream => ({ write: () => true, isTTY: false }) as unknown as NodeJS.WriteStream;

function outcomeText(o: EvalOutcome, text: string): string {
  return `${text}\n\nthis call: ${o.work.processed} items processed (${o.work.generated} generations, ${o.work.verdicts} verdicts), ${o.work.skipped} already finished or not applicable`;
}

const FLAG_KEYS: Record<string, string> = {
  dataset: 'dataset.path', solver: 'solver', scorer: 'scorer', candidate: 'candidate.model', matcher: 'matcher.model',
  providers: 'providersFile', concurrency: 'concurrency', limit: 'dataset.limit', name: 'name', convention: 'dataset.convention',
  filterModel: 'filter.model', filterThreshold: 'filter.threshold',
};
const NUMERIC_FLAGS = new Set(['concurrency', 'limit', 'filterThreshold']);

function defineRun(parent: Command): void {
  const cmd = parent.command('run').description('run an eval (dataset + solver + scorer); with --resume, continue a killed run without re-requesting finished items')
    .option('--dataset <path>', '"demo" (bundled) or a .jsonl/.csv file')
    .option('--convention <name>', 'plain, mmlu-pro or gpqa')
    .option('--solver <name>', 'freeform, mcq, choices-only, mc-cloze or mc-verify')
    .option('--scorer <name>', 'match, cascade, judge, exact, numeric, rules, contains or letter')
    .option('--candidate <provider:model>', 'the model under evaluation')
    .option('--matcher <provider:model>', 'the answer matcher / judge model')
    .option('--providers <file>', 'JSON/YAML file of named provider instances')
    .option('--concurrency <n>', 'items in flight')
    .option('--filter-model <provider:model>', 'rate each question 1-10 for answerability without options; leave out those below the threshold')
    .option('--filter-threshold <n>', 'keep items rated at least this (default 7)')
    .option('--limit <n>', 'only the first N items')
    .option('--name <name>', 'a name for the run')
    .option('--resume <run>', 'continue this run (its stored config is used)')
    .option('-c, --config <file>', 'a JSON or YAML eval config')
    .option('--set <key=value...>', 'override a config key (repeatable)');
  withExamples(cmd, [
    'fathom eval run --dataset demo --candidate local:qwen2.5-7b --matcher local:qwen2.5-7b --providers providers.yaml',
    'fathom eval run --dataset mmlu_pro.jsonl --convention mmlu-pro --solver mcq --scorer letter --candidate openai:gpt-4o-mini',
    'fathom eval run --dataset mmlu_pro.jsonl --convention mmlu-pro --filter-model local:qwen2.5-7b --filter-threshold 7 --candidate local:qwen2.5-7b --matcher local:qwen2.5-7b --providers providers.yaml',
    'fathom eval run --dataset demo --solver mc-verify --scorer letter --candidate local:llama --providers providers.yaml',
    'fathom eval run --resume 20261128-131500-3f9a',
  ]);
  cmd.action(async (o: Record<string, string | string[] | undefined>) => {
    const options = globalOptions(cmd);
    await withStore(options, async (store) => {
      let outcome: EvalOutcome;
      if (typeof o.resume === 'string') {
        const given = Object.keys(FLAG_KEYS).filter((k) => k !== 'providers' && o[k] !== undefined);
        if (given.length || o.config || o.set) throw new UsageError(`eval run --resume: the run's stored config is used, so ${[...given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`), ...(o.config ? ['--config'] : []), ...(o.set ? ['--set'] : [])].join(', ')} cannot be changed`, 'start a new run for a different config, or use `fathom eval rescore` for another scorer');
        outcome = await resumeEval(store, o.resume, typeof o.providers === 'string' ? { providersFile: o.providers } : {}, hooks(options.quiet));
      } else {
        const sets = [...(Array.isArray(o.set) ? o.set : [])];
        for (const [flag, key] of Object.entries(FLAG_KEYS)) {
          const v = o[flag];
          // Numbers go through YAML as numbers; every other flag is a string, quoted so a path like "[x].jsonl" stays one.
          if (typeof v === 'string') sets.push(`${key}=${NUMERIC_FLAGS.has(flag) ? v : JSON.stringify(v)}`);
        }
        const config = loadConfig(evalConfigSchema, { file: typeof o.config === 'string' ? o.config : undefined, sets });
        outcome = await startEval(store, config, hooks(options.quiet));
      }
      emit(options, outcome, () => outcomeText(outcome, reportText(store, outcome.summary)));
    });
  });
}

function defineProbe(parent: Command): void {
  const cmd = parent.command('probe').description('trained choices-only probe: a small classifier on the options alone, trained on half an MCQ set and tested on the other half (accuracy vs chance with a CI)')
    .requiredOption('--data <path>', 'an MCQ .jsonl/.csv file (or "demo") with options and answers')
    .option('--convention <name>', 'plain, mmlu-pro or gpqa')
    .option('--steps <n>', 'full-batch AdamW steps', String(PROBE_DEFAULTS.steps))
    .option('--buckets <n>', 'hash buckets of word and character-trigram features', String(PROBE_DEFAULTS.buckets))
    .option('--seed <n>', 'seed of the split, the initialisation and the bootstrap', String(PROBE_DEFAULTS.seed))
    .option('--set <key=value...>', 'override a dataset config key, e.g. fields.options=choices (repeatable)');
  withExamples(cmd, ['fathom eval probe --data mmlu_pro.jsonl --convention mmlu-pro', 'fathom eval probe --data gpqa.csv --convention gpqa --json']);
  cmd.action((o: { data: string; convention?: string; steps: string; buckets: string; seed: string; set?: string[] }) => {
    const options = globalOptions(cmd);
    const int = (flag: string, v: string, min: number): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new UsageError(`eval probe: ${flag} must be a whole number ≥ ${min}, got "${v}"`, `pass e.g. ${flag} ${flag === '--steps' ? 200 : flag === '--buckets' ? 2048 : 0}`);
      return n;
    };
    const sets = [`path=${JSON.stringify(o.data)}`, ...(o.convention ? [`convention=${JSON.stringify(o.convention)}`] : []), ...(o.set ?? [])];
    const dataset = loadConfig(datasetSchema, { sets });
    const { name, samples } = loadDataset(dataset);
    const result = { dataset: name, ...trainChoicesOnlyProbe(samples, { steps: int('--steps', o.steps, 1), buckets: int('--buckets', o.buckets, 16), seed: int('--seed', o.seed, 0) }) };
    const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
    emit(options, result, () => [
      `choices-only probe: ${pct(result.accuracy)} on ${result.test} held-out items (95% CI ${result.ci ? `${pct(result.ci.low)}-${pct(result.ci.high)}` : '—'}), chance ${pct(result.chance)}`,
      `trained on ${result.train} items (${pct(result.trainAccuracy)} on them), ${result.steps} AdamW steps, ${result.buckets} hash buckets, final loss ${result.finalLoss.toFixed(3)}`,
      result.aboveChance ? 'the options alone give the answer away more often than chance (CI above chance)' : 'no evidence that the options alone give the answer away (CI includes chance)',
    ].join('\n'));
  });
}

function defineRetry(parent: Command): void {
  const cmd = parent.command('retry').description('re-request only the errored items of a run (generation if it failed, else the verdict)')
    .argument('<run>', 'eval run id (or a unique prefix)')
    .option('--providers <file>', 'providers file (default: the one the run used)');
  withExamples(cmd, ['fathom eval retry 20261128-1315']);
  cmd.action(async (run: string, o: { providers?: string }) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, async (store) => {
      const outcome = await retryEval(store, run, o.providers ? { providersFile: o.providers } : {}, hooks(options.quiet));
      emit(options, outcome, () => outcomeText(outcome, reportText(store, outcome.summary)));
    });
  });
}

function defineRescore(parent: Command): void {
  const cmd = parent.command('rescore').description('re-score the stored responses of a run with another scorer, into a new run (nothing is regenerated)')
    .argument('<run>', 'eval run id (or a unique prefix)')
    .requiredOption('--scorer <name>', 'the new scorer')
    .option('--matcher <provider:model>', 'matcher / judge model for model-based scorers')
    .option('--providers <file>', 'providers file');
  withExamples(cmd, ['fathom eval rescore 20261128-1315 --scorer cascade --matcher local:qwen3-1.7b', 'fathom eval rescore 20261128-1315 --scorer rules']);
  cmd.action(async (run: string, o: { scorer: string; matcher?: string; providers?: string }) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, async (store) => {
      const outcome = await rescoreEval(store, run, { scorer: o.scorer, matcher: o.matcher, providersFile: o.providers }, hooks(options.quiet));
      emit(options, outcome, () => outcomeText(outcome, reportText(store, outcome.summary)));
    });
  });
}

function defineReport(parent: Command): void {
  const cmd = parent.command('report').description('print a run\'s results (accuracy with a bootstrap CI; errors apart), or write them as HTML')
    .argument('<run>', 'eval run id (or a unique prefix)')
    .option('--items <n>', 'also list the first N items', '0')
    .option('--html <dir>', 'write an HTML report into this folder');
  withExamples(cmd, ['fathom eval report 20261128-1315 --items 20', 'fathom eval report 20261128-1315 --html report/']);
  cmd.action(async (run: string, o: { items: string; html?: string }) => {
    const options = globalOptions(cmd);
    const items = Number(o.items);
    if (!Number.isInteger(items) || items < 0) throw new UsageError(`eval report: --items must be a whole number ≥ 0, got "${o.items}"`, 'pass e.g. --items 20');
    await withExistingStore(options, async (store) => {
      const summary = summarize(store, run);
      const html = o.html ? await reportHtml(store, summary, o.html) : undefined;
      emit(options, { ...summary, ...(html ? { html } : {}) }, () => `${reportText(store, summary, { items })}${html ? `\n\nreport: ${html}` : ''}`);
    });
  });
}

function agreementRows(pairs: readonly PairAgreement[]): Row[] {
  const f = (x: number | null) => (x === null || Number.isNaN(x) ? null : Number(x.toFixed(3)));
  const c = (i: { low: number; high: number } | null) => (i ? `[${i.low.toFixed(3)}, ${i.high.toFixed(3)}]` : '—');
  return pairs.map((p) => ({
    pair: terminalSafe(`${p.raterA} vs ${p.raterB}`), items: p.items, raw: f(p.raw), rawCi: c(p.rawCi),
    scottsPi: f(p.scottsPi), piCi: c(p.scottsPiCi), cohensKappa: f(p.cohensKappa), kappaCi: c(p.cohensKappaCi), note: p.note ?? '',
  }));
}

function defineAgreement(parent: Command): void {
  const cmd = parent.command('agreement').description('pairwise Scott\'s π, Cohen\'s κ and raw agreement between graders, with bootstrap CIs over items')
    .argument('[sources...]', 'files of {item, rater, label} rows, or name=file for one rater (add #field to name the label field)')
    .option('--run <run...>', 'an eval run\'s scores as a rater, as id or id=name (repeatable)')
    .option('--binarize <map...>', 'map labels, e.g. "1-2:0,4-5:1,3:drop"; "A,B=<map>" for some raters only')
    .option('--items <file>', 'only these items (.txt one id per line, or a JSONL/CSV with an item field)')
    .option('--item-field <name>', 'item id field of the sources', 'item')
    .option('--rater-field <name>', 'rater field of long-format sources', 'rater')
    .option('--label-field <name>', 'label field of the sources', 'label')
    .option('--resamples <n>', 'bootstrap resamples', '1000')
    .option('--seed <n>', 'bootstrap seed', '0')
    .option('--plot <file.svg>', 'write the matrix of pairwise Scott\'s π as an SVG heatmap');
  withExamples(cmd, [
    'fathom eval agreement ratings.jsonl --binarize "1-2:0,4-5:1,3:drop"',
    'fathom eval agreement "A=human_a.jsonl#rating_match" "B=human_b.jsonl#rating_match" "M=matcher.jsonl#score" --item-field question_id --binarize "A,B=1-2:0,4-5:1,3:drop" --items ids.txt',
    'fathom eval agreement humans.csv --run 20261128-1315=matcher --plot agreement.svg',
  ]);
  cmd.action(async (sources: string[], o: { run?: string[]; binarize?: string[]; items?: string; itemField: string; raterField: string; labelField: string; resamples: string; seed: string; plot?: string }) => {
    const options = globalOptions(cmd);
    const resamples = Number(o.resamples);
    const seed = Number(o.seed);
    if (!Number.isInteger(resamples) || resamples < 1) throw new UsageError(`eval agreement: --resamples must be a positive whole number, got "${o.resamples}"`, 'pass e.g. --resamples 1000');
    if (!Number.isInteger(seed)) throw new UsageError(`eval agreement: --seed must be a whole number, got "${o.seed}"`, 'pass e.g. --seed 0');
    if (sources.length === 0 && !o.run?.length) throw new UsageError('eval agreement: no ratings given', 'pass rating files and/or --run <id>');
    let ratings: Rating[] = [];
    let skipped = 0;
    for (const spec of sources) {
      const r = readRatings({ spec, itemField: o.itemField, raterField: o.raterField, labelField: o.labelField });
      ratings.push(...r.ratings);
      skipped += r.skipped;
    }
    if (o.run?.length) await withExistingStore(options, (store) => { for (const spec of o.run!) ratings.push(...runRatings(store, spec)); });
    if (o.binarize?.length) ratings = binarize(ratings, o.binarize);
    if (o.items) {
      const keep = readItemIds(o.items, o.itemField);
      ratings = ratings.filter((r) => keep.has(r.item));
    }
    const pairs = pairwiseAgreement(ratings, { resamples, seed });
    if (o.plot) {
      const raters = [...new Set(ratings.map((r) => r.rater))];
      const value = (a: string, b: string) => (a === b ? 1 : pairs.find((p) => (p.raterA === a && p.raterB === b) || (p.raterA === b && p.raterB === a))?.scottsPi ?? null);
      const plot = heatmap({ title: 'Scott\'s π between graders', rowLabels: raters, colLabels: raters, values: raters.map((a) => raters.map((b) => value(a, b))), domain: [0, 1], digits: 3, valueLabel: 'π' });
      writeFileSync(o.plot, (await renderPlot(plot)).svg);
    }
    emit(options, { pairs, skippedUnlabelled: skipped, ...(o.plot ? { plot: o.plot } : {}) }, () =>
      `${textTable(agreementRows(pairs))}\n\n${resamples} bootstrap resamples over items (seed ${seed}), 95% intervals${skipped ? `; ${skipped} rows without a label skipped` : ''}${o.plot ? `\nplot: ${o.plot}` : ''}`);
  });
}

function defineRankings(parent: Command): void {
  const cmd = parent.command('rankings').description('accuracy per model per protocol over several eval runs, and Kendall τ between the protocols\' rankings')
    .argument('<runs...>', 'eval run ids (or unique prefixes)');
  withExamples(cmd, ['fathom eval rankings 20261128-1315 20261128-1320 20261128-1330 20261128-1340']);
  cmd.action(async (runs: string[]) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, (store) => {
      const summaries: EvalSummary[] = runs.map((id) => summarize(store, id));
      const table = new Map<string, Map<string, number | null>>(); // protocol -> model -> accuracy
      for (const s of summaries) {
        const protocol = `${s.solver}/${s.scorer}`;
        const model = s.candidate ?? s.runId;
        if (!table.has(protocol)) table.set(protocol, new Map());
        if (table.get(protocol)!.has(model)) throw new UsageError(`eval rankings: two runs of model ${model} under protocol ${protocol}`, 'give one run per model and protocol');
        table.get(protocol)!.set(model, s.accuracy.accuracy);
      }
      const protocols = [...table.keys()];
      const models = [...new Set(summaries.map((s) => s.candidate ?? s.runId))];
      const accuracyRows = models.map((m) => ({ model: terminalSafe(m), ...Object.fromEntries(protocols.map((p) => [p, table.get(p)!.get(m) ?? null])) }));
      const taus: { a: string; b: string; models: number; tau: number | null }[] = [];
      for (let i = 0; i < protocols.length; i++) {
        for (let j = i + 1; j < protocols.length; j++) {
          const both = models.filter((m) => typeof table.get(protocols[i]!)!.get(m) === 'number' && typeof table.get(protocols[j]!)!.get(m) === 'number');
          taus.push({ a: protocols[i]!, b: protocols[j]!, models: both.length, tau: both.length < 2 ? null : kendallTau(both.map((m) => table.get(protocols[i]!)!.get(m)!), both.map((m) => table.get(protocols[j]!)!.get(m)!)) });
        }
      }
      emit(options, { accuracy: accuracyRows, kendallTau: taus }, () => [
        textTable(accuracyRows as Row[]),
        taus.length ? `\n${textTable(taus.map((t) => ({ protocols: `${t.a} vs ${t.b}`, models: t.models, kendallTau: t.tau === null ? null : Number(t.tau.toFixed(3)) })))}` : '\n(one protocol: no ranking to compare)',
      ].join('\n'));
    });
  });
}

function defineList(parent: Command): void {
  const cmd = parent.command('list').description('list the registered solvers, scorers and provider types');
  cmd.action(() => {
    const options = globalOptions(cmd);
    const result = {
      solvers: registeredSolvers().map((s) => ({ name: s.name, summary: s.summary })),
      scorers: registeredScorers().map((s) => ({ name: s.name, summary: s.summary, usesModel: s.usesModel })),
      providers: providerTypes().map((p) => ({ type: p.type, summary: p.summary })),
    };
    emit(options, result, () => [textTable(result.solvers), textTable(result.scorers.map((s) => ({ ...s, usesModel: s.usesModel ? 'yes' : 'no' }))), textTable(result.providers)].join('\n\n'));
  });
}

registerCommand({
  name: 'eval',
  summary: 'evaluate models: free-form answer matching, MCQ, choices-only probe, judges; resume, retry, rescore, agreement, rankings',
  examples: ['fathom eval run --dataset demo --candidate local:m --matcher local:m --providers providers.yaml', 'fathom eval report <run> --items 10', 'fathom eval agreement ratings.jsonl --binarize "1-2:0,4-5:1,3:drop"'],
  define(cmd) {
    defineRun(cmd);
    defineRetry(cmd);
    defineRescore(cmd);
    defineReport(cmd);
    defineAgreement(cmd);
    defineRankings(cmd);
    defineProbe(cmd);
    defineList(cmd);
  },
});
