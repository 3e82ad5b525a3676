// REFUTE's agent with code-execution feedback (arXiv:2502.19414, §4): the model may RUN its own
// programs in the sandbox (at most 10, 30 s each, output truncated) before it SUBMITs a generator;
// a submission rejected as invalid (generator failed, input outside the constraints) is explained
// and may be resubmitted, up to 5 submissions. Any other verdict ends the task — the model never
// learns whether a valid input refuted the solution, as in the paper.
import { DEFAULT_LIMITS, withLimits, type Limits } from '../../sandbox/index.js';
import type { Message } from '../../llm/index.js';
import type { RefuteProblem } from '../problem.js';
import { wrongSolution } from '../problem.js';
import { verifyCounterexample } from '../verify.js';
import { codeBlocks, labelledProgram } from './extract.js';
import { fill, problemPrompt, promptText } from './prompts.js';
import { clip, type Attempt, type Execution, type SolverContext, type SolveResult, type SolveVerdict } from './types.js';

export interface AgentOptions {
  /** Programs the agent may run before submitting (paper: 10). */
  maxExecutions: number;
  /** CPU seconds per run (paper: 30). */
  runSeconds: number;
  /** Characters of stdout and of stderr shown back to the model. */
  outputChars: number;
  /** Submissions, counting resubmissions after an invalid input (paper: 5). */
  maxSubmissions: number;
  /** Replies without an action that are answered with a reminder before the agent gives up. */
  maxNudges: number;
}

export const AGENT_DEFAULTS: AgentOptions = { maxExecutions: 10, runSeconds: 30, outputChars: 2000, maxSubmissions: 5, maxNudges: 2 };

function scriptLimits(seconds: number): Limits {
  // Room for g++ inside the script (cc1plus, as, ld) and for large test inputs.
  return withLimits(DEFAULT_LIMITS, { cpuSeconds: seconds, wallMs: seconds * 2000 + 5000, memoryMb: 2048, processes: 32, outputBytes: 16 << 20 });
}

