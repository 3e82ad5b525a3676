// Verdict throughput for `fathom bench sandbox`: full counterexample verdicts per second with a
// warm compile cache, on a tiny built-in problem. Each verdict is a decoy (the costliest kind:
// validator + correct solution + all 5 runs of the incorrect one = 7 sandboxed runs).
import type { Sandbox } from '../sandbox/index.js';
import type { RefuteProblem } from './problem.js';
import { verifyCounterexample } from './verify.js';

export const BENCH_PROBLEM: RefuteProblem = {
  problem_id: 'bench-sum',
  statement: 'Print a + b for 0 ≤ a, b ≤ 2·10^9.',
  time_limit: 1000,
  memory_limit: 256,
  wrong_code: '#include <cstdio>\nint main(){ int a, b; scanf("%d %d", &a, &b); printf("%d\\n", a + b); }\n',
  wrong_code_lang: 'C++20',
  correct_cpp: '#include <cstdio>\nint main(){ long long a, b; scanf("%lld %lld", &a, &b); printf("%lld\\n", a + b); }\n',
  validator: 'import sys\nv = sys.stdin.read().split()\nassert len(v) == 2 and all(x.isdigit() and int(x) <= 2 * 10**9 for x in v)\n',
};

export interface VerdictBenchResult {
  verdicts: number;
  workers: number;
  verdictsPerSecond: number;
  /** Sandboxed runs per verdict (7 for a decoy). */
  runsPerVerdict: number;
  runsPerSecond: number;
}

export async function runVerdictBench(sandbox: Sandbox, opts: { verdicts?: number; workers?: number; onVerdict?: () => void } = {}): Promise<VerdictBenchResult> {
  const n = opts.verdicts ?? 20;
  const workers = opts.workers ?? 2;
  const decoy = { kind: 'input' as const, text: '5 7\n' };
  const warm = await verifyCounterexample(sandbox, BENCH_PROBLEM, decoy);
  if (warm.verdict !== 'not-refuted') throw new Error(`bench: the built-in problem's decoy is ${warm.verdict} (${warm.reason})`);
  let next = 0;
  let runs = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next++ < n) {
      const r = await verifyCounterexample(sandbox, BENCH_PROBLEM, decoy);
      if (r.verdict !== 'not-refuted') throw new Error(`bench: unexpected verdict ${r.verdict} (${r.reason})`);
      runs += r.runs.length;
      opts.onVerdict?.();
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return { verdicts: n, workers, verdictsPerSecond: r2(n / seconds), runsPerVerdict: runs / n, runsPerSecond: r2(runs / seconds) };
}
