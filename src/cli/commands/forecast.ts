// `fathom forecast audit|score|run|retry|simulate`: forecasting evaluation that cannot leak
// (arXiv:2506.00723), scored the ForecastBench way (arXiv:2409.19839). The leakage audit runs
// before every score; --strict turns its findings into exit code 3.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { UsageError } from '../../errors.js';
import {
  LeakageError, auditChecks, bettingPlot, auditText, evaluate, evaluationHtml, evaluationText, forecastRunSchema, loadEvaluation, reliabilityPlots,
  resumeForecastRun, retryForecastRun, simulateBetting, startForecastRun, type AuditOptions, type ForecastRunOutcome, type ScoreOptions,
} from '../../forecast/index.js';
import { audit } from '../../forecast/audit.js';
import { createProgress } from '../../log/index.js';
import { renderSvg, textTable } from '../../report/index.js';
import { emit, globalOptions, withExistingStore, withStore } from '../context.js';
import { registerCommand, withExamples } from '../registry.js';

const FORMATS = `
File formats:
  questions    ForecastBench question set (<date>-llm.json), or JSONL/CSV with id, source, kind (market|dataset),
               question, freeze_date, crowd (market), resolution_dates (dataset, "d1;d2"), close_date, open_date,
               background, resolution_criteria, url, period
  resolutions  ForecastBench resolution set (<date>_resolution_set.json), or JSONL/CSV with id, source,
               resolution_date, resolved_to (0..1), resolved (true|false), direction
  forecasts    ForecastBench forecast set ({model, forecasts: [...]}), or JSONL/CSV with id, source, forecast
               (0..1), resolution_date (dataset questions), reasoning; name=path names the forecaster
  context      JSONL of {id, source, documents: [{id, date, title, text}], messages: [{role, content}]}:
               what each question's forecaster saw, for the retrieval and prompt checks`;

interface AuditFlags { cutoff?: string; bufferMonths: string; skip?: string[]; duplicateSimilarity: string; strict?: boolean; findings: string }
interface InputFlags { questions: string; resolutions?: string; forecasts?: string[]; run?: string[]; context?: string[] }

function number(flag: string, text: string, check: (x: number) => boolean, example: string): number {
  const x = Number(text);
  if (!Number.isFinite(x) || !check(x)) throw new UsageError(`forecast: ${flag} "${text}" is out of range`, `pass e.g. ${flag} ${example}`);
  return x;
}

function auditOptions(o: AuditFlags): AuditOptions {
  if (o.cutoff !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.cutoff)) throw new UsageError(`forecast: --cutoff "${o.cutoff}" is not a YYYY-MM-DD date`, 'pass the forecaster\'s stated knowledge cutoff, e.g. --cutoff 2024-10-01');
  return {
    ...(o.cutoff ? { cutoff: o.cutoff } : {}),
    bufferMonths: number('--buffer-months', o.bufferMonths, (x) => Number.isInteger(x) && x >= 0 && x <= 120, '3'),
    duplicateSimilarity: number('--duplicate-similarity', o.duplicateSimilarity, (x) => x > 0 && x <= 1, '0.6'),
    ...(o.skip ? { skip: o.skip } : {}),
  };
}

function inputOptions(cmd: Command, resolutionsRequired: boolean): Command {
  cmd.requiredOption('--questions <file>', 'the question set');
  if (resolutionsRequired) cmd.requiredOption('--resolutions <file>', 'the resolution set');
  else cmd.option('--resolutions <file>', 'the resolution set (for the resolution checks)');
  return cmd
    .option('--forecasts <spec...>', 'forecast sets (file, or name=file)')
    .option('--run <id...>', 'forecast runs of this workspace (their forecasts, retrieved documents and prompts)')
    .option('--context <file...>', 'what each question\'s forecaster saw (JSONL), for the retrieval and prompt checks');
}

function auditFlags(cmd: Command): Command {
  return cmd.option('--cutoff <YYYY-MM-DD>', 'the forecaster\'s stated knowledge cutoff')
    .option('--buffer-months <n>', 'months added to the cutoff (models know events past it)', '3')
    .option('--duplicate-similarity <x>', 'word-trigram Jaccard at which questions share a template', '0.6')
    .option('--skip <check...>', `leave checks out (${auditChecks().map((c) => c.name).join(', ')})`)
    .option('--findings <n>', 'findings listed in the terminal', '20')
    .option('--strict', 'exit 3 when the audit finds anything (score: show no scores then)');
}

