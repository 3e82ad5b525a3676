// fathom's bundled REFUTE benchmark (assets/refute/, one directory per problem): its problems
// grouped by directory, the random small tests every incorrect solution passes, and the known
// verdicts (each known counterexample refutes, each decoy does not). REFUTE's incorrect
// solutions passed a problem's official tests; here "the tests" are each directory's
// gen_small.py, run with seeds 1..count.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../checker.js';
import { BUNDLED_DIR } from '../library.js';
import { correctSolution, loadProblemDir, ProblemFormatError, wrongSolution, type NamedCounterexample, type RefuteProblem } from '../problem.js';
import { GENERATOR_LIMITS, solutionLimits, VALIDATOR_LIMITS, verifyCounterexample, type VerifyOptions, type VerifyResult } from '../verify.js';
import type { CompiledProgram, Sandbox } from '../../sandbox/index.js';

/** The kinds of failure the bundled incorrect solutions exhibit (problem.json `failure.kind`). */
export const FAILURE_KINDS = ['overflow', 'off-by-one', 'wrong-greedy', 'corner-case', 'duplicates', 'time-limit', 'tie-breaking', 'precision', 'sentinel', 'modular-arithmetic', 'runtime-error'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface Failure {
  kind: FailureKind;
  description: string;
}

/** One problem directory: its records (one per incorrect solution) and its small-test generator. */
export interface BenchmarkProblem {
  dir: string;
  id: string;
  title: string;
  records: RefuteProblem[];
  /** gen_small.py: prints one random small test for the seed in argv[1]. */
  smallGenerator: string;
  smallCount: number;
}

/** A record's failure kind and description, from problem.json (`failure`, or `failures.<variant>`). */
export function failureOf(p: RefuteProblem): Failure | undefined {
  const single = p.failure as Failure | undefined;
  if (single) return single;
  const many = p.failures as Record<string, Failure> | undefined;
  if (!many) return undefined;
  const variant = Object.keys(many).find((v) => p.problem_id.endsWith(`-${v}`));
  return variant ? many[variant] : undefined;
}

/** The bundled benchmark (or the problem directories under `root`), sorted by id. */
export function loadBenchmark(root: string = BUNDLED_DIR): BenchmarkProblem[] {
  if (!existsSync(root)) throw new ProblemFormatError(`refute: the benchmark folder ${root} does not exist`, 'reinstall fathom, or pass a folder of problem directories');
  const out: BenchmarkProblem[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!existsSync(join(dir, 'problem.json'))) continue;
    const records = loadProblemDir(dir);
    const small = records[0]!.small_tests as { generator?: string; count?: number } | undefined;
    if (!small?.generator || !small.count) throw new ProblemFormatError(`refute: ${dir}/problem.json has no "small_tests": {generator, count}`, 'add e.g. "small_tests": {"generator": "gen_small.py", "count": 30}');
    const genPath = join(dir, small.generator);
    if (!existsSync(genPath)) throw new ProblemFormatError(`refute: ${dir}: the small-test generator ${small.generator} is missing`, 'add the generator or fix "small_tests.generator"');
    for (const r of records) {
      if (!failureOf(r)) throw new ProblemFormatError(`refute: ${dir}: record ${r.problem_id} has no failure kind`, 'add "failure": {kind, description} (or "failures": {<variant>: ...}) to problem.json');
    }
    out.push({ dir, id: name, title: String(records[0]!.title ?? name), records, smallGenerator: readFileSync(genPath, 'utf8'), smallCount: small.count });
  }
  return out;
}


export interface SmallTestReport {
  problemId: string;
  tests: number;
  /** Tests on which the incorrect solution's output was accepted against the correct one. */
  agreed: number;
  /** The first disagreement or failure, in words (absent when all agreed). */
  firstProblem?: string;
}

async function mustCompile(sandbox: Sandbox, source: string, lang: 'cpp' | 'python', what: string): Promise<CompiledProgram> {
  const c = await sandbox.compile(source, lang);
  if (!c.ok) throw new ProblemFormatError(`refute: ${what} does not compile (${c.verdict}): ${c.stderr.slice(0, 300)}`, 'fix the program in assets/refute');
  return c;
}

