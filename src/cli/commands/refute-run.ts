// `fathom refute run|report`: REFUTE solvers (zero-shot, few-shot, with-correct, agent, random
// search) over problems × models, every attempt and execution stored in the run store, and the
// report of a run (refuted share with bootstrap CIs, by rating and tag; the paper's numbers beside
// them when the problems are the original dataset).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { LlmPool, parseModelSpec, readProvidersFile } from '../../llm/index.js';
import { createProgress } from '../../log/index.js';
import { bundledProblems, importedProblemIds, loadProblems, resolveProblem, type RefuteProblem } from '../../refute/index.js';
import { refuteReport, reportItems, type RefuteReport } from '../../refute/report.js';
import { makeSolver, solveAll, solverNames, type SolveJob } from '../../refute/solvers/index.js';
import { textTable as renderTable, type Row } from '../../report/index.js';
import { emit, globalOptions, withExistingStore, withStore } from '../context.js';
import { withExamples } from '../registry.js';
import { registerRefuteSubcommand, sandboxFrom, sandboxOptions } from './refute.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function num(value: string | undefined, flag: string, o: { integer?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (o.integer && !Number.isInteger(n)) || n < (o.min ?? 0)) {
    throw new UsageError(`refute run: ${flag} must be a ${o.integer ? 'whole ' : ''}number ≥ ${o.min ?? 0}, got "${value}"`, `pass e.g. ${flag} ${o.integer ? 2 : 1}`);
  }
  return n;
}

/** The problems of `--problems`: bundled (default), imported (the workspace's), or a path. */
export function selectProblems(spec: string, workspace: string, only: string | undefined): { problems: RefuteProblem[]; original: boolean } {
  let problems: RefuteProblem[];
  let original = false;
  if (spec === 'bundled') problems = bundledProblems();
  else if (spec === 'imported') {
    const ids = importedProblemIds(workspace);
    if (!ids.length) throw new UsageError(`refute run: no problems are imported into ${workspace}`, 'import the REFUTE dataset first: fathom refute import refute.jsonl');
    problems = ids.map((id) => resolveProblem(id, workspace));
    original = true;
  } else {
    problems = loadProblems(spec);
    original = !problems.some((p) => p.known_counterexamples);
  }
  if (only) {
    const want = only.split(',').map((s) => s.trim()).filter(Boolean);
    const missing = want.filter((id) => !problems.some((p) => p.problem_id === id));
    if (missing.length) throw new UsageError(`refute run: --only names unknown problems: ${missing.join(', ')}`, `see the ids with: fathom refute ls`);
    problems = problems.filter((p) => want.includes(p.problem_id));
  }
  return { problems, original };
}

function renderRows(rows: readonly Row[]): string {
  if (!rows.length) return '(none)';
  return renderTable(rows, undefined, {});
}

export function renderReport(r: RefuteReport): string {
  const parts = [
    'Refuted share per solver and model (95% bootstrap CI over problems; calls, executions, tokens: means per problem)', renderRows(r.overall),
    '', 'Verdicts', renderRows(r.verdicts),
    '', 'By rating band', renderRows(r.byRating),
    '', 'By tag', renderRows(r.byTag),
  ];
  if (r.byKind.length) parts.push('', 'By failure kind (bundled problems)', renderRows(r.byKind));
  if (r.paper) parts.push('', 'The paper (arXiv:2502.19414, Table 2), % of 324 problems refuted', renderRows(r.paper));
  return parts.join('\n');
}

