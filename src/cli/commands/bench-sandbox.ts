// `fathom bench sandbox`: the cost of isolation per run, beside a bare spawn and the plain
// bwrap + prlimit wrapper the issue measured, and sandboxed throughput with a warm compile cache.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { createProgress } from '../../log/index.js';
import { runVerdictBench, type VerdictBenchResult } from '../../refute/index.js';
import { runSandboxBench, type SandboxBenchResult } from '../../sandbox/bench.js';
import { createSandbox } from '../../sandbox/index.js';
import { emit, globalOptions, textTable } from '../context.js';
import { registerBench, withExamples } from '../registry.js';

function render(r: SandboxBenchResult & { verdict: VerdictBenchResult }): string {
  const row = (what: string, ms: number | null, over: number | null) => [what, ms === null ? '-' : ms, over === null ? '-' : over];
  return [
    textTable(['one run (median of ' + r.runs + ')', 'ms', 'overhead ms'], [
      row('bare spawn of the binary', r.bareMs, 0),
      row('fathom sandbox', r.sandboxMs, r.overheadMs),
      row('peer: bwrap + prlimit', r.peerMs, r.peerOverheadMs),
    ]),
    r.overheadRatio === null ? '' : `fathom's overhead is ${r.overheadRatio}× the plain wrapper's (it also drops to uid 65534, remounts / read-only, caps /tmp, measures rusage and gives a fresh work dir)`,
    `throughput, ${r.workers} workers: ${r.runsPerSecond} sandboxed runs/s (bare: ${r.bareRunsPerSecond} runs/s)`,
    `verdicts, ${r.verdict.workers} workers, warm cache: ${r.verdict.verdictsPerSecond} verdicts/s (${r.verdict.runsPerVerdict} runs each: ${r.verdict.runsPerSecond} runs/s)`,
    `compile cache: ${r.compileColdMs === null ? 'already warm' : `cold ${r.compileColdMs} ms`}, warm hit ${r.compileWarmMs} ms`,
    r.isolated ? '' : 'WARNING: measured without isolation (--unsafe-no-sandbox)',
  ].filter(Boolean).join('\n');
}

function define(parent: Command): void {
  const cmd = parent.command('sandbox').description('per-run overhead of the sandbox over a bare run of the same binary (and over a plain bwrap + prlimit wrapper), and sandboxed runs/s with a warm compile cache')
    .option('--runs <n>', 'runs per variant (medians are reported)', '200')
    .option('--workers <n>', 'parallel runs for the throughput measurement', '2')
    .option('--verdicts <n>', 'full counterexample verdicts for the verdict throughput', '20')
    .option('--unsafe-no-sandbox', 'measure the limits-only runner (no bubblewrap)');
  withExamples(cmd, ['fathom bench sandbox', 'fathom bench sandbox --runs 500 --json']);
  cmd.action(async (o: { runs: string; workers: string; verdicts: string; unsafeNoSandbox?: boolean }) => {
    const options = globalOptions(cmd);
    const runs = Number(o.runs);
    const workers = Number(o.workers);
    if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`bench sandbox: --runs must be a whole number ≥ 1, got "${o.runs}"`, 'pass e.g. --runs 200');
    if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`bench sandbox: --workers must be a whole number ≥ 1, got "${o.workers}"`, 'pass e.g. --workers 2');
    const verdicts = Number(o.verdicts);
    if (!Number.isInteger(verdicts) || verdicts < 1) throw new UsageError(`bench sandbox: --verdicts must be a whole number ≥ 1, got "${o.verdicts}"`, 'pass e.g. --verdicts 20');
    const progress = createProgress({ label: 'bench sandbox', unit: 'runs' });
    const unsafe = o.unsafeNoSandbox ? { unsafeNoSandbox: true } : {};
    const runBench = await runSandboxBench({ runs, workers, ...unsafe, onRun: () => progress.tick(1) });
    const verdict = await runVerdictBench(createSandbox({ concurrency: workers, ...unsafe }), { verdicts, workers, onVerdict: () => progress.tick(1) });
    progress.done();
    const result = { ...runBench, verdict };
    emit(options, result, () => render(result));
  });
}

registerBench({ name: 'sandbox', define });
