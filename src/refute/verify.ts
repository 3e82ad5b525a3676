// The counterexample verdict of REFUTE (arXiv:2502.19414), with the original harness's defects
// fixed: a generator that fails is `invalid-generator` and its error text is never fed on as an
// input; a failing correct solution is `harness-error`, not a success; and every run has the
// problem's own limits (times a factor), where the authors gave 20–30 s and no memory limit.
import { DEFAULT_LIMITS, withLimits, type CompileResult, type Limits, type RunResult, type RunVerdict, type Sandbox } from '../sandbox/index.js';
import { UsageError } from '../errors.js';
import { check, type CheckResult } from './checker.js';
import { correctSolution, wrongSolution, type Counterexample, type RefuteProblem } from './problem.js';

export type Verdict = 'refuted' | 'not-refuted' | 'invalid-generator' | 'invalid-input' | 'harness-error';
export type RunRole = 'generator' | 'validator' | 'correct' | 'wrong' | 'checker';

/** One program run (or failed compile) of a verdict, for the record. */
export interface VerdictRun {
  role: RunRole;
  /** 1-based attempt of the incorrect solution. */
  attempt?: number;
  verdict: RunVerdict | 'compile-error';
  exitCode: number | null;
  signal: string | null;
  cpuMs: number;
  wallMs: number;
  peakMemoryKb: number;
  reason: string;
  /** The last 2 KiB of stderr (or the compiler's diagnostics). */
  stderr: string;
  truncated: boolean;
}

/** Why the incorrect solution lost, when it did. */
export interface Refutation {
  /** 1-based run of the incorrect solution. */
  attempt: number;
  cause: 'runtime-error' | 'time-limit' | 'memory-limit' | 'output-limit' | 'wrong-answer';
  detail: string;
}

export interface VerifyResult {
  problemId: string;
  verdict: Verdict;
  /** One line for people: which run, which limit, which token. */
  reason: string;
  /** The input the generator produced (absent when it produced none). */
  input?: string;
  /** The correct solution's output. */
  expectedOutput?: string;
  /** The incorrect solution's output on the refuting run (or the last run). */
  wrongOutput?: string;
  refutation?: Refutation;
  runs: VerdictRun[];
  /** Wall time of the whole verdict. */
  ms: number;
}

export interface VerifyOptions {
  /** Multiplier on the problem's time limit (default 2). */
  timeFactor?: number;
  /** Multiplier on the problem's memory limit (default 1). */
  memoryFactor?: number;
  /** Runs of the incorrect solution, for nondeterminism (default 5). */
  wrongRuns?: number;
  /** Limits of the generator (default 10 CPU s, 20 s wall, 1 GB, 64 MB of output). */
  generatorLimits?: Limits;
  /** Limits of the validator (default 10 CPU s, 20 s wall, 1 GB). */
  validatorLimits?: Limits;
}

export const GENERATOR_LIMITS: Limits = withLimits(DEFAULT_LIMITS, { cpuSeconds: 10, wallMs: 20_000, memoryMb: 1024 });
export const VALIDATOR_LIMITS: Limits = withLimits(DEFAULT_LIMITS, { cpuSeconds: 10, wallMs: 20_000, memoryMb: 1024 });

/** The limits of the correct and incorrect solutions: the problem's own, times the factors; never unlimited. */
export function solutionLimits(p: RefuteProblem, opts: VerifyOptions = {}): Limits {
  const timeFactor = opts.timeFactor ?? 2;
  const memoryFactor = opts.memoryFactor ?? 1;
  if (!(timeFactor > 0) || !(memoryFactor > 0)) throw new UsageError(`refute verify: time and memory factors must be > 0, got ${timeFactor} and ${memoryFactor}`, 'pass e.g. --time-factor 2');
  const cpuSeconds = (p.time_limit / 1000) * timeFactor;
  return withLimits(DEFAULT_LIMITS, {
    cpuSeconds,
    // Wall time covers I/O and a loaded machine (CPU limits decide the usual case); a sleeping
    // program still ends as time-limit.
    wallMs: Math.ceil(cpuSeconds * 3000) + 2000,
    memoryMb: Math.ceil(p.memory_limit * memoryFactor),
  });
}

const tail = (s: string, n = 2048) => (s.length > n ? s.slice(-n) : s);

function record(role: RunRole, r: RunResult, attempt?: number): VerdictRun {
  return { role, ...(attempt !== undefined ? { attempt } : {}), verdict: r.verdict, exitCode: r.exitCode, signal: r.signal, cpuMs: r.cpuMs, wallMs: r.wallMs, peakMemoryKb: r.peakMemoryKb, reason: r.reason, stderr: tail(r.stderr), truncated: r.truncated };
}

function compileRecord(role: RunRole, c: CompileResult & { ok: false }): VerdictRun {
  return { role, verdict: 'compile-error', exitCode: null, signal: null, cpuMs: 0, wallMs: c.compileMs, peakMemoryKb: 0, reason: `${c.verdict} while compiling`, stderr: tail(c.stderr), truncated: false };
}

/** Starts a compile now, awaited later; a rejection is handled where it is awaited. */
function early(p: Promise<CompileResult>): Promise<CompileResult> {
  p.catch(() => { /* awaited below */ });
  return p;
}

/**
 * Decides whether `counterexample` refutes the problem's incorrect solution:
 * generator → validator → correct solution → incorrect solution (up to `wrongRuns` times) → checker.
 */
