// REFUTE's random search (arXiv:2502.19414, §4): the model writes a random input generator and a
// brute-force solver once; fathom then loops generate → validate → run brute force and the
// incorrect solution → compare, until they disagree (or the incorrect solution fails) on an input
// that the full verdict confirms as `refuted`, or the budget ends. A disagreement the verdict does
// not confirm (the brute force was wrong) is recorded and the search goes on.
import { DEFAULT_LIMITS, withLimits, type CompiledProgram, type Limits } from '../../sandbox/index.js';
import { check } from '../checker.js';
import { wrongSolution, type RefuteProblem } from '../problem.js';
import { GENERATOR_LIMITS, solutionLimits, VALIDATOR_LIMITS, verifyCounterexample } from '../verify.js';
import { labelledProgram } from './extract.js';
import { fill, problemPrompt, promptText } from './prompts.js';
import { clip, type Attempt, type Execution, type SolverContext, type SolveResult } from './types.js';

export interface SearchOptions {
  /** Wall-clock budget of the loop, ms (the model call and compiles are not counted). */
  budgetMs: number;
  /** At most this many generated inputs. */
  maxIterations: number;
  /** Inputs tried at once (default: the sandbox's concurrency). */
  batch?: number;
  /** Consecutive invalid inputs (or generator failures) after which the search gives up. */
  maxInvalidInARow: number;
  /** Limits of the brute force (default 10 CPU s). */
  bruteLimits: Limits;
}

export const SEARCH_DEFAULTS: SearchOptions = {
  budgetMs: 60_000, maxIterations: 10_000, maxInvalidInARow: 20,
  bruteLimits: withLimits(DEFAULT_LIMITS, { cpuSeconds: 10, wallMs: 20_000, memoryMb: 1024 }),
};

/** The model's two programs, as random search asks for them; undefined when either is missing. */
export function parseSearchReply(reply: string): { generator: { lang: 'cpp' | 'python'; source: string }; brute: { lang: 'cpp' | 'python'; source: string } } | undefined {
  const generator = labelledProgram(reply, 'GENERATOR');
  const brute = labelledProgram(reply, 'BRUTE');
  return generator && brute ? { generator: { lang: generator.lang, source: generator.source }, brute: { lang: brute.lang, source: brute.source } } : undefined;
}

type Iteration = Execution & { input?: string };

