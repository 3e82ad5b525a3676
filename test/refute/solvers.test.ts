// REFUTE solvers end to end against the scripted provider and the real sandbox: the one-shot
// setups, the agent (runs, an invalid submission, a resubmission), random search, and the store
// holding every attempt and execution. Skips, naming the install command, without bwrap.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { LlmPool, ProviderFailure, scriptedProvider, type GenerateRequest, type LlmClient } from '../../src/llm/index.js';
import type { RefuteProblem } from '../../src/refute/index.js';
import {
  codeBlocks, fill, labelledProgram, lastProgram, loadBenchmark, makeSolver, parseSearchReply, pickShots, solveAll, type SolveResult,
} from '../../src/refute/solvers/index.js';
import { selectProblems } from '../../src/cli/commands/refute-run.js';
import { createSandbox, findBwrap, type Sandbox } from '../../src/sandbox/index.js';
import { Store } from '../../src/store/index.js';
import { fathom, tempDir } from '../helpers/cli.js';

const skip = findBwrap() ? false : 'bubblewrap is not installed (apt-get install -y bubblewrap)';
const py = (code: string, label = '') => `${label ? `${label}\n` : ''}\`\`\`python\n${code}\`\`\`\n`;
const CRATES_CE = 'print(1, 5)\nprint(10)\n';

describe('reading programs out of replies', () => {
  it('finds labelled blocks, the last program, and an unclosed final fence', () => {
    const reply = `Let me test.\n\nRUN\n\`\`\`python\nprint(1)\n\`\`\`\n\`\`\`stdin\n3 4\n\`\`\`\nThen **SUBMIT:**\n\`\`\`cpp\nint main(){}\n`;
    const blocks = codeBlocks(reply);
    assert.deepEqual(blocks.map((b) => [b.lang, b.label]), [['python', 'RUN'], ['stdin', ''], ['cpp', 'THEN SUBMIT']]);
    assert.equal(labelledProgram(reply, 'RUN')?.source, 'print(1)\n');
    assert.equal(lastProgram(reply)?.lang, 'cpp');
    assert.equal(lastProgram('no code here'), undefined);
    assert.deepEqual(parseSearchReply(`${py('a\n', 'GENERATOR')}${py('b\n', 'BRUTE:')}`), { generator: { lang: 'python', source: 'a\n' }, brute: { lang: 'python', source: 'b\n' } });
    assert.equal(parseSearchReply(py('a\n', 'GENERATOR')), undefined);
  });

  it('fills prompts and names a missing placeholder', () => {
    assert.equal(fill('a {{x}} b', { x: 1 }), 'a 1 b');
    assert.throws(() => fill('{{x}} {{y}}', { x: 1 }, 'agent.md'), /agent\.md uses \{\{y\}\}, which has no value/);
  });

  it('picks few-shot examples from other problems only', () => {
    const records = loadBenchmark().flatMap((b) => b.records);
    const target = records.find((r) => r.problem_id === 'concat-max-zeros')!;
    const shots = pickShots(target, records);
    assert.equal(shots.length, 2);
    assert.ok(shots.every((s) => s.statement !== target.statement));
    assert.deepEqual(pickShots(target, records).map((s) => s.problem_id), shots.map((s) => s.problem_id), 'deterministic');
  });
});

