// A problem's own consistency, checked at import: its programs compile, and on the statement's
// example the validator accepts and the correct solution produces the example output.
import type { Sandbox } from '../sandbox/index.js';
import { check } from './checker.js';
import { correctSolution, wrongSolution, type RefuteProblem } from './problem.js';
import { solutionLimits, VALIDATOR_LIMITS, type VerifyOptions } from './verify.js';

export interface SelfCheck {
  problemId: string;
  ok: boolean;
  /** What is wrong, one line each (empty when ok). */
  issues: string[];
  /** Whether the example was run (records without example_input skip that part). */
  exampleChecked: boolean;
}

export async function selfCheckProblem(sandbox: Sandbox, p: RefuteProblem, opts: VerifyOptions = {}): Promise<SelfCheck> {
  const issues: string[] = [];
  const correct = correctSolution(p);
  const wrong = wrongSolution(p);
  const [validator, correctProgram, wrongProgram] = await Promise.all([
    sandbox.compile(p.validator, 'python'),
    sandbox.compile(correct.source, correct.lang, { std: correct.std }),
    sandbox.compile(wrong.source, wrong.lang, { std: wrong.std }),
  ]);
  const first = (s: string) => s.trim().split('\n')[0] ?? '';
  if (!validator.ok) issues.push(`validator does not compile: ${first(validator.stderr)}`);
  if (!correctProgram.ok) issues.push(`correct solution (${correct.lang}) does not compile: ${first(correctProgram.stderr)}`);
  if (!wrongProgram.ok) issues.push(`incorrect solution (${wrong.lang} ${wrong.lang === 'cpp' ? wrong.std : ''}) does not compile: ${first(wrongProgram.stderr)}`.replace(' )', ')'));
  const example = p.example_input ?? undefined;
  let exampleChecked = false;
  if (example && validator.ok && correctProgram.ok) {
    exampleChecked = true;
    const v = await sandbox.run({ program: validator, stdin: example, limits: VALIDATOR_LIMITS });
    if (v.verdict !== 'ok') issues.push(`the validator rejects the statement's example (${v.verdict}: ${v.reason}) ${first(v.stderr)}`.trim());
    const c = await sandbox.run({ program: correctProgram, stdin: example, limits: solutionLimits(p, opts) });
    if (c.verdict !== 'ok') issues.push(`the correct solution fails on the example (${c.verdict}: ${c.reason})`);
    else if (p.example_output) {
      const r = await check(sandbox, p.checker, example, c.stdout, p.example_output);
      if (r.status !== 'accepted') issues.push(`the correct solution's output differs from example_output (${r.message})`);
    }
  }
  return { problemId: p.problem_id, ok: issues.length === 0, issues, exampleChecked };
}
