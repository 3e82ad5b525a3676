// REFUTE's one-reply setups (arXiv:2502.19414, §4): zero-shot, few-shot (worked examples from
// other problems), and with the correct solution revealed. The reply's last Python or C++ block is
// the counterexample generator, verified as is.
import { verifyCounterexample } from '../verify.js';
import type { RefuteProblem } from '../problem.js';
import { hashString, rng, shuffled } from '../../eval/index.js';
import { lastProgram } from './extract.js';
import { correctVars, fill, problemPrompt, promptText } from './prompts.js';
import { clip, type Attempt, type Solver, type SolverContext, type SolveResult } from './types.js';
import { failureOf } from './benchmark.js';

async function oneReply(name: string, problem: RefuteProblem, ctx: SolverContext, content: string): Promise<SolveResult> {
  const t0 = performance.now();
  const messages = [{ role: 'user' as const, content }];
  const out = await ctx.client.generate({ model: ctx.model, messages, ...(ctx.params ? { params: ctx.params } : {}) });
  ctx.onEvent?.('llm');
  const base = { problemId: problem.problem_id, solver: name, model: ctx.model, executions: [] };
  const ms = () => Math.round(performance.now() - t0);
  if (out.status === 'error') {
    const attempt: Attempt = { n: 1, messages, status: 'error', reply: '', error: `${out.error.kind}: ${out.error.message}`, action: 'none', inputTokens: 0, outputTokens: 0, ms: ms() };
    return { ...base, verdict: 'llm-error', reason: attempt.error!, attempts: [attempt], ms: ms() };
  }
  const reply = out.generation.text;
  const usage = out.generation.usage;
  const program = lastProgram(reply);
  if (!program) {
    const reason = out.status === 'refused' ? 'the model refused' : 'the reply has no ```python or ```cpp code block';
    const attempt: Attempt = { n: 1, messages, status: out.status, reply, action: 'none', verdict: 'no-answer', reason, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ms: ms() };
    return { ...base, verdict: 'no-answer', reason, attempts: [attempt], ms: ms() };
  }
  const v = await verifyCounterexample(ctx.sandbox, problem, { kind: 'program', ...program }, ctx.verify);
  ctx.onEvent?.('verify');
  const attempt: Attempt = { n: 1, messages, status: out.status, reply, action: 'submit', verdict: v.verdict, reason: v.reason, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ms: ms() };
  return { ...base, verdict: v.verdict, reason: v.reason, attempts: [attempt], program, ...(v.input !== undefined ? { input: clip(v.input) } : {}), ms: ms() };
}

export const zeroShot: Solver = (problem, ctx) =>
  oneReply('zero-shot', problem, ctx, fill(promptText('zero-shot', ctx.promptsDir), { problem: problemPrompt(problem, ctx.promptsDir) }, 'zero-shot.md'));

export const withCorrect: Solver = (problem, ctx) =>
  oneReply('with-correct', problem, ctx, fill(promptText('with-correct', ctx.promptsDir), { problem: problemPrompt(problem, ctx.promptsDir), ...correctVars(problem) }, 'with-correct.md'));

/** Worked examples per few-shot prompt. */
export const SHOTS = 2;

/** The shots for `problem`: records of other problems with a known generator, chosen by a seed from the id. */
export function pickShots(problem: RefuteProblem, pool: readonly RefuteProblem[], k = SHOTS): RefuteProblem[] {
  // Records of the same problem (other incorrect solutions) share its statement: never show those.
  const usable = pool.filter((p) => p.statement !== problem.statement
    && (p.known_counterexamples ?? []).some((c) => c.counterexample.kind === 'program' && c.counterexample.lang === 'python'));
  return shuffled(usable, rng(hashString(problem.problem_id))).slice(0, k);
}

export const fewShot: Solver = (problem, ctx) => {
  const shots = pickShots(problem, ctx.shots ?? []);
  const text = shots.map((s) => {
    const ce = s.known_counterexamples!.find((c) => c.counterexample.kind === 'program')!.counterexample as { source: string };
    return fill(promptText('shot', ctx.promptsDir), {
      title: String(s.title ?? s.problem_id),
      problem: problemPrompt(s, ctx.promptsDir),
      why: failureOf(s)?.description ?? 'see the generator',
      counterexample: ce.source.trimEnd(),
    }, 'shot.md');
  }).join('\n');
  return oneReply('few-shot', problem, ctx, fill(promptText('few-shot', ctx.promptsDir), { shots: text || '(no worked examples are available)', problem: problemPrompt(problem, ctx.promptsDir) }, 'few-shot.md'));
};