describe('REFUTE solvers (scripted model, real sandbox)', { skip }, () => {
  let sandbox: Sandbox;
  let records: RefuteProblem[];
  let pool: LlmPool;
  const problem = (id: string) => records.find((r) => r.problem_id === id)!;
  const client = (name: string, respond: (req: GenerateRequest) => string): LlmClient =>
    pool.add(scriptedProvider(name, respond), { concurrency: 4, cache: false, maxRetries: 0 });
  const userTurns = (req: GenerateRequest) => req.messages.filter((m) => m.role === 'user');
  before(() => {
    sandbox = createSandbox({ concurrency: 2 });
    records = loadBenchmark().flatMap((b) => b.records);
    pool = new LlmPool();
  });

  it('zero-shot, few-shot and with-correct submit the reply\'s generator; no code and a failed call are verdicts', async () => {
    const seen: string[] = [];
    const c = client('oneshot', (req) => {
      const text = req.messages[0]!.content;
      seen.push(text);
      return text.includes('Correct solution') ? `It misses exact multiples.\n${py(CRATES_CE)}` : text.includes('Worked examples') || text.includes('worked examples') ? py(CRATES_CE) : 'I am not sure.';
    });
    const failing = pool.add(scriptedProvider('down', () => { throw new ProviderFailure('server', 'HTTP 503', { retryable: false }); }), { cache: false, maxRetries: 0 });
    const p = problem('crates');
    const ctx = { sandbox, client: c, model: 'm', shots: records };
    const [zero, few, correct, down] = await Promise.all([
      makeSolver('zero-shot')(p, ctx), makeSolver('few-shot')(p, ctx), makeSolver('with-correct')(p, ctx),
      makeSolver('zero-shot')(p, { ...ctx, client: failing }),
    ]);
    assert.equal(zero.verdict, 'no-answer');
    assert.match(zero.reason, /no ```python or ```cpp code block/);
    assert.equal(few.verdict, 'refuted', few.reason);
    assert.equal(correct.verdict, 'refuted', correct.reason);
    assert.equal(correct.input, '1 5\n10\n');
    assert.equal(down.verdict, 'llm-error');
    assert.match(down.reason, /server: HTTP 503/);
    assert.ok(seen.some((t) => t.includes('## Correct solution (Python 3)') && t.includes('(int(x) + k - 1) // k')), 'with-correct shows the correct code');
    assert.ok(seen.some((t) => t.includes('### Example:') && !t.includes('### Example: Apple Crates')), 'few-shot shows other problems');
  });

  it('the agent runs scripts, is told an input is invalid, resubmits and refutes', async () => {
    const script = `import subprocess\nr = subprocess.run(['python3', 'wrong.py'], input=b'1 5\\n10\\n', capture_output=True)\nprint('wrong says', r.stdout.decode().strip())\nprint('x' * 5000)\n`;
    const c = client('agent', (req) => {
      const turn = userTurns(req).length;
      if (turn === 1) return `First I check exact multiples.\nRUN\n${py(script)}`;
      if (turn === 2) return 'Hmm, let me think without acting.';
      if (turn === 3) return `SUBMIT\n${py('print(1, 0)\nprint(10)\n')}`;
      return `SUBMIT\n${py(CRATES_CE)}`;
    });
    const r = await makeSolver('agent', { agent: { maxExecutions: 3 } })(problem('crates'), { sandbox, client: c, model: 'agent-model' });
    assert.equal(r.verdict, 'refuted', r.reason);
    assert.deepEqual(r.attempts.map((a) => a.action), ['run', 'nudge', 'submit', 'submit']);
    assert.deepEqual(r.attempts.map((a) => a.verdict ?? null), [null, null, 'invalid-input', 'refuted']);
    assert.equal(r.executions.length, 1);
    assert.match(r.executions[0]!.stdout!, /^wrong says 3\n/);
    assert.equal(r.executions[0]!.truncated, true);
    const conversation = r.attempts.at(-1)!.messages.map((m) => m.content).join('\n---\n');
    assert.match(conversation, /wrong says 3/);
    assert.match(conversation, /output truncated/);
    assert.match(conversation, /neither a `RUN` nor a `SUBMIT`/);
    assert.match(conversation, /invalid-input\. the validator rejected the input .*outside \[1, 1000000000\]/);
  });

  it('the agent stops at its execution limit and ends without an answer when it never submits', async () => {
    const c = client('runner', () => `RUN\n${py('print(42)\n')}`);
    const r = await makeSolver('agent', { agent: { maxExecutions: 2, maxNudges: 1 } })(problem('crates'), { sandbox, client: c, model: 'm' });
    assert.equal(r.verdict, 'no-answer');
    assert.equal(r.executions.length, 2);
    assert.deepEqual(r.attempts.map((a) => a.action), ['run', 'run', 'nudge', 'none']);
    assert.match(r.attempts[3]!.messages.at(-1)!.content, /no executions are left\. You have used all 2 executions: SUBMIT now/);
  });

  it('random search finds a refuting input with the model\'s generator and brute force, and stores everything', async () => {
    const gen = 'import random, sys\nr = random.Random(int(sys.argv[1]))\nn = r.randint(1, 3)\nprint(n, r.randint(1, 4))\nprint(*[r.randint(1, 12) for _ in range(n)])\n';
    const brute = 'import sys\nd = list(map(int, sys.stdin.read().split()))\nn, k = d[0], d[1]\ntotal = 0\nfor a in d[2:2 + n]:\n    c = 0\n    while c * k < a:\n        c += 1\n    total += c\nprint(total)\n';
    const invalidGen = 'print(1, 0)\nprint(5)\n';
    const c = client('search', (req) => (req.messages[0]!.content.includes('Apple Crates') || req.messages[0]!.content.includes('crate') ? `GENERATOR\n${py(gen)}BRUTE\n${py(brute)}` : `GENERATOR\n${py(invalidGen)}BRUTE\n${py(brute)}`));
    const store = new Store(tempDir());
    try {
      const run = store.createRun({ kind: 'refute', name: 'solvers test' });
      const ctx = { sandbox, client: c, model: 'm' };
      const results: SolveResult[] = await solveAll(run, [
        { problem: problem('crates'), solver: 'random-search', model: 'scripted:search', ctx },
        { problem: problem('second-max'), solver: 'random-search', model: 'scripted:search', ctx },
      ], { search: { budgetMs: 20_000, maxIterations: 200, maxInvalidInARow: 4 } });
      const [found, invalid] = results;
      assert.equal(found!.verdict, 'refuted', found!.reason);
      assert.ok(found!.executions.length >= 1 && found!.executions.every((e) => e.kind === 'search' && e.seed !== undefined));
      assert.equal(found!.executions.filter((e) => e.verdict === 'disagree').length >= 1, true);
      assert.equal(invalid!.verdict, 'invalid-input');
      assert.match(invalid!.reason, /last 4 generated inputs were invalid/);
      const items = store.items(run.id);
      assert.deepEqual(items.map((i) => [i.itemId, i.status]).sort(), [['crates::random-search::scripted:search', 'refuted'], ['second-max::random-search::scripted:search', 'invalid-input']]);
      const stored = (items.find((i) => i.status === 'refuted')!.stages as { result: SolveResult; problem: { kind: string } });
      assert.equal(stored.result.executions.length, found!.executions.length);
      assert.equal(stored.result.attempts[0]!.reply.includes('GENERATOR'), true);
      assert.equal(stored.problem.kind, 'off-by-one');
    } finally {
      store.close();
    }
  });
});