const needsStore = (o: InputFlags): boolean => (o.run?.length ?? 0) > 0;

function defineAudit(parent: Command): void {
  const cmd = auditFlags(inputOptions(parent.command('audit').description('the leakage audit: every pitfall of arXiv:2506.00723 as a named check, per question, with a summary table'), false));
  cmd.addHelpText('after', FORMATS);
  withExamples(cmd, [
    'fathom forecast audit --questions 2025-10-26-llm.json --resolutions 2025-10-26_resolution_set.json --cutoff 2025-03-01',
    'fathom forecast audit --questions q.jsonl --context contexts.jsonl --strict',
    'fathom forecast audit --questions q.json --run 20261202-0412 --json',
  ]);
  cmd.action(async (o: InputFlags & AuditFlags) => {
    const options = globalOptions(cmd);
    const go = (store?: Parameters<typeof loadEvaluation>[1]) => {
      const input = loadEvaluation({ questions: o.questions, resolutions: o.resolutions, forecasts: o.forecasts ?? [], runs: o.run ?? [], contexts: o.context ?? [] }, store);
      const report = audit(input, auditOptions(o));
      emit(options, { ...report, notes: input.notes }, () => [auditText(report, { findings: Number(o.findings) }), ...input.notes.map((n) => `note: ${n}`)].join('\n'));
      if (o.strict && report.findings.length) throw new LeakageError(`forecast audit: ${report.findings.length} finding(s) under --strict`, 'fix or remove the flagged questions and documents, or --skip a check you have reviewed');
    };
    if (needsStore(o)) await withExistingStore(options, go);
    else go();
  });
}

function defineScore(parent: Command): void {
  const cmd = auditFlags(inputOptions(parent.command('score').description('audit, then score forecasters the ForecastBench way: Brier, log score, Brier Index, skill vs 0.5 and the crowd, difficulty adjustment, ECE, bootstrap CIs, per source and period'), true))
    .option('--unresolved <how>', 'unresolved market questions: market-value (ForecastBench) or drop', 'market-value')
    .option('--missing <how>', 'resolutions without a forecast: drop, or half (score a 0.5)', 'drop')
    .option('--resamples <n>', 'bootstrap resamples', '1000')
    .option('--seed <n>', 'bootstrap seed', '0')
    .option('--html <dir>', 'write an HTML report (with reliability diagrams) into this folder')
    .option('--plot <file.svg>', 'write the first forecaster\'s reliability diagram as SVG');
  cmd.addHelpText('after', FORMATS);
  withExamples(cmd, [
    'fathom forecast score --questions q.json --resolutions r.json --forecasts crowd=crowd.jsonl model=fb-forecasts.json',
    'fathom forecast score --questions q.json --resolutions r.json --run 20261202-0412 --cutoff 2024-10-01 --strict',
    'fathom forecast score --questions q.csv --resolutions r.csv --forecasts f.jsonl --html report/ --json',
  ]);
  cmd.action(async (o: InputFlags & AuditFlags & { unresolved: string; missing: string; resamples: string; seed: string; html?: string; plot?: string }) => {
    const options = globalOptions(cmd);
    if (o.unresolved !== 'market-value' && o.unresolved !== 'drop') throw new UsageError(`forecast score: --unresolved "${o.unresolved}" is neither market-value nor drop`, 'pass --unresolved market-value or --unresolved drop');
    if (o.missing !== 'drop' && o.missing !== 'half') throw new UsageError(`forecast score: --missing "${o.missing}" is neither drop nor half`, 'pass --missing drop or --missing half');
    const score: ScoreOptions = { unresolved: o.unresolved, missing: o.missing, resamples: number('--resamples', o.resamples, (x) => Number.isInteger(x) && x >= 1 && x <= 100_000, '1000'), seed: number('--seed', o.seed, Number.isInteger, '0') };
    const go = async (store?: Parameters<typeof loadEvaluation>[1]) => {
      const input = loadEvaluation({ questions: o.questions, resolutions: o.resolutions, forecasts: o.forecasts ?? [], runs: o.run ?? [], contexts: o.context ?? [] }, store);
      if (!input.sets.length) throw new UsageError('forecast score: no forecasts to score', 'pass --forecasts <file> or --run <forecast run id>');
      const e = evaluate(input, { audit: auditOptions(o), score, strict: o.strict === true });
      const html = o.html ? await evaluationHtml(e, o.html) : undefined;
      const plots = reliabilityPlots(e);
      if (o.plot) {
        if (!plots.length) throw new UsageError('forecast score: no forecast has a 0/1 outcome, so there is no reliability diagram', 'score resolved questions, or drop --plot');
        writeFileSync(o.plot, await renderSvg(plots[0]!));
      }
      const json = { audit: e.audit, scores: e.scores.map(({ perQuestion: _q, ...s }) => s), adjusted: e.adjusted, adjustmentConverged: e.adjustmentConverged, notes: e.notes, ...(html ? { html } : {}) };
      emit(options, json, () => `${evaluationText(e, { findings: Number(o.findings) })}${html ? `\n\nreport: ${html}` : ''}${o.plot ? `\nreliability diagram: ${o.plot}` : ''}`);
    };
    if (needsStore(o)) await withExistingStore(options, go);
    else await go();
  });
}