/**
 * Runs seeds 1..`count` of a problem's small tests: each input must pass the validator, and every
 * incorrect solution must agree with the correct one under the problem's checker (one run each).
 */
export async function runSmallTests(sandbox: Sandbox, bp: BenchmarkProblem, count: number = bp.smallCount, opts: VerifyOptions = {}): Promise<SmallTestReport[]> {
  const first = bp.records[0]!;
  const limits = solutionLimits(first, opts);
  const correct = correctSolution(first);
  const [gen, validator, correctProgram, ...wrongs] = await Promise.all([
    mustCompile(sandbox, bp.smallGenerator, 'python', `${bp.id}: the small-test generator`),
    mustCompile(sandbox, first.validator, 'python', `${bp.id}: validator.py`),
    mustCompile(sandbox, correct.source, correct.lang, `${bp.id}: the correct solution`),
    ...bp.records.map((r) => mustCompile(sandbox, wrongSolution(r).source, wrongSolution(r).lang, `${r.problem_id}: the incorrect solution`)),
  ]);
  const reports: SmallTestReport[] = bp.records.map((r) => ({ problemId: r.problem_id, tests: count, agreed: 0 }));
  const note = (i: number, msg: string) => { reports[i]!.firstProblem ??= msg; };
  await Promise.all(Array.from({ length: count }, async (_, k) => {
    const seed = k + 1;
    const g = await sandbox.run({ program: gen, args: [String(seed)], limits: GENERATOR_LIMITS });
    if (g.verdict !== 'ok') return reports.forEach((_, i) => note(i, `seed ${seed}: the small-test generator failed (${g.reason})`));
    const v = await sandbox.run({ program: validator, stdin: g.stdout, limits: VALIDATOR_LIMITS });
    if (v.verdict !== 'ok') return reports.forEach((_, i) => note(i, `seed ${seed}: the validator rejects the small test (${v.stderr.trim() || v.reason})`));
    const c = await sandbox.run({ program: correctProgram, stdin: g.stdout, limits });
    if (c.verdict !== 'ok') return reports.forEach((_, i) => note(i, `seed ${seed}: the correct solution failed (${c.reason})`));
    await Promise.all(wrongs.map(async (w, i) => {
      const r = await sandbox.run({ program: w, stdin: g.stdout, limits });
      if (r.verdict !== 'ok') return note(i, `seed ${seed}: ${r.verdict} (${r.reason})`);
      const verdict = await check(sandbox, first.checker, g.stdout, r.stdout, c.stdout);
      if (verdict.status === 'accepted') reports[i]!.agreed++;
      else note(i, `seed ${seed}: ${verdict.message}`);
    }));
  }));
  return reports;
}

export interface KnownVerdict {
  problemId: string;
  /** `counterexample` must be refuted, `decoy` must not. */
  role: 'counterexample' | 'decoy';
  name: string;
  expected: 'refuted' | 'not-refuted';
  result: VerifyResult;
}

/**
 * Verifies every known counterexample and decoy of `records`, `parallel` verdicts at a time
 * (default: the sandbox's concurrency, so each verdict's time is its own, not time spent queueing).
 */
export async function verifyKnown(sandbox: Sandbox, records: readonly RefuteProblem[], opts: VerifyOptions & { parallel?: number } = {}): Promise<KnownVerdict[]> {
  const { parallel = sandbox.concurrency, ...verifyOpts } = opts;
  const jobs: Omit<KnownVerdict, 'result'>[] = [];
  const pending: { p: RefuteProblem; c: NamedCounterexample }[] = [];
  const add = (p: RefuteProblem, role: KnownVerdict['role'], list: NamedCounterexample[] | undefined) => {
    for (const c of list ?? []) {
      jobs.push({ problemId: p.problem_id, role, name: c.name, expected: role === 'counterexample' ? 'refuted' : 'not-refuted' });
      pending.push({ p, c });
    }
  };
  for (const p of records) {
    add(p, 'counterexample', p.known_counterexamples);
    add(p, 'decoy', p.decoys);
  }
  const out: KnownVerdict[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) {
      out[i] = { ...jobs[i]!, result: await verifyCounterexample(sandbox, pending[i]!.p, pending[i]!.c.counterexample, verifyOpts) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return out;
}
