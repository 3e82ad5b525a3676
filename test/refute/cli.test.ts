import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findBwrap } from '../../src/sandbox/index.js';
import { fathom, ROOT, tempDir } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'test/fixtures/refute');
const skip = findBwrap() ? false : 'bubblewrap is not installed (apt-get install -y bubblewrap)';

describe('fathom refute', () => {
  it('--help lists its subcommands with examples', () => {
    const r = fathom(['refute', '--help']);
    assert.equal(r.code, 0);
    for (const sub of ['import', 'verify', 'ls']) assert.match(r.stdout, new RegExp(`\\n  ${sub}`));
    assert.match(r.stdout, /Examples:\n {2}\$ fathom refute ls/);
  });

  it('import checks and stores problems; verify finds them by id; ls lists them', { skip }, () => {
    const ws = tempDir();
    const stored = fathom(['refute', 'import', FIXTURES, '--check', '--json', '--workspace', ws]);
    assert.equal(stored.code, 0, stored.stderr);
    const s = JSON.parse(stored.stdout);
    assert.deepEqual([s.problems, s.wrongCode, s.checks.map((c: { ok: boolean }) => c.ok)], [3, { cpp: 1, python: 2 }, [true, true, true]]);
    assert.ok(s.stored.dir.startsWith(ws));
    const ce = join(FIXTURES, 'pair-sum/counterexamples/overflow.txt');
    const r = fathom(['refute', 'verify', '--problem', 'pair-sum', '--counterexample', ce, '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pair-sum: REFUTED — run 1 of the incorrect solution: wrong answer \(token 1: expected "4000000000", found "-294967296"\)\n/);
    assert.match(r.stdout, /\nwrong #1 +ok +0 /);
    const ls = JSON.parse(fathom(['refute', 'ls', '--json', '--workspace', ws]).stdout);
    assert.deepEqual(ls.imported, ['pair-sum', 'parity-drop-last', 'parity-slow']);
  });

  it('--check refuses to store a problem whose correct solution fails its own example', { skip }, () => {
    const ws = tempDir();
    const file = join(ws, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify({ problem_id: 'x1', statement: 's', example_input: '1 2\n', example_output: '4\n', time_limit: 1000, memory_limit: 64, wrong_code: 'print(0)', wrong_code_lang: 'Python 3', correct_python: 'print(sum(map(int, input().split())))', validator: 'pass' })}\n`);
    const r = fathom(['refute', 'import', file, '--check', '--workspace', ws]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /self-check: 0\/1 ok\n {2}x1: the correct solution's output differs from example_output \(token 1: expected "4", found "3"\)\nnothing stored/);
  });

  it('reports what was wrong and how to fix it', () => {
    const ws = tempDir();
    const unknown = fathom(['refute', 'verify', '--problem', 'pair-sun', '--counterexample', 'x.txt', '--workspace', ws]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no problem "pair-sun" \(not a path, not imported into .*, not bundled\)\. Hint: /);
    const runs = fathom(['refute', 'verify', '--problem', 'pair-sum', '--counterexample', 'x', '--wrong-runs', '0', '--workspace', ws]);
    assert.equal(runs.code, 2);
    assert.match(runs.stderr, /--wrong-runs must be a positive whole number, got "0"\. Hint: pass e\.g\. --wrong-runs 5/);
    const bad = join(ws, 'bad.jsonl');
    writeFileSync(bad, '{"problem_id": "a"}\n');
    const imp = fathom(['refute', 'import', bad, '--dry-run', '--workspace', ws]);
    assert.equal(imp.code, 1);
    assert.match(imp.stderr, /bad\.jsonl:1 is not a valid REFUTE record: "statement": .*Hint: see src\/refute\/FORMAT\.md/);
  });
});

describe('fathom bench sandbox', { skip }, () => {
  it('reports overhead beside a bare run and the plain wrapper, and throughput', () => {
    const r = fathom(['bench', 'sandbox', '--runs', '3', '--verdicts', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const b = JSON.parse(r.stdout);
    for (const k of ['bareMs', 'sandboxMs', 'overheadMs', 'runsPerSecond', 'bareRunsPerSecond', 'compileWarmMs']) assert.equal(typeof b[k], 'number', k);
    assert.equal(b.isolated, true);
    assert.equal(b.workers, 2);
    const bad = fathom(['bench', 'sandbox', '--runs', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--runs must be a whole number ≥ 1, got "x"/);
  });
});