const RUN_FLAGS: Record<string, string> = { questions: 'questions', forecaster: 'forecaster', corpus: 'corpus', k: 'k', limit: 'limit', providers: 'providersFile', concurrency: 'concurrency', temperature: 'temperature', name: 'name' };
const NUMERIC = new Set(['k', 'limit', 'concurrency', 'temperature']);

function runText(o: ForecastRunOutcome): string {
  const s = o.summary;
  return [
    `run ${s.runId}  ${s.name}  (${s.status})`,
    textTable([{ items: s.items, forecasts: s.forecasts, unparsed: s.unparsed, refused: s.refused, errors: s.errors, pending: s.pending }], undefined, { style: 'plain' }),
    `retrieval kept out ${s.excluded.afterFreeze} document(s) dated after freeze and ${s.excluded.undated} undated`,
    `this call: ${o.work.processed} items processed (${o.work.generated} generations), ${o.work.skipped} already finished`,
    `unparsed answers are kept apart and never scored; score with: fathom forecast score --questions <q> --resolutions <r> --run ${s.runId}`,
  ].join('\n');
}

function defineRun(parent: Command): void {
  const cmd = parent.command('run').description('ask a forecaster each question as of its freeze date (optionally with date-restricted BM25 retrieval); resumable and cached like every eval run')
    .option('--questions <file>', 'the question set')
    .option('--forecaster <provider:model>', 'the model that forecasts')
    .option('--corpus <sotu|file>', 'dated documents to retrieve from: "sotu" (embedded) or JSONL/CSV {id, date, title, text}')
    .option('--k <n>', 'documents per question')
    .option('--limit <n>', 'only the first N questions')
    .option('--providers <file>', 'JSON/YAML file of named provider instances')
    .option('--concurrency <n>', 'items in flight')
    .option('--temperature <x>', 'sampling temperature')
    .option('--name <name>', 'a name for the run')
    .option('--resume <run>', 'continue this run (its stored config is used)')
    .option('-c, --config <file>', 'a JSON or YAML forecast-run config')
    .option('--set <key=value...>', 'override a config key (repeatable)');
  withExamples(cmd, [
    'fathom forecast run --questions 2025-10-26-llm.json --forecaster openai:gpt-4o-mini --limit 50',
    'fathom forecast run --questions q.jsonl --forecaster local:qwen2.5-7b --providers providers.yaml --corpus sotu --k 5',
    'fathom forecast run --resume 20261202-0412',
  ]);
  cmd.action(async (o: Record<string, string | string[] | undefined>) => {
    const options = globalOptions(cmd);
    await withStore(options, async (store) => {
      const progress = { progress: (total: number) => createProgress({ label: 'forecast', total, ...(options.quiet ? { stream: { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream } : {}) }) };
      let outcome: ForecastRunOutcome;
      if (typeof o.resume === 'string') {
        const given = Object.keys(RUN_FLAGS).filter((k) => o[k] !== undefined);
        if (given.length || o.config || o.set) throw new UsageError(`forecast run --resume: the run's stored config is used, so ${given.map((k) => `--${k}`).join(', ') || '--config/--set'} cannot be changed`, 'start a new run for a different config');
        outcome = await resumeForecastRun(store, o.resume, progress);
      } else {
        const sets = [...(Array.isArray(o.set) ? o.set : [])];
        for (const [flag, key] of Object.entries(RUN_FLAGS)) {
          const v = o[flag];
          if (typeof v === 'string') sets.push(`${key}=${NUMERIC.has(flag) ? v : JSON.stringify(v)}`);
        }
        const config = loadConfig(forecastRunSchema, { file: typeof o.config === 'string' ? o.config : undefined, sets });
        outcome = await startForecastRun(store, config, progress);
      }
      emit(options, outcome, () => runText(outcome));
    });
  });
}

function defineRetry(parent: Command): void {
  const cmd = parent.command('retry').description('re-request only the items of a forecast run whose request failed (answered and unparsed items are kept)')
    .argument('<run>', 'forecast run id (or a unique prefix)');
  withExamples(cmd, ['fathom forecast retry 20261202-0412']);
  cmd.action(async (run: string) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, async (store) => {
      const outcome = await retryForecastRun(store, run);
      emit(options, outcome, () => runText(outcome));
    });
  });
}

