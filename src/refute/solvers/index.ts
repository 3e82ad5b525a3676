// REFUTE solvers (arXiv:2502.19414): one registry of setups — zero-shot, few-shot, with the
// correct code, the agent with code execution, and random search — and `solveAll`, which runs
// solvers × models × problems and stores every attempt and execution in the run store.
import { UsageError } from '../../errors.js';
import { Registry } from '../../registry.js';
import type { Run } from '../../store/index.js';
import type { RefuteProblem } from '../problem.js';
import { problemTags } from '../problem.js';
import { agentSolver, type AgentOptions } from './agent.js';
import { failureOf } from './benchmark.js';
import { fewShot, withCorrect, zeroShot } from './oneshot.js';
import { randomSearchSolver, type SearchOptions } from './random-search.js';
import type { Solver, SolverContext, SolveResult } from './types.js';

export type { Attempt, Execution, Solver, SolverContext, SolveResult, SolveVerdict } from './types.js';
export { clip } from './types.js';
export { agentSolver, AGENT_DEFAULTS, type AgentOptions } from './agent.js';
export { randomSearchSolver, parseSearchReply, SEARCH_DEFAULTS, type SearchOptions } from './random-search.js';
export { zeroShot, fewShot, withCorrect, pickShots, SHOTS } from './oneshot.js';
export { codeBlocks, lastProgram, labelledProgram, type CodeBlock } from './extract.js';
export { PROMPTS_DIR, promptText, problemPrompt, fill } from './prompts.js';
export { FAILURE_KINDS, failureOf, loadBenchmark, runSmallTests, verifyKnown, type BenchmarkProblem, type Failure, type FailureKind, type KnownVerdict, type SmallTestReport } from './benchmark.js';

export interface SolverOptions {
  agent?: Partial<AgentOptions>;
  search?: Partial<SearchOptions>;
}

interface SolverSpec {
  name: string;
  summary: string;
  make(o: SolverOptions): Solver;
}

const solvers = new Registry<SolverSpec>('refute: solver', (s) => s.name);

export function registerSolver(spec: SolverSpec): void {
  solvers.register(spec);
}

export function solverNames(): string[] {
  return solvers.names();
}

export function solverSummaries(): { name: string; summary: string }[] {
  return solvers.all().map(({ name, summary }) => ({ name, summary }));
}

/** The solver called `name`, configured; an unknown name is a usage error naming the known ones. */
export function makeSolver(name: string, o: SolverOptions = {}): Solver {
  const spec = solvers.get(name, (_, names, guess) => new UsageError(`refute: unknown solver "${name}"`, `${guess ? `did you mean "${guess}"? ` : ''}solvers: ${names.join(', ')}`));
  return spec.make(o);
}

registerSolver({ name: 'zero-shot', summary: 'one reply with a generator program', make: () => zeroShot });
registerSolver({ name: 'few-shot', summary: 'one reply, after worked examples from other problems', make: () => fewShot });
registerSolver({ name: 'with-correct', summary: 'one reply, with the correct solution shown', make: () => withCorrect });
registerSolver({ name: 'agent', summary: 'runs its own programs (≤10 × 30 s) before submitting; resubmits on invalid input (≤5)', make: (o) => agentSolver(o.agent) });
registerSolver({ name: 'random-search', summary: 'the model writes a random generator and a brute force; fathom searches', make: (o) => randomSearchSolver(o.search) });

/** The store item of one solve: `<problem>::<solver>::<model>`. */
export const itemId = (r: { problemId: string; solver: string; model: string }): string => `${r.problemId}::${r.solver}::${r.model}`;

/** What a report needs about a problem, stored beside each result. */
export function problemFacts(p: RefuteProblem): { rating: number | null; tags: string[]; kind: string | null } {
  return { rating: typeof p.rating === 'number' ? p.rating : null, tags: problemTags(p), kind: failureOf(p)?.kind ?? null };
}

export interface SolveJob {
  problem: RefuteProblem;
  solver: string;
  /** provider:model, as stored. */
  model: string;
  ctx: SolverContext;
}

/**
 * Runs every job (at most `parallel` at once), storing each result as an item of `run` with its
 * attempts and executions, and logging running totals. Results come back in job order.
 */
export async function solveAll(run: Run, jobs: readonly SolveJob[], o: SolverOptions & { parallel?: number; onResult?: (r: SolveResult) => void } = {}): Promise<SolveResult[]> {
  const results: SolveResult[] = new Array(jobs.length);
  let next = 0;
  let refuted = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) {
      const job = jobs[i]!;
      const r = await makeSolver(job.solver, o)(job.problem, job.ctx);
      const stored: SolveResult = { ...r, model: job.model };
      results[i] = stored;
      run.putItem(itemId(stored), { problem: problemFacts(job.problem), result: stored }, stored.verdict);
      done++;
      if (stored.verdict === 'refuted') refuted++;
      run.log(done, { solved: done, refuted });
      o.onResult?.(stored);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel ?? 2, jobs.length)) }, worker));
  return results;
}