describe('fathom refute run / report (CLI, scripted provider)', { skip }, () => {
  it('runs solvers over bundled problems, stores the run and reports it; bad flags name the fix', () => {
    const ws = tempDir();
    const providers = join(ws, 'providers.yaml');
    writeFileSync(providers, 'providers:\n  script:\n    type: scripted\n    rules:\n      - match: "Apple Crates|crate"\n        reply: "Exact multiples.\\n```python\\nprint(1, 5)\\nprint(10)\\n```\\n"\n    default: "No idea."\n');
    const run = fathom(['refute', 'run', '--workspace', ws, '--providers', providers, '--model', 'script:m', '--solver', 'zero-shot,with-correct', '--only', 'crates,top-bit', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { runId: string; overall: { solver: string; refuted: number; problems: number }[]; verdicts: Record<string, unknown>[] };
    assert.deepEqual(out.overall.map((r) => [r.solver, r.refuted, r.problems]).sort(), [['with-correct', 1, 2], ['zero-shot', 1, 2]]);
    const report = fathom(['refute', 'report', out.runId.slice(0, 15), '--workspace', ws, '--paper']);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /Refuted share per solver and model/);
    assert.match(report.stdout, /\| zero-shot +\| script:m +\| +2 \| +1 \|/);
    assert.match(report.stdout, /By failure kind/);
    assert.match(report.stdout, /o3-mini \(high\)/);
    const noModel = fathom(['refute', 'run', '--workspace', ws]);
    assert.notEqual(noModel.code, 0);
    assert.match(noModel.stderr, /no --model given[\s\S]*--model openai:o3-mini/);
  });
});

describe('refute run: choosing problems and solvers', () => {
  it('names unknown solvers and problem ids, and an empty import, with the fix', () => {
    assert.throws(() => makeSolver('zero-shoot'), /unknown solver "zero-shoot"[\s\S]*did you mean "zero-shot"/);
    assert.throws(() => selectProblems('bundled', tempDir(), 'crates,nope'), /--only names unknown problems: nope[\s\S]*fathom refute ls/);
    assert.throws(() => selectProblems('imported', tempDir(), undefined), /no problems are imported[\s\S]*fathom refute import refute\.jsonl/);
    const { problems, original } = selectProblems('bundled', tempDir(), 'crates,top-bit');
    assert.deepEqual(problems.map((p) => p.problem_id), ['crates', 'top-bit']);
    assert.equal(original, false);
  });
});