function defineSimulate(parent: Command): void {
  const cmd = parent.command('simulate').description('the betting pitfall: with correlated outcomes, an extremized forecaster tops leaderboards more often than an honest one while its expected Brier is worse')
    .option('--questions <n>', 'questions per leaderboard', '30')
    .option('--field <n>', 'honest forecasters competing with the extremized one', '9')
    .option('--correlation <x>', 'outcome correlation through one shared factor, in [0, 1)', '0.5')
    .option('--noise <x>', 'logit noise of every forecaster\'s view of the true probability', '0.3')
    .option('--gammas <list>', 'extremizing factors (1: honest)', '1,1.25,1.5,2,3,4')
    .option('--trials <n>', 'leaderboards simulated per factor', '2000')
    .option('--seed <n>', 'random seed', '0')
    .option('--plot <file.svg>', 'write expected Brier vs probability of ranking first as SVG');
  withExamples(cmd, ['fathom forecast simulate', 'fathom forecast simulate --correlation 0.8 --plot betting.svg', 'fathom forecast simulate --correlation 0 --trials 5000 --json']);
  cmd.action(async (o: { questions: string; field: string; correlation: string; noise: string; gammas: string; trials: string; seed: string; plot?: string }) => {
    const options = globalOptions(cmd);
    const int = (flag: string, v: string, min: number) => number(flag, v, (x) => Number.isInteger(x) && x >= min && x <= 1_000_000, String(Math.max(min, 10)));
    const gammas = o.gammas.split(',').map((g) => number('--gammas', g.trim(), (x) => x > 0 && x <= 100, '1,1.5,2,3'));
    const rows = simulateBetting({ questions: int('--questions', o.questions, 1), field: int('--field', o.field, 0), correlation: number('--correlation', o.correlation, (x) => x >= 0 && x < 1, '0.5'), noise: number('--noise', o.noise, (x) => x >= 0 && x <= 10, '0.3'), gammas, trials: int('--trials', o.trials, 1), seed: int('--seed', o.seed, 0) });
    if (o.plot) writeFileSync(o.plot, await renderSvg(bettingPlot(rows)));
    emit(options, rows, () => `${textTable(rows.map((r) => ({ gamma: r.gamma, expectedBrier: r.expectedBrier.toFixed(4), honestBrier: r.honestBrier.toFixed(4), pFirst: r.pFirst.toFixed(3), fairShare: r.fairShare.toFixed(3) })), undefined, { style: 'plain' })}\n\ngamma 1 is honest; pFirst above fairShare with a worse expectedBrier is the betting pitfall.${o.plot ? `\nplot: ${o.plot}` : ''}`);
  });
}

registerCommand({
  name: 'forecast',
  summary: 'forecasting evaluation that cannot leak: leakage audit, ForecastBench scoring, forecaster runs, betting simulation',
  examples: [
    'fathom forecast audit --questions q.json --resolutions r.json --cutoff 2025-01-01',
    'fathom forecast score --questions q.json --resolutions r.json --forecasts f.json',
    'fathom forecast run --questions q.json --forecaster openai:gpt-4o-mini --corpus sotu',
    'fathom forecast simulate --correlation 0.8',
  ],
  define(cmd) {
    defineAudit(cmd);
    defineScore(cmd);
    defineRun(cmd);
    defineRetry(cmd);
    defineSimulate(cmd);
  },
});
