// `fathom refute import|verify|ls`: REFUTE problems (arXiv:2502.19414) and the counterexample
// verdict, run in fathom's sandbox. Other refute subcommands register themselves in
// `refuteSubcommands` from their own file (imported from commands/index.ts).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { Registry } from '../../registry.js';
import { createProgress } from '../../log/index.js';
import {
  bundledProblems, importedProblemIds, KNOWN_FIELDS, loadProblems, readCounterexample, resolveProblem, saveProblems, selfCheckProblem,
  verifyCounterexample, type SelfCheck, type VerifyResult,
} from '../../refute/index.js';
import { createSandbox, type Sandbox } from '../../sandbox/index.js';
import { emit, globalOptions, textTable } from '../context.js';
import { registerCommand, withExamples } from '../registry.js';

/** A `fathom refute <name>` subcommand. */
export interface RefuteSubcommand {
  name: string;
  define(parent: Command): void;
}

const subcommands = new Registry<RefuteSubcommand>('cli: refute subcommand', (s) => s.name);

/** Registers `fathom refute <name>`; registering a name twice throws. */
export function registerRefuteSubcommand(spec: RefuteSubcommand): void {
  subcommands.register(spec);
}

export function refuteSubcommands(): RefuteSubcommand[] {
  return subcommands.all();
}

/** The sandbox flags every refute subcommand that runs code shares. */
export function sandboxOptions(cmd: Command): Command {
  return cmd
    .option('--unsafe-no-sandbox', 'run untrusted code WITHOUT bubblewrap isolation (limits still apply); only for machines you can throw away')
    .option('--concurrency <n>', 'sandboxed runs at once (default: the number of cores)');
}

/** The sandbox for a command, from `sandboxOptions` flags. */
export function sandboxFrom(o: { unsafeNoSandbox?: boolean; concurrency?: string }, command: string): Sandbox {
  let concurrency: number | undefined;
  if (o.concurrency !== undefined) {
    concurrency = Number(o.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`${command}: --concurrency must be a whole number ≥ 1, got "${o.concurrency}"`, 'pass e.g. --concurrency 2');
  }
  return createSandbox({ ...(o.unsafeNoSandbox ? { unsafeNoSandbox: true } : {}), ...(concurrency !== undefined ? { concurrency } : {}) });
}

function positive(value: string, flag: string, command: string, integer = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${command}: ${flag} must be a positive ${integer ? 'whole ' : ''}number, got "${value}"`, `pass e.g. ${flag} ${integer ? 5 : 2}`);
  }
  return n;
}

function defineImport(parent: Command): void {
  const cmd = sandboxOptions(parent.command('import').description('validate REFUTE problems (original JSONL, or a directory per problem) and store them in the workspace')
    .argument('<path>', 'a .jsonl file of original records, a problem directory, or a directory of problem directories')
    .option('--dry-run', 'validate and report only; store nothing')
    .option('--check', 'also compile every program and run the statement\'s example through the validator and the correct solution (in the sandbox)'));
  withExamples(cmd, ['fathom refute import refute.jsonl', 'fathom refute import assets/refute --check --dry-run --json']);
  cmd.action(async (path: string, o: { dryRun?: boolean; check?: boolean; unsafeNoSandbox?: boolean; concurrency?: string }) => {
    const options = globalOptions(cmd);
    const problems = loadProblems(path);
    const extra = [...new Set(problems.flatMap((p) => Object.keys(p).filter((k) => !KNOWN_FIELDS.has(k))))].sort();
    let checks: SelfCheck[] | undefined;
    if (o.check) {
      const sandbox = sandboxFrom(o, 'refute import');
      const progress = createProgress({ label: 'check', total: problems.length, unit: 'problems' });
      checks = await Promise.all(problems.map(async (p) => {
        const r = await selfCheckProblem(sandbox, p);
        progress.tick(1);
        return r;
      }));
      progress.done();
    }
    const failed = checks?.filter((c) => !c.ok) ?? [];
    const stored = o.dryRun || failed.length ? undefined : saveProblems(options.workspace, problems);
    const byLang = (lang: string) => problems.filter((p) => (/py/i.test(p.wrong_code_lang) ? 'python' : 'cpp') === lang).length;
    const result = {
      path, problems: problems.length, ids: problems.map((p) => p.problem_id),
      wrongCode: { cpp: byLang('cpp'), python: byLang('python') },
      unusedFields: extra,
      ...(checks ? { checks } : {}),
      stored: stored ? { dir: stored.dir, replaced: stored.replaced } : null,
    };
    emit(options, result, () => {
      const lines = [`${problems.length} problems in ${path} (incorrect solutions: ${result.wrongCode.cpp} C++, ${result.wrongCode.python} Python)`];
      if (extra.length) lines.push(`fields kept but not used by fathom: ${extra.join(', ')}`);
      if (checks) {
        lines.push(`self-check: ${checks.length - failed.length}/${checks.length} ok`);
        for (const c of failed) lines.push(`  ${c.problemId}: ${c.issues.join('; ')}`);
      }
      if (stored) lines.push(`stored in ${stored.dir}${stored.replaced.length ? ` (replaced ${stored.replaced.length}: ${stored.replaced.slice(0, 5).join(', ')}${stored.replaced.length > 5 ? ', ...' : ''})` : ''}`);
      else if (o.dryRun) lines.push('dry run: nothing stored');
      else lines.push('nothing stored: fix the problems above, or import without --check');
      return lines.join('\n');
    });
    if (failed.length) process.exitCode = 1;
  });
}

function renderVerdict(r: VerifyResult, showInput: boolean): string {
  const lines = [`${r.problemId}: ${r.verdict.toUpperCase()} — ${r.reason}`, ''];
  lines.push(textTable(['run', 'verdict', 'exit', 'cpu ms', 'wall ms', 'peak MB', 'why'], r.runs.map((x) => [
    x.attempt !== undefined ? `${x.role} #${x.attempt}` : x.role, x.verdict, x.signal ?? (x.exitCode === null ? '-' : String(x.exitCode)),
    Math.round(x.cpuMs), Math.round(x.wallMs), Number((x.peakMemoryKb / 1024).toFixed(1)), x.reason,
  ])));
  if (r.input !== undefined) {
    const input = r.input.length > 2000 && !showInput ? `${r.input.slice(0, 2000)}\n... (${r.input.length} bytes; --show-input prints all)` : r.input;
    lines.push('', 'input:', input.trimEnd());
  }
  if (r.expectedOutput !== undefined && r.verdict === 'refuted') lines.push('', 'expected output:', clip(r.expectedOutput), '', 'incorrect solution\'s output:', clip(r.wrongOutput ?? ''));
  lines.push('', `verdict in ${r.ms} ms`);
  return lines.join('\n');
}
const clip = (s: string) => (s.length > 1000 ? `${s.slice(0, 1000)}... (${s.length} bytes)` : s.trimEnd());