const cut = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n)}\n… (output truncated: ${s.length - n} more characters)`);

export function agentSolver(options: Partial<AgentOptions> = {}) {
  const o = { ...AGENT_DEFAULTS, ...options };
  return async (problem: RefuteProblem, ctx: SolverContext): Promise<SolveResult> => {
    const t0 = performance.now();
    const wrong = wrongSolution(problem);
    const wrongFile = wrong.lang === 'cpp' ? 'wrong.cpp' : 'wrong.py';
    const messages: Message[] = [{
      role: 'user',
      content: fill(promptText('agent', ctx.promptsDir), {
        problem: problemPrompt(problem, ctx.promptsDir), run_seconds: o.runSeconds, output_chars: o.outputChars,
        wrong_file: wrongFile, max_executions: o.maxExecutions, max_submissions: o.maxSubmissions,
      }, 'agent.md'),
    }];
    const attempts: Attempt[] = [];
    const executions: Execution[] = [];
    let submissions = 0;
    let nudges = 0;
    let last: Pick<SolveResult, 'verdict' | 'reason'> & Partial<SolveResult> = { verdict: 'no-answer', reason: 'the agent never submitted' };
    const finish = (): SolveResult => ({ problemId: problem.problem_id, solver: 'agent', model: ctx.model, ...last, attempts, executions, ms: Math.round(performance.now() - t0) });

    for (;;) {
      const tCall = performance.now();
      const out = await ctx.client.generate({ model: ctx.model, messages: [...messages], ...(ctx.params ? { params: ctx.params } : {}) });
      ctx.onEvent?.('llm');
      const attempt: Attempt = { n: attempts.length + 1, messages: [...messages], status: out.status, reply: '', action: 'none', inputTokens: 0, outputTokens: 0, ms: 0 };
      attempts.push(attempt);
      if (out.status === 'error') {
        attempt.error = `${out.error.kind}: ${out.error.message}`;
        attempt.ms = Math.round(performance.now() - tCall);
        last = { verdict: 'llm-error', reason: attempt.error };
        return finish();
      }
      const reply = out.generation.text;
      Object.assign(attempt, { reply, inputTokens: out.generation.usage.inputTokens, outputTokens: out.generation.usage.outputTokens });
      messages.push({ role: 'assistant', content: reply });
      const run = labelledProgram(reply, 'RUN');
      const submit = labelledProgram(reply, 'SUBMIT');
      // The first action in the reply counts; anything after it is ignored.
      const action = run && (!submit || run.block.index < submit.block.index) ? 'run' : submit ? 'submit' : 'none';

      if (action === 'run' && executions.length < o.maxExecutions) {
        attempt.action = 'run';
        const stdinBlock = codeBlocks(reply).find((b) => b.index > run!.block.index && b.lang === 'stdin');
        const compiled = await ctx.sandbox.compile(run!.source, run!.lang);
        const exec: Execution = { n: executions.length + 1, kind: 'agent-script', lang: run!.lang, source: run!.source, verdict: 'compile-error', cpuMs: 0 };
        let feedback: string;
        if (!compiled.ok) {
          exec.stderr = clip(compiled.stderr, o.outputChars);
          feedback = fill(promptText('agent-result', ctx.promptsDir), { what: 'Compilation', verdict: `compile-error (${compiled.verdict})`, exit_code: '-', cpu_ms: 0, truncated: '', stdout: '', stderr: cut(compiled.stderr, o.outputChars), left: o.maxExecutions - executions.length - 1 }, 'agent-result.md');
        } else {
          const r = await ctx.sandbox.run({ program: compiled, limits: scriptLimits(o.runSeconds), files: { [wrongFile]: wrong.source }, ...(stdinBlock ? { stdin: stdinBlock.code } : {}) });
          Object.assign(exec, { verdict: r.verdict, exitCode: r.exitCode, cpuMs: r.cpuMs, stdout: clip(r.stdout, o.outputChars), stderr: clip(r.stderr, o.outputChars), truncated: r.truncated || r.stdout.length > o.outputChars || r.stderr.length > o.outputChars });
          feedback = fill(promptText('agent-result', ctx.promptsDir), {
            what: 'The program', verdict: r.verdict === 'ok' ? 'ok' : `${r.verdict} (${r.reason})`, exit_code: r.exitCode ?? r.signal ?? '-', cpu_ms: r.cpuMs,
            truncated: exec.truncated ? ', output truncated' : '', stdout: cut(r.stdout, o.outputChars), stderr: cut(r.stderr, o.outputChars), left: o.maxExecutions - executions.length - 1,
          }, 'agent-result.md');
        }
        executions.push(exec);
        ctx.onEvent?.('execution');
        attempt.ms = Math.round(performance.now() - tCall);
        messages.push({ role: 'user', content: feedback });
        continue;
      }

      if (action === 'submit') {
        attempt.action = 'submit';
        submissions++;
        const v = await verifyCounterexample(ctx.sandbox, problem, { kind: 'program', lang: submit!.lang, source: submit!.source }, ctx.verify);
        ctx.onEvent?.('verify');
        Object.assign(attempt, { verdict: v.verdict, reason: v.reason, ms: Math.round(performance.now() - tCall) });
        last = { verdict: v.verdict, reason: v.reason, program: { lang: submit!.lang, source: submit!.source }, ...(v.input !== undefined ? { input: clip(v.input) } : {}) };
        const invalid = v.verdict === 'invalid-input' || v.verdict === 'invalid-generator';
        if (!invalid || submissions >= o.maxSubmissions) return finish();
        messages.push({ role: 'user', content: fill(promptText('agent-invalid', ctx.promptsDir), { verdict: v.verdict, reason: v.reason, left: o.maxSubmissions - submissions }, 'agent-invalid.md') });
        continue;
      }

      // No usable action: a reply without RUN/SUBMIT, or a RUN after the executions ran out.
      attempt.ms = Math.round(performance.now() - tCall);
      if (nudges >= o.maxNudges) {
        const verdict: SolveVerdict = submissions ? last.verdict : 'no-answer';
        last = { ...last, verdict, reason: submissions ? last.reason : `the agent did not submit after ${nudges + 1} replies without a usable action` };
        return finish();
      }
      nudges++;
      attempt.action = 'nudge';
      const state = executions.length >= o.maxExecutions ? `You have used all ${o.maxExecutions} executions: SUBMIT now.` : `You have ${o.maxExecutions - executions.length} executions left.`;
      messages.push({ role: 'user', content: fill(promptText('agent-nudge', ctx.promptsDir), {
        issue: action === 'run' ? 'Your program was not run: no executions are left.' : 'Your reply had neither a `RUN` nor a `SUBMIT` block.', state,
      }, 'agent-nudge.md') });
    }
  };
}