function defineRun(parent: Command): void {
  const cmd = sandboxOptions(parent.command('run').description('ask models for counterexamples with one or more solvers; every attempt and execution is stored')
    .option('--problems <source>', '"bundled" (fathom\'s problems), "imported" (the workspace\'s, see refute import), or a .jsonl file / problem directory', 'bundled')
    .option('--only <ids>', 'comma-separated problem ids')
    .option('--solver <names>', `comma-separated solvers: ${solverNames().join(', ')}`, 'zero-shot')
    .option('--model <provider:model>', 'a model to ask (repeatable), e.g. openai:o3-mini', collect, [])
    .option('--providers <file>', 'providers file (YAML/JSON) defining provider names, e.g. a local OpenAI-compatible server')
    .option('--parallel <n>', 'problems solved at once', '2')
    .option('--temperature <t>', 'sampling temperature (default: the provider\'s)')
    .option('--max-tokens <n>', 'longest reply, in tokens')
    .option('--max-executions <n>', 'agent: programs it may run before submitting (paper: 10)', '10')
    .option('--search-seconds <s>', 'random search: time budget per problem', '60')
    .option('--time-factor <x>', 'multiplier on each problem\'s time limit for the solutions', '2')
    .option('--wrong-runs <n>', 'runs of the incorrect solution per verdict (paper: 5)', '5')
    .option('--name <name>', 'a name for the stored run'));
  withExamples(cmd, [
    'fathom refute run --model openai:o3-mini --solver zero-shot,agent',
    'fathom refute run --problems imported --model local:qwen2.5-coder --providers providers.yaml --solver few-shot --json',
    'fathom refute run --only crates,top-bit --model anthropic:claude-sonnet-4-5 --solver random-search --search-seconds 30',
  ]);
  cmd.action(async (o: {
    problems: string; only?: string; solver: string; model: string[]; providers?: string; parallel: string; temperature?: string; maxTokens?: string;
    maxExecutions: string; searchSeconds: string; timeFactor: string; wrongRuns: string; name?: string; unsafeNoSandbox?: boolean; concurrency?: string;
  }) => {
    const options = globalOptions(cmd);
    if (!o.model.length) throw new UsageError('refute run: no --model given', 'pass e.g. --model openai:o3-mini (repeat --model to compare models)');
    const solvers = o.solver.split(',').map((s) => s.trim()).filter(Boolean);
    for (const s of solvers) makeSolver(s);
    const models = o.model.map((m) => ({ spec: m, ...parseModelSpec(m, '--model') }));
    const { problems, original } = selectProblems(o.problems, options.workspace, o.only);
    const temperature = num(o.temperature, '--temperature');
    const maxTokens = num(o.maxTokens, '--max-tokens', { integer: true, min: 1 });
    const params = { ...(temperature !== undefined ? { temperature } : {}), ...(maxTokens !== undefined ? { maxTokens } : {}) };
    const verify = { timeFactor: num(o.timeFactor, '--time-factor')!, wrongRuns: num(o.wrongRuns, '--wrong-runs', { integer: true, min: 1 })! };
    const solverOptions = {
      agent: { maxExecutions: num(o.maxExecutions, '--max-executions', { integer: true, min: 0 })! },
      search: { budgetMs: num(o.searchSeconds, '--search-seconds')! * 1000 },
    };
    const sandbox = sandboxFrom(o, 'refute run');
    const shots = bundledProblems();
    await withStore(options, async (store) => {
      const pool = new LlmPool({ store, ...(o.providers ? { providers: readProvidersFile(o.providers) } : {}) });
      const run = store.createRun({ kind: 'refute', name: o.name ?? `refute ${solvers.join('+')} × ${o.model.join(', ')}`, config: { problems: o.problems, original, ids: problems.map((p) => p.problem_id), solvers, models: o.model, params, verify, solverOptions, sandboxed: sandbox.isolated } });
      const jobs: SolveJob[] = [];
      for (const m of models) {
        const client = pool.client(m.provider);
        for (const solver of solvers) {
          for (const problem of problems) jobs.push({ problem, solver, model: m.spec, ctx: { sandbox, client, model: m.model, params, verify, shots } });
        }
      }
      const progress = createProgress({ label: 'refute', total: jobs.length, unit: 'solves' });
      let refuted = 0;
      try {
        await solveAll(run, jobs, { ...solverOptions, parallel: num(o.parallel, '--parallel', { integer: true, min: 1 })!, onResult: (r) => progress.tick(1, { refuted: (refuted += r.verdict === 'refuted' ? 1 : 0) }) });
        run.finish('completed');
      } catch (e) {
        run.finish('failed', (e as Error).message);
        throw e;
      } finally {
        progress.done();
      }
      const report = refuteReport(reportItems(store.items(run.id)), { paper: original });
      emit(options, { runId: run.id, sandboxed: sandbox.isolated, ...report }, () => `run ${run.id}: ${jobs.length} solves\n\n${renderReport(report)}${sandbox.isolated ? '' : '\nWARNING: run without the sandbox (--unsafe-no-sandbox)'}`);
    });
  });
}

function defineReport(parent: Command): void {
  const cmd = parent.command('report').description('the report of a stored refute run: refuted share per solver and model with bootstrap CIs, by rating and tag')
    .argument('<run>', 'the run id (or a unique prefix), see fathom runs ls --kind refute')
    .option('--paper', 'show the paper\'s numbers beside ours (default: when the run used the imported original problems)')
    .option('--seed <n>', 'bootstrap seed', '0');
  withExamples(cmd, ['fathom refute report 20261202-0412', 'fathom refute report 20261202-0412 --json']);
  cmd.action(async (runId: string, o: { paper?: boolean; seed: string }) => {
    const options = globalOptions(cmd);
    await withExistingStore(options, (store) => {
      const record = store.getRun(runId);
      if (record.kind !== 'refute' && record.kind !== 'reproduce') throw new UsageError(`refute report: run ${record.id} is a "${record.kind}" run, not a refute run`, 'list refute runs with: fathom runs ls --kind refute');
      const items = reportItems(store.items(record.id));
      if (!items.length) throw new UsageError(`refute report: run ${record.id} holds no solver results`, 'pick a run made by `fathom refute run`');
      const original = (record.config as { original?: boolean } | null)?.original === true;
      const report = refuteReport(items, { paper: o.paper === true || original, seed: num(o.seed, '--seed', { integer: true })! });
      emit(options, { runId: record.id, ...report }, () => `run ${record.id} (${record.name ?? 'unnamed'}): ${items.length} solves\n\n${renderReport(report)}`);
    });
  });
}

registerRefuteSubcommand({ name: 'run', define: defineRun });
registerRefuteSubcommand({ name: 'report', define: defineReport });