function defineVerify(parent: Command): void {
  const cmd = sandboxOptions(parent.command('verify').description('decide whether a counterexample refutes a problem\'s incorrect solution: refuted, not-refuted, invalid-generator, invalid-input or harness-error')
    .requiredOption('--problem <id|path>', 'an imported or bundled problem id, a problem directory, or a .jsonl/.json file (file.jsonl#id for one of many)')
    .requiredOption('--counterexample <file>', 'a generator program (.py, .cpp) whose stdout is the input, or the input itself (any other file)')
    .option('--time-factor <x>', 'multiplier on the problem\'s time limit', '2')
    .option('--memory-factor <x>', 'multiplier on the problem\'s memory limit', '1')
    .option('--wrong-runs <n>', 'runs of the incorrect solution (it may be nondeterministic)', '5')
    .option('--show-input', 'print the whole input, however long'));
  withExamples(cmd, [
    'fathom refute verify --problem crates --counterexample assets/refute/crates/counterexamples/ceil.py',
    'fathom refute verify --problem refute.jsonl#1975F --counterexample input.txt --json',
    'fathom refute verify --problem my-problem/ --counterexample gen.cpp --time-factor 3 --wrong-runs 10',
  ]);
  cmd.action(async (o: { problem: string; counterexample: string; timeFactor: string; memoryFactor: string; wrongRuns: string; showInput?: boolean; unsafeNoSandbox?: boolean; concurrency?: string }) => {
    const options = globalOptions(cmd);
    const opts = {
      timeFactor: positive(o.timeFactor, '--time-factor', 'refute verify'),
      memoryFactor: positive(o.memoryFactor, '--memory-factor', 'refute verify'),
      wrongRuns: positive(o.wrongRuns, '--wrong-runs', 'refute verify', true),
    };
    const problem = resolveProblem(o.problem, options.workspace);
    const counterexample = readCounterexample(o.counterexample);
    const sandbox = sandboxFrom(o, 'refute verify');
    const result = await verifyCounterexample(sandbox, problem, counterexample, opts);
    emit(options, { ...result, sandboxed: sandbox.isolated }, () => renderVerdict(result, o.showInput === true) + (sandbox.isolated ? '' : '\nWARNING: run without the sandbox (--unsafe-no-sandbox)'));
  });
}

function defineLs(parent: Command): void {
  const cmd = parent.command('ls').description('list the problems fathom knows: imported into the workspace and bundled');
  withExamples(cmd, ['fathom refute ls', 'fathom refute ls --json']);
  cmd.action(() => {
    const options = globalOptions(cmd);
    const imported = importedProblemIds(options.workspace);
    const bundled = bundledProblems().map((p) => ({ id: p.problem_id, rating: p.rating ?? null, tags: p.tags ?? null, wrongLang: p.wrong_code_lang, counterexamples: p.known_counterexamples?.length ?? 0, decoys: p.decoys?.length ?? 0 }));
    emit(options, { imported, bundled }, () => [
      `imported (${imported.length}): ${imported.length ? imported.join(', ') : 'none; `fathom refute import <file.jsonl>` adds some'}`,
      `bundled (${bundled.length}):`,
      textTable(['id', 'rating', 'wrong code', 'known counterexamples', 'decoys'], bundled.map((b) => [b.id, b.rating === null ? '-' : String(b.rating), b.wrongLang, b.counterexamples, b.decoys])),
    ].join('\n'));
  });
}

registerRefuteSubcommand({ name: 'import', define: defineImport });
registerRefuteSubcommand({ name: 'verify', define: defineVerify });
registerRefuteSubcommand({ name: 'ls', define: defineLs });

registerCommand({
  name: 'refute',
  summary: 'REFUTE: counterexamples for subtly wrong solutions, verified in a sandbox (arXiv:2502.19414)',
  examples: ['fathom refute ls', 'fathom refute import refute.jsonl --check', 'fathom refute verify --problem crates --counterexample assets/refute/crates/counterexamples/ceil.py --json'],
  define(cmd) {
    for (const sub of refuteSubcommands()) sub.define(cmd);
  },
});
