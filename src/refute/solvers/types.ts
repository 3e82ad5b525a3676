// What every REFUTE solver takes and returns. A solver never throws for an expected outcome (no
// program in the reply, a failed model call, a budget that ran out): those are verdicts.
import type { GenerationParams, LlmClient, Message } from '../../llm/index.js';
import type { Lang, RunVerdict, Sandbox } from '../../sandbox/index.js';
import type { RefuteProblem } from '../problem.js';
import type { Verdict, VerifyOptions } from '../verify.js';

/** A solver's final word: a verify verdict, or why there was nothing to verify. */
export type SolveVerdict = Verdict | 'no-answer' | 'llm-error' | 'not-found';

export interface SolverContext {
  sandbox: Sandbox;
  client: LlmClient;
  /** The model name sent to the provider. */
  model: string;
  params?: GenerationParams;
  verify?: VerifyOptions;
  /** Problems the few-shot solver may show as worked examples (the target itself is skipped). */
  shots?: readonly RefuteProblem[];
  /** A folder of prompt files replacing src/refute/prompts. */
  promptsDir?: string;
  /** Called after each model call and each execution, so long solves can show progress. */
  onEvent?: (event: 'llm' | 'execution' | 'verify') => void;
}

/** One model call and what came of it. */
export interface Attempt {
  n: number;
  /** The messages sent (the whole conversation for the agent). */
  messages: Message[];
  status: 'ok' | 'refused' | 'error';
  reply: string;
  /** Why the call failed, when it did. */
  error?: string;
  /** What fathom did with the reply: submit, run, nudge, search. */
  action: 'submit' | 'run' | 'nudge' | 'search' | 'none';
  /** The submission's verdict and reason, for `submit`. */
  verdict?: SolveVerdict;
  reason?: string;
  inputTokens: number;
  outputTokens: number;
  ms: number;
}

/** One program run on the solver's behalf (agent scripts, random-search iterations). */
export interface Execution {
  n: number;
  kind: 'agent-script' | 'search';
  lang?: Lang;
  /** The source, for agent scripts (search iterations reuse the two stored programs). */
  source?: string;
  /** Random search: the seed and what each program did. */
  seed?: number;
  verdict: RunVerdict | 'compile-error' | 'invalid-input' | 'agree' | 'disagree' | 'brute-failed';
  exitCode?: number | null;
  cpuMs: number;
  stdout?: string;
  stderr?: string;
  truncated?: boolean;
}

export interface SolveResult {
  problemId: string;
  solver: string;
  model: string;
  verdict: SolveVerdict;
  reason: string;
  attempts: Attempt[];
  executions: Execution[];
  /** The counterexample input that was verified last (clipped to 4 KiB). */
  input?: string;
  /** The submitted program, when there was one. */
  program?: { lang: Lang; source: string };
  ms: number;
}

export type Solver = (problem: RefuteProblem, ctx: SolverContext) => Promise<SolveResult>;

/** Keeps stored text small: the first `n` characters and a note of how much was cut. */
export function clip(s: string, n = 4096): string {
  return s.length <= n ? s : `${s.slice(0, n)}\n… (${s.length - n} more characters)`;
}