export async function verifyCounterexample(sandbox: Sandbox, problem: RefuteProblem, counterexample: Counterexample, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const t0 = performance.now();
  const runs: VerdictRun[] = [];
  const wrongRuns = opts.wrongRuns ?? 5;
  if (!Number.isInteger(wrongRuns) || wrongRuns < 1) throw new UsageError(`refute verify: wrongRuns must be a whole number ≥ 1, got ${wrongRuns}`, 'pass e.g. --wrong-runs 5');
  const limits = solutionLimits(problem, opts);
  const correct = correctSolution(problem);
  const wrong = wrongSolution(problem);
  const validatorP = early(sandbox.compile(problem.validator, 'python'));
  const correctP = early(sandbox.compile(correct.source, correct.lang, { std: correct.std }));
  const wrongP = early(sandbox.compile(wrong.source, wrong.lang, { std: wrong.std }));
  const done = (verdict: Verdict, reason: string, extra: Partial<VerifyResult> = {}): VerifyResult =>
    ({ problemId: problem.problem_id, verdict, reason, ...extra, runs, ms: Math.round(performance.now() - t0) });

  // 1–2. The input: a literal, or the stdout of a generator that must succeed.
  let input: string;
  if (counterexample.kind === 'input') input = counterexample.text;
  else {
    const gen = await sandbox.compile(counterexample.source, counterexample.lang);
    if (!gen.ok) {
      runs.push(compileRecord('generator', gen));
      return done('invalid-generator', `the generator does not compile (${gen.verdict}): ${firstLine(gen.stderr)}`);
    }
    const g = await sandbox.run({ program: gen, limits: opts.generatorLimits ?? GENERATOR_LIMITS });
    runs.push(record('generator', g));
    if (g.verdict !== 'ok') return done('invalid-generator', `the generator failed (${g.verdict}: ${g.reason})${g.stderr ? `: ${firstLine(tail(g.stderr, 300))}` : ''}`);
    input = g.stdout;
  }

  // 3. The validator.
  const validator = await validatorP;
  if (!validator.ok) {
    runs.push(compileRecord('validator', validator));
    return done('harness-error', `the problem's validator does not compile: ${firstLine(validator.stderr)}`, { input });
  }
  const v = await sandbox.run({ program: validator, stdin: input, limits: opts.validatorLimits ?? VALIDATOR_LIMITS });
  runs.push(record('validator', v));
  if (v.verdict === 'runtime-error') return done('invalid-input', `the validator rejected the input (${v.reason})${v.stderr.trim() ? `: ${firstLine(tail(v.stderr.trim(), 300))}` : ''}`, { input });
  if (v.verdict !== 'ok') return done('harness-error', `the validator hit a limit (${v.verdict}: ${v.reason})`, { input });

  // 4. The correct solution must succeed on a valid input.
  const correctProgram = await correctP;
  if (!correctProgram.ok) {
    runs.push(compileRecord('correct', correctProgram));
    return done('harness-error', `the correct solution does not compile: ${firstLine(correctProgram.stderr)}`, { input });
  }
  const c = await sandbox.run({ program: correctProgram, stdin: input, limits });
  runs.push(record('correct', c));
  if (c.verdict !== 'ok') return done('harness-error', `the correct solution failed on this input (${c.verdict}: ${c.reason})`, { input });
  const expectedOutput = c.stdout;

  // 5. The incorrect solution, up to `wrongRuns` times: any failure or checker mismatch refutes it.
  const wrongProgram = await wrongP;
  if (!wrongProgram.ok) {
    runs.push(compileRecord('wrong', wrongProgram));
    return done('harness-error', `the incorrect solution does not compile: ${firstLine(wrongProgram.stderr)}`, { input, expectedOutput });
  }
  let last = '';
  for (let attempt = 1; attempt <= wrongRuns; attempt++) {
    const w = await sandbox.run({ program: wrongProgram, stdin: input, limits });
    runs.push(record('wrong', w, attempt));
    last = w.stdout;
    if (w.verdict !== 'ok') {
      const refutation: Refutation = { attempt, cause: w.verdict, detail: w.reason };
      return done('refuted', `run ${attempt} of the incorrect solution: ${w.verdict} (${w.reason})`, { input, expectedOutput, wrongOutput: w.stdout, refutation });
    }
    const verdict: CheckResult = await check(sandbox, problem.checker, input, w.stdout, expectedOutput);
    if (verdict.run) runs.push(record('checker', verdict.run, attempt));
    if (verdict.status === 'fail') return done('harness-error', verdict.message, { input, expectedOutput, wrongOutput: w.stdout });
    if (verdict.status !== 'accepted') {
      const refutation: Refutation = { attempt, cause: 'wrong-answer', detail: verdict.message };
      return done('refuted', `run ${attempt} of the incorrect solution: wrong answer (${verdict.message})`, { input, expectedOutput, wrongOutput: w.stdout, refutation });
    }
  }
  return done('not-refuted', `the incorrect solution was right in all ${wrongRuns} runs`, { input, expectedOutput, wrongOutput: last });
}

/** The telling line of a program's stderr: the first that names an error (a compiler's, a Python exception), else the last. */
function firstLine(s: string): string {
  const lines = s.trim().split('\n').filter((l) => l.trim());
  const line = lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line.trim();
}
