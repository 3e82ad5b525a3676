// Output checkers (REFUTE, arXiv:2502.19414, and its harness's AdaptiveChecker): whitespace
// tokens; when every reference token is yes/no, a case-insensitive YES/NO comparison; optionally
// numbers within an absolute-or-relative tolerance; or a custom testlib-style checker program.
import { withLimits, DEFAULT_LIMITS, type RunResult, type Sandbox } from '../sandbox/index.js';
import type { CheckerSpec } from './problem.js';

/** The checker's word on one output. `fail` is the checker's own failure (testlib exit 3): a harness error. */
export interface CheckResult {
  status: 'accepted' | 'wrong-answer' | 'presentation-error' | 'fail';
  message: string;
  /** The custom checker's run, when there was one. */
  run?: RunResult;
}

const tokens = (s: string): string[] => s.split(/\s+/).filter(Boolean);
const isYesNo = (t: string): boolean => /^(yes|no)$/i.test(t);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const show = (t: string): string => (t.length > 40 ? `${t.slice(0, 37)}...` : t);

/** Compares `output` with the reference `answer` token by token. */
export function compareTokens(answer: string, output: string, opts: { floatTolerance?: number } = {}): CheckResult {
  const want = tokens(answer);
  const got = tokens(output);
  if (want.length === 0 && got.length === 0) return { status: 'accepted', message: 'both outputs empty' };
  const yesNo = want.length > 0 && want.every(isYesNo);
  const n = Math.min(want.length, got.length);
  for (let i = 0; i < n; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (yesNo ? w.toLowerCase() === g.toLowerCase() : w === g) continue;
    const tol = opts.floatTolerance;
    if (tol !== undefined && NUMBER.test(w) && NUMBER.test(g)) {
      const a = Number(w);
      const b = Number(g);
      if (Math.abs(a - b) <= tol * Math.max(1, Math.abs(a)) + 1e-15) continue;
    }
    return { status: 'wrong-answer', message: `token ${i + 1}: expected "${show(w)}", found "${show(g)}"${yesNo ? ' (YES/NO, case-insensitive)' : ''}` };
  }
  if (want.length !== got.length) return { status: 'wrong-answer', message: `expected ${want.length} tokens, found ${got.length}` };
  return { status: 'accepted', message: `${want.length} tokens match${yesNo ? ' (YES/NO, case-insensitive)' : ''}` };
}

/** Limits of a custom checker run. */
export const CHECKER_LIMITS = withLimits(DEFAULT_LIMITS, { cpuSeconds: 10, wallMs: 20_000, memoryMb: 1024 });

/**
 * Runs the checker: tokens by default, or the custom program as
 * `checker input.txt output.txt answer.txt` (testlib exit codes 0 OK, 1 WA, 2 PE, 3 FAIL).
 */
export async function check(sandbox: Sandbox, spec: CheckerSpec | null | undefined, input: string, output: string, answer: string): Promise<CheckResult> {
  if (!spec?.code || !spec.lang) return compareTokens(answer, output, spec?.float_tolerance !== undefined ? { floatTolerance: spec.float_tolerance } : {});
  const program = await sandbox.compile(spec.code, spec.lang);
  if (!program.ok) return { status: 'fail', message: `the custom checker does not compile (${program.verdict}): ${program.stderr.slice(0, 500)}` };
  const run = await sandbox.run({ program, args: ['input.txt', 'output.txt', 'answer.txt'], files: { 'input.txt': input, 'output.txt': output, 'answer.txt': answer }, limits: CHECKER_LIMITS });
  const note = (run.stderr || run.stdout).trim().slice(0, 500);
  if (run.verdict === 'ok') return { status: 'accepted', message: note || 'checker: ok', run };
  if (run.verdict === 'runtime-error' && run.exitCode === 1) return { status: 'wrong-answer', message: note || 'checker: wrong answer', run };
  if (run.verdict === 'runtime-error' && run.exitCode === 2) return { status: 'presentation-error', message: note || 'checker: presentation error', run };
  return { status: 'fail', message: `the custom checker failed (${run.verdict}, ${run.reason})${note ? `: ${note}` : ''}`, run };
}
