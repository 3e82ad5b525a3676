// The bundled REFUTE benchmark (assets/refute/) under the real sandbox: every known
// counterexample is `refuted`, every decoy `not-refuted`, every incorrect solution agrees with the
// correct one on its small random tests, a crashing generator is `invalid-generator` and an input
// outside the constraints is `invalid-input`. Skips, naming the install command, without bwrap.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { verifyCounterexample, type RefuteProblem } from '../../src/refute/index.js';
import { FAILURE_KINDS, failureOf, loadBenchmark, runSmallTests, verifyKnown, type BenchmarkProblem } from '../../src/refute/solvers/benchmark.js';
import { createSandbox, findBwrap, type Sandbox } from '../../src/sandbox/index.js';

const skip = findBwrap() ? false : 'bubblewrap is not installed (apt-get install -y bubblewrap)';
/** Small tests per problem here; the experiment's full budget runs every problem's whole set. */
const SMALL = Number(process.env.FATHOM_REFUTE_SMALL_TESTS ?? 3);

describe('bundled REFUTE benchmark', { skip }, () => {
  let sandbox: Sandbox;
  let bench: BenchmarkProblem[];
  let records: RefuteProblem[];
  const record = (id: string) => records.find((r) => r.problem_id === id)!;
  before(() => {
    sandbox = createSandbox({ concurrency: 2 });
    bench = loadBenchmark();
    records = bench.flatMap((b) => b.records);
  });

  it('ships at least 20 problems, each with rating, tags, a failure kind, counterexamples and decoys', () => {
    assert.ok(bench.length >= 20, `${bench.length} problems`);
    for (const r of records) {
      assert.ok(typeof r.rating === 'number' && r.rating >= 800, `${r.problem_id}: rating`);
      assert.ok(Array.isArray(r.tags) && r.tags.length > 0, `${r.problem_id}: tags`);
      assert.ok(r.time_limit >= 1000 && r.time_limit <= 2000, `${r.problem_id}: time limit ${r.time_limit}`);
      assert.ok((FAILURE_KINDS as readonly string[]).includes(failureOf(r)!.kind), `${r.problem_id}: kind ${failureOf(r)?.kind}`);
      assert.ok(r.known_counterexamples!.length >= 1, `${r.problem_id}: no counterexample`);
      assert.ok(r.decoys!.length >= 1, `${r.problem_id}: no decoy`);
    }
    const kinds = new Set(records.map((r) => failureOf(r)!.kind));
    for (const k of ['overflow', 'off-by-one', 'wrong-greedy', 'corner-case', 'time-limit', 'tie-breaking']) assert.ok(kinds.has(k as never), `no ${k} problem`);
  });

  it('refutes with every known counterexample and never with a decoy', async () => {
    // The bundled incorrect solutions are deterministic, so one run each suffices here; the
    // experiment verifies with the default five.
    const verdicts = await verifyKnown(sandbox, records, { wrongRuns: 1 });
    const wrong = verdicts.filter((v) => v.result.verdict !== v.expected).map((v) => `${v.problemId} ${v.role} ${v.name}: ${v.result.verdict} (${v.result.reason})`);
    assert.deepEqual(wrong, []);
    assert.equal(verdicts.filter((v) => v.role === 'counterexample').length, records.reduce((n, r) => n + r.known_counterexamples!.length, 0));
    // The time-limit solutions are refuted by the limit, not by a wrong answer.
    for (const v of verdicts.filter((x) => x.role === 'counterexample' && failureOf(record(x.problemId))!.kind === 'time-limit')) {
      assert.equal(v.result.refutation?.cause, 'time-limit', `${v.problemId}: ${v.result.reason}`);
    }
    const crash = verdicts.find((v) => v.problemId === 'tree-depth' && v.role === 'counterexample')!;
    assert.equal(crash.result.refutation?.cause, 'runtime-error', crash.result.reason);
  });

  it(`every incorrect solution passes its first ${SMALL} small random tests`, async () => {
    const reports = (await Promise.all(bench.map((b) => runSmallTests(sandbox, b, SMALL)))).flat();
    assert.equal(reports.length, records.length);
    assert.deepEqual(reports.filter((r) => r.agreed !== r.tests).map((r) => `${r.problemId}: ${r.agreed}/${r.tests} (${r.firstProblem})`), []);
  });

  it('a generator that crashes, prints garbage then fails, or does not compile is invalid-generator', async () => {
    const cases = [
      { id: 'pair-product', lang: 'python' as const, source: 'print(2)\nprint(100000, 100000)\nraise SystemExit(3)\n', why: /exit code 3|runtime-error/ },
      { id: 'crates', lang: 'python' as const, source: 'import sys\nprint(1, 5)\nprint(10)\nsys.stdout.flush()\n1 / 0\n', why: /runtime-error/ },
      { id: 'kth-smallest', lang: 'cpp' as const, source: '#include <cstdio>\nint main() { int *p = nullptr; printf("1 1\\n5\\n"); return *p; }\n', why: /runtime-error|signal/ },
      { id: 'square-count', lang: 'cpp' as const, source: 'int main() { this does not compile }\n', why: /does not compile/ },
    ];
    const results = await Promise.all(cases.map((c) => verifyCounterexample(sandbox, record(c.id), { kind: 'program', lang: c.lang, source: c.source })));
    results.forEach((r, i) => {
      assert.equal(r.verdict, 'invalid-generator', `${cases[i]!.id}: ${r.reason}`);
      assert.match(r.reason, cases[i]!.why);
      assert.ok(!r.runs.some((x) => x.role === 'wrong'), 'the incorrect solution never runs on a failed generator\'s output');
    });
  });

  it('an input outside the constraints is invalid-input, whatever the incorrect solution would do', async () => {
    const cases = [
      { id: 'pair-product', text: '1\n5\n', why: /outside \[2, 200000\]/ },
      { id: 'crates', text: '1 0\n10\n', why: /outside \[1, 1000000000\]/ },
      { id: 'day-of-year', text: '2001 2 29\n', why: /does not exist/ },
      { id: 'tree-depth', text: '3\n1 2\n2 1\n', why: /closes a cycle/ },
      { id: 'budget-pairs', text: '2 2\n1  1\n', why: /expected 2 integers/ },
      { id: 'second-max', text: '2\n7 7', why: /end with a newline/ },
    ];
    const results = await Promise.all(cases.map((c) => verifyCounterexample(sandbox, record(c.id), { kind: 'input', text: c.text })));
    results.forEach((r, i) => {
      assert.equal(r.verdict, 'invalid-input', `${cases[i]!.id}: ${r.reason}`);
      assert.match(r.reason, cases[i]!.why);
    });
  });
});