export function randomSearchSolver(options: Partial<SearchOptions> = {}) {
  const o = { ...SEARCH_DEFAULTS, ...options };
  return async (problem: RefuteProblem, ctx: SolverContext): Promise<SolveResult> => {
    const t0 = performance.now();
    const messages = [{ role: 'user' as const, content: fill(promptText('random-search', ctx.promptsDir), { problem: problemPrompt(problem, ctx.promptsDir) }, 'random-search.md') }];
    const out = await ctx.client.generate({ model: ctx.model, messages, ...(ctx.params ? { params: ctx.params } : {}) });
    ctx.onEvent?.('llm');
    const executions: Execution[] = [];
    const attempt: Attempt = { n: 1, messages, status: out.status, reply: '', action: 'search', inputTokens: 0, outputTokens: 0, ms: Math.round(performance.now() - t0) };
    const finish = (verdict: SolveResult['verdict'], reason: string, extra: Partial<SolveResult> = {}): SolveResult =>
      ({ problemId: problem.problem_id, solver: 'random-search', model: ctx.model, verdict, reason, attempts: [attempt], executions, ...extra, ms: Math.round(performance.now() - t0) });
    if (out.status === 'error') {
      attempt.error = `${out.error.kind}: ${out.error.message}`;
      attempt.action = 'none';
      return finish('llm-error', attempt.error);
    }
    Object.assign(attempt, { reply: out.generation.text, inputTokens: out.generation.usage.inputTokens, outputTokens: out.generation.usage.outputTokens });
    const programs = parseSearchReply(out.generation.text);
    if (!programs) {
      attempt.action = 'none';
      return finish('no-answer', 'the reply lacks a GENERATOR or a BRUTE code block');
    }
    const [gen, brute, validator, wrongP] = await Promise.all([
      ctx.sandbox.compile(programs.generator.source, programs.generator.lang),
      ctx.sandbox.compile(programs.brute.source, programs.brute.lang),
      ctx.sandbox.compile(problem.validator, 'python'),
      ctx.sandbox.compile(wrongSolution(problem).source, wrongSolution(problem).lang, { std: wrongSolution(problem).std }),
    ]);
    if (!gen.ok) return finish('invalid-generator', `the random generator does not compile: ${gen.stderr.slice(0, 300)}`, { program: programs.generator });
    if (!brute.ok) return finish('no-answer', `the brute force does not compile: ${brute.stderr.slice(0, 300)}`);
    if (!validator.ok || !wrongP.ok) return finish('harness-error', 'the problem\'s validator or incorrect solution does not compile');
    const limits = solutionLimits(problem, ctx.verify);
    const batch = o.batch ?? ctx.sandbox.concurrency;
    let invalidInARow = 0;
    let unconfirmed = 0;

    const once = async (seed: number): Promise<Iteration> => {
      const it: Iteration = { n: seed, kind: 'search', seed, verdict: 'agree', cpuMs: 0 };
      const g = await ctx.sandbox.run({ program: gen as CompiledProgram, args: [String(seed)], limits: ctx.verify?.generatorLimits ?? GENERATOR_LIMITS });
      it.cpuMs += g.cpuMs;
      if (g.verdict !== 'ok') return Object.assign(it, { verdict: g.verdict === 'runtime-error' ? 'runtime-error' : g.verdict, stderr: clip(g.stderr, 500) }) as Iteration;
      const v = await ctx.sandbox.run({ program: validator, stdin: g.stdout, limits: ctx.verify?.validatorLimits ?? VALIDATOR_LIMITS });
      it.cpuMs += v.cpuMs;
      if (v.verdict !== 'ok') return Object.assign(it, { verdict: 'invalid-input', stderr: clip(v.stderr, 500) });
      const [b, w] = await Promise.all([
        ctx.sandbox.run({ program: brute as CompiledProgram, stdin: g.stdout, limits: o.bruteLimits }),
        ctx.sandbox.run({ program: wrongP, stdin: g.stdout, limits }),
      ]);
      it.cpuMs += b.cpuMs + w.cpuMs;
      if (b.verdict !== 'ok') return Object.assign(it, { verdict: 'brute-failed', stderr: clip(b.stderr, 500) });
      if (w.verdict !== 'ok') return Object.assign(it, { verdict: 'disagree', stderr: `incorrect solution: ${w.verdict} (${w.reason})`, input: g.stdout });
      const c = await check(ctx.sandbox, problem.checker, g.stdout, w.stdout, b.stdout);
      return c.status === 'accepted' ? it : Object.assign(it, { verdict: 'disagree', stderr: c.message, input: g.stdout });
    };

    let seed = 0;
    while (seed < o.maxIterations && performance.now() - t0 - attempt.ms < o.budgetMs) {
      const seeds = Array.from({ length: Math.min(batch, o.maxIterations - seed) }, (_, i) => seed + i + 1);
      seed += seeds.length;
      const results = await Promise.all(seeds.map(once));
      ctx.onEvent?.('execution');
      for (const r of results) {
        const { input, ...stored } = r;
        executions.push(stored);
        const bad = r.verdict === 'invalid-input' || r.verdict === 'runtime-error' || r.verdict === 'time-limit' || r.verdict === 'memory-limit' || r.verdict === 'output-limit';
        invalidInARow = bad ? invalidInARow + 1 : 0;
        if (r.verdict !== 'disagree' || input === undefined) continue;
        const confirmed = await verifyCounterexample(ctx.sandbox, problem, { kind: 'input', text: input }, ctx.verify);
        ctx.onEvent?.('verify');
        if (confirmed.verdict === 'refuted') {
          return finish('refuted', `seed ${r.seed}, after ${executions.length} inputs: ${confirmed.reason}`, { input: clip(input), program: programs.generator });
        }
        unconfirmed++;
      }
      if (invalidInARow >= o.maxInvalidInARow) {
        const lastBad = executions.at(-1)!;
        return finish(lastBad.verdict === 'invalid-input' ? 'invalid-input' : 'invalid-generator', `the last ${invalidInARow} generated inputs were invalid or the generator failed (${lastBad.stderr?.split('\n').find((l) => l.trim()) ?? lastBad.verdict})`, { program: programs.generator });
      }
    }
    return finish('not-found', `no refuting input in ${executions.length} random inputs (${Math.round(performance.now() - t0)} ms)${unconfirmed ? `; ${unconfirmed} disagreements were the brute force's mistakes` : ''}`, { program: programs.generator });
  };
}
