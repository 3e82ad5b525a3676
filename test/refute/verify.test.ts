// The verdict's semantics on tiny problems of the test's own (test/fixtures/refute), in the real sandbox.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadProblems, verifyCounterexample, type RefuteProblem } from '../../src/refute/index.js';
import { createSandbox, DEFAULT_LIMITS, findBwrap, withLimits, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT } from '../helpers/cli.js';

const skip = findBwrap() ? false : 'bubblewrap is not installed (apt-get install -y bubblewrap)';
const byId = (id: string) => loadProblems(join(ROOT, 'test/fixtures/refute')).find((p) => p.problem_id === id)!;

describe('refute verdicts', { skip }, () => {
  let sb: Sandbox;
  let sum: RefuteProblem;
  before(() => {
    sb = createSandbox({ concurrency: 2 });
    sum = byId('pair-sum');
  });
  const input = (text: string) => ({ kind: 'input' as const, text });
  const py = (source: string) => ({ kind: 'program' as const, lang: 'python' as const, source });

  it('refutes with a known counterexample (generator and literal) and names the run and the token', async () => {
    for (const { counterexample } of sum.known_counterexamples!) {
      const r = await verifyCounterexample(sb, sum, counterexample);
      assert.equal(r.verdict, 'refuted', r.reason);
      assert.deepEqual(r.refutation && { attempt: r.refutation.attempt, cause: r.refutation.cause }, { attempt: 1, cause: 'wrong-answer' });
      assert.match(r.reason, /^run 1 of the incorrect solution: wrong answer \(token 1: expected "\d+", found "-\d+"\)$/);
    }
    const gen = await verifyCounterexample(sb, sum, sum.known_counterexamples!.find((c) => c.name === 'gen.py')!.counterexample);
    assert.equal(gen.input, '1500000000 1500000000\n');
    assert.equal(gen.expectedOutput, '3000000000\n');
    assert.deepEqual(gen.runs.map((r) => r.role), ['generator', 'validator', 'correct', 'wrong']);
  });

  it('a decoy is not-refuted after all runs of the incorrect solution', async () => {
    const r = await verifyCounterexample(sb, sum, sum.decoys![0]!.counterexample);
    assert.equal(r.verdict, 'not-refuted', r.reason);
    assert.equal(r.reason, 'the incorrect solution was right in all 5 runs');
    assert.deepEqual(r.runs.filter((x) => x.role === 'wrong').map((x) => x.attempt), [1, 2, 3, 4, 5]);
    const two = await verifyCounterexample(sb, sum, sum.decoys![0]!.counterexample, { wrongRuns: 2 });
    assert.equal(two.runs.filter((x) => x.role === 'wrong').length, 2);
  });

  it('compares YES/NO answers case-insensitively', async () => {
    const p = byId('parity-drop-last');
    assert.equal((await verifyCounterexample(sb, p, p.decoys![0]!.counterexample)).verdict, 'not-refuted');
    const r = await verifyCounterexample(sb, p, p.known_counterexamples![0]!.counterexample);
    assert.equal(r.verdict, 'refuted');
    assert.match(r.reason, /expected "NO", found "yes"/);
  });

  it('refutes by the time limit of the problem times the factor', async () => {
    const p = byId('parity-slow');
    const r = await verifyCounterexample(sb, p, p.known_counterexamples![0]!.counterexample);
    assert.equal(r.verdict, 'refuted', r.reason);
    assert.equal(r.refutation?.cause, 'time-limit');
    assert.equal(r.runs.find((x) => x.role === 'correct')?.verdict, 'ok');
  });

  it('a failing generator is invalid-generator and its output is never used as the input', async () => {
    const crash = await verifyCounterexample(sb, sum, py('print(1, 2)\nraise SystemExit("boom")'));
    assert.equal(crash.verdict, 'invalid-generator');
    assert.match(crash.reason, /^the generator failed \(runtime-error: exit 1\): boom$/);
    assert.equal(crash.input, undefined);
    assert.deepEqual(crash.runs.map((r) => r.role), ['generator']);
    const compileError = await verifyCounterexample(sb, sum, { kind: 'program', lang: 'cpp', source: 'int main( { return 0; }' });
    assert.equal(compileError.verdict, 'invalid-generator');
    assert.match(compileError.reason, /^the generator does not compile \(compile-error\): /);
    const slow = await verifyCounterexample(sb, sum, py('while True: pass'), { generatorLimits: withLimits(DEFAULT_LIMITS, { cpuSeconds: 0.5, wallMs: 1500 }) });
    assert.equal(slow.verdict, 'invalid-generator');
    assert.match(slow.reason, /time-limit/);
  });

  it('an input the validator rejects is invalid-input, with the validator\'s message', async () => {
    const r = await verifyCounterexample(sb, sum, input('3000000000 1\n'));
    assert.equal(r.verdict, 'invalid-input');
    assert.match(r.reason, /^the validator rejected the input \(exit 1\): AssertionError: out of range: 3000000000$/);
    assert.deepEqual(r.runs.map((x) => x.role), ['validator']);
    assert.equal((await verifyCounterexample(sb, sum, input('1 2 3'))).verdict, 'invalid-input');
  });

  it('a correct solution that fails is harness-error, not a success', async () => {
    const broken: RefuteProblem = { ...sum, correct_python: 'a, b = map(int, input().split())\nassert a != 7\nprint(a + b)' };
    const r = await verifyCounterexample(sb, broken, input('7 1\n'));
    assert.equal(r.verdict, 'harness-error');
    assert.match(r.reason, /^the correct solution failed on this input \(runtime-error: exit 1\)$/);
    const noCompile: RefuteProblem = { ...sum, wrong_code: 'int main( {' };
    assert.match((await verifyCounterexample(sb, noCompile, input('1 1\n'))).reason, /^the incorrect solution does not compile: /);
  });

  it('uses a custom testlib-style checker: 0 accepts, 1 refutes, 3 is a harness error', async () => {
    const checker = (body: string): RefuteProblem => ({ ...sum, checker: { lang: 'python', code: `import sys\ninp, out, ans = (open(f).read() for f in sys.argv[1:4])\n${body}` } });
    const lenient = await verifyCounterexample(sb, checker('sys.exit(0)'), input('2000000000 2000000000\n'), { wrongRuns: 1 });
    assert.equal(lenient.verdict, 'not-refuted');
    const strict = await verifyCounterexample(sb, checker('print("sum differs", file=sys.stderr)\nsys.exit(0 if out.split() == ans.split() else 1)'), input('2000000000 2000000000\n'));
    assert.equal(strict.verdict, 'refuted');
    assert.equal(strict.reason, 'run 1 of the incorrect solution: wrong answer (sum differs)');
    const failing = await verifyCounterexample(sb, checker('sys.exit(3)'), input('1 1\n'));
    assert.equal(failing.verdict, 'harness-error');
    assert.match(failing.reason, /^the custom checker failed \(runtime-error, exit 3\)/);
  });

  it('refuses bad options with a fix', async () => {
    await assert.rejects(verifyCounterexample(sb, sum, input('1 1'), { wrongRuns: 0 }), /wrongRuns must be a whole number ≥ 1, got 0\. Hint: pass e\.g\. --wrong-runs 5/);
    await assert.rejects(verifyCounterexample(sb, sum, input('1 1'), { timeFactor: -1 }), /time and memory factors must be > 0/);
  });
});
