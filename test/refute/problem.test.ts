import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { correctSolution, loadProblems, parseLang, problemTags, readCounterexample, resolveProblem, saveProblems, wrongSolution } from '../../src/refute/index.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'test/fixtures/refute');

const record = (over: Record<string, unknown> = {}) => ({
  problem_id: '1975F', statement: 'Print a+b.', input: 'two ints', output: 'one int', example_input: '1 2\n', example_output: '3\n', note: null,
  time_limit: 1000, memory_limit: 256, rating: 1400, tags: 'math, brute force', wrong_code: 'print(1)', wrong_code_lang: 'Python 3',
  correct_cpp: null, correct_python: 'a,b=map(int,input().split());print(a+b)', validator: 'import sys', contest_name: 'kept', ...over,
});

describe('refute problems', () => {
  it('loads the original JSONL records unchanged, keeping unknown fields', () => {
    const dir = tempDir();
    const file = join(dir, 'refute.jsonl');
    writeFileSync(file, `${JSON.stringify(record())}\n\n${JSON.stringify(record({ problem_id: 7, wrong_code_lang: 'GNU C++17 (64)', correct_cpp: 'int main(){}' }))}\n`);
    const [a, b] = loadProblems(file);
    assert.equal(a!.problem_id, '1975F');
    assert.equal(a!.contest_name, 'kept');
    assert.equal(a!.time_limit, 1000);
    assert.deepEqual(problemTags(a!), ['math', 'brute force']);
    assert.deepEqual(correctSolution(a!).lang, 'python');
    assert.equal(b!.problem_id, '7');
    assert.deepEqual(wrongSolution(b!), { lang: 'cpp', std: 'c++17', source: 'print(1)' });
    assert.equal(correctSolution(b!).lang, 'cpp', 'C++ wins when both correct solutions exist, as in the authors\' harness');
  });

  it('maps judge language names like the authors\' parse_lang', () => {
    assert.deepEqual(parseLang('GNU C++20 (64)'), { lang: 'cpp', std: 'c++20' });
    assert.deepEqual(parseLang('C++14 (GCC 6-32)'), { lang: 'cpp', std: 'c++14' });
    assert.deepEqual(parseLang('C++23 (GCC 14-64, msys2)'), { lang: 'cpp', std: 'c++23' });
    assert.deepEqual(parseLang('cpp'), { lang: 'cpp', std: 'c++20' });
    assert.equal(parseLang('PyPy 3-64')?.lang, 'python');
    assert.equal(parseLang('Python 3')?.lang, 'python');
    assert.equal(parseLang('python')?.lang, 'python');
    assert.equal(parseLang('Python 2'), null);
    assert.equal(parseLang('Java 21'), null);
  });

  it('loads problem directories: one wrong.* or several wrong/<variant>.*, with counterexamples and decoys', () => {
    const problems = loadProblems(FIXTURES);
    assert.deepEqual(problems.map((p) => p.problem_id), ['pair-sum', 'parity-drop-last', 'parity-slow']);
    const [sum, dropLast, slow] = problems;
    assert.equal(sum!.statement.trim(), 'Given two integers a and b, print a + b.');
    assert.equal(sum!.example_input, '1 2\n');
    assert.equal(sum!.wrong_code_lang, 'C++20');
    assert.deepEqual(sum!.known_counterexamples!.map((c) => [c.name, c.counterexample.kind]), [['gen.py', 'program'], ['overflow.txt', 'input']]);
    assert.deepEqual(sum!.decoys!.map((c) => c.name), ['small.txt']);
    assert.equal(dropLast!.wrong_code_lang, 'Python 3');
    assert.deepEqual(dropLast!.known_counterexamples!.map((c) => c.name), ['last.txt']);
    assert.deepEqual(slow!.known_counterexamples!.map((c) => c.name), ['big.py']);
    assert.deepEqual(loadProblems(join(FIXTURES, 'pair-sum')).map((p) => p.problem_id), ['pair-sum']);
  });

  it('names the file, the line and the field of a bad record', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(record())}\n${JSON.stringify(record({ time_limit: -5, validator: undefined }))}\n`);
    assert.throws(() => loadProblems(file), (e: Error) => /bad\.jsonl:2 is not a valid REFUTE record: "time_limit": .*; "validator": Invalid input: expected string, received undefined\. Hint: see src\/refute\/FORMAT\.md/.test(e.message));
    writeFileSync(file, `${JSON.stringify(record({ correct_python: null }))}\n`);
    assert.throws(() => loadProblems(file), /"correct_cpp": needs "correct_cpp" or "correct_python"/);
    writeFileSync(file, `${JSON.stringify(record({ wrong_code_lang: 'Kotlin 1.9' }))}\n`);
    assert.throws(() => loadProblems(file), /wrong_code_lang "Kotlin 1\.9" is not C\+\+ or Python 3\. Hint: fathom runs C\+\+/);
    writeFileSync(file, `${JSON.stringify(record())}\n{not json\n`);
    assert.throws(() => loadProblems(file), /bad\.jsonl:2 is not valid JSON/);
    writeFileSync(file, `${JSON.stringify(record())}\n${JSON.stringify(record())}\n`);
    assert.throws(() => loadProblems(file), /problem id "1975F" appears twice .*Hint: give every record a unique problem_id/);
    assert.throws(() => loadProblems(join(dir, 'missing.jsonl')), /missing\.jsonl does not exist\. Hint: pass a \.jsonl file/);
  });

  it('resolves a problem by path, by path#id, or by id, and says how to pick one', () => {
    const ws = tempDir();
    assert.equal(resolveProblem(join(FIXTURES, 'pair-sum'), ws).problem_id, 'pair-sum');
    assert.equal(resolveProblem(`${FIXTURES}#parity-slow`, ws).problem_id, 'parity-slow');
    assert.throws(() => resolveProblem(FIXTURES, ws), /holds 3 problems\. Hint: name one as .*#<id>, e\.g\. .*#pair-sum/);
    assert.throws(() => resolveProblem(`${FIXTURES}#nope`, ws), /no problem "nope" in .*\. Hint: pick one of: pair-sum, parity-drop-last, parity-slow/);
    saveProblems(ws, loadProblems(join(FIXTURES, 'pair-sum')));
    assert.equal(resolveProblem('pair-sum', ws).statement.trim(), 'Given two integers a and b, print a + b.');
    assert.throws(() => resolveProblem('pair-sun', ws), /no problem "pair-sun" .*Hint: did you mean "pair-sum"\?/);
  });

  it('reads counterexample files by extension, and names a missing one', () => {
    assert.equal(readCounterexample(join(FIXTURES, 'pair-sum/counterexamples/gen.py')).kind, 'program');
    assert.deepEqual(readCounterexample(join(FIXTURES, 'pair-sum/counterexamples/overflow.txt')), { kind: 'input', text: '2000000000 2000000000\n' });
    assert.throws(() => readCounterexample('/nonexistent/gen.py'), /cannot read the counterexample \/nonexistent\/gen\.py \(ENOENT\)\. Hint: pass a \.py\/\.cpp generator or a plain input file/);
  });

  it('rejects inconsistent problem directories with a fix', () => {
    const dir = tempDir();
    const p = join(dir, 'pair-sum');
    cpSync(join(FIXTURES, 'pair-sum'), p, { recursive: true });
    writeFileSync(join(p, 'wrong.py'), 'print(0)');
    assert.throws(() => loadProblems(p), /has both wrong\.cpp and wrong\.py\. Hint: keep one/);
    rmSync(join(p, 'wrong.py'));
    mkdirSync(join(p, 'wrong'));
    writeFileSync(join(p, 'wrong', 'a.py'), 'print(0)');
    assert.throws(() => loadProblems(p), /has both wrong\.\* and wrong\//);
    rmSync(join(p, 'wrong'), { recursive: true });
    rmSync(join(p, 'wrong.cpp'));
    assert.throws(() => loadProblems(p), /has no incorrect solution\. Hint: add wrong\.cpp or wrong\.py/);
    assert.throws(() => loadProblems(tempDir()), /holds no problem directories/);
    writeFileSync(join(p, 'problem.json'), '{ "time_limit": ');
    assert.throws(() => loadProblems(p), /problem\.json is not valid JSON/);
  });
});
