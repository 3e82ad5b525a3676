// Answer extraction (the paper's order: <answer>, \boxed{}, "the answer is"), MCQ letters, the
// rule matchers, datasets with field mapping and the MMLU-Pro / GPQA conventions, and stats.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_SET, accuracy, bootstrap, datasetSchema, extractBinary, extractFreeform, extractLetter, loadDataset, normalizeAnswer, parseCsv, parseQuantity, ruleVerdict } from '../../src/eval/index.js';
import { tempDir } from '../helpers/cli.js';

describe('answer extraction', () => {
  it('takes the last <answer>, else the last \\boxed{}, else "the answer is"; nothing is unparsed', () => {
    assert.deepEqual(extractFreeform('<answer>1</answer> no, <answer> 2 </answer>'), { status: 'ok', answer: '2', method: 'answer-tag' });
    assert.deepEqual(extractFreeform('so \\boxed{\\frac{1}{2}} and \\boxed{3}'), { status: 'ok', answer: '3', method: 'boxed' });
    assert.equal(extractFreeform('x = \\boxed{\\frac{1}{2}}').answer, '\\frac{1}{2}');
    assert.deepEqual(extractFreeform('Thus the answer is 42.'), { status: 'ok', answer: '42', method: 'answer-is' });
    assert.equal(extractFreeform('<answer>\\boxed{7}</answer>').answer, '7');
    assert.deepEqual(extractFreeform('I cannot tell.'), { status: 'unparsed', answer: null, method: null });
    assert.equal(extractFreeform('<answer>  </answer>').status, 'unparsed');
  });

  it('extracts MCQ letters among the options only', () => {
    assert.equal(extractLetter('I think <answer>(C)</answer>', 4).answer, 'C');
    assert.equal(extractLetter('The correct answer is (B).', 4).answer, 'B');
    assert.equal(extractLetter('Between A and D, I pick D', 4).answer, 'D');
    assert.equal(extractLetter('<answer>J</answer>', 10).answer, 'J');
    assert.equal(extractLetter('<answer>J</answer>', 4).status, 'unparsed');
    assert.equal(extractLetter('no letter here', 4).status, 'unparsed');
    assert.equal(extractBinary('reasoning... <answer>1</answer>'), true);
    assert.equal(extractBinary('<answer>0</answer>'), false);
    assert.equal(extractBinary('<answer>maybe</answer>'), undefined);
  });
});

describe('rule matchers', () => {
  it('normalises case, punctuation, articles, thousands separators and LaTeX text', () => {
    assert.equal(normalizeAnswer('The  Eiffel Tower.'), 'eiffel tower');
    assert.equal(normalizeAnswer('1,234.5'), '1234.5');
    assert.equal(normalizeAnswer('\\text{Paris}'), 'paris');
  });

  it('parses single quantities, fractions and units; not ranges or prose', () => {
    assert.deepEqual(parseQuantity('3/4'), { value: 0.75, unit: '' });
    assert.deepEqual(parseQuantity('1.5e3 m'), { value: 1500, unit: 'm' });
    assert.deepEqual(parseQuantity('3,500 metres'), { value: 3500, unit: 'metres' });
    assert.equal(parseQuantity('between 3 and 4'), undefined);
  });

  it('decides only the clear cases: exact, numeric within 1%, range vs value', () => {
    assert.deepEqual(ruleVerdict('42.0', '42'), { decided: true, match: true, method: 'numeric' });
    assert.deepEqual(ruleVerdict('The answer: 42.0', '42'), { decided: false }, 'prose around a number is left to the model');
    assert.deepEqual(ruleVerdict('100.9', '100'), { decided: true, match: true, method: 'numeric' });
    assert.deepEqual(ruleVerdict('101.1', '100'), { decided: true, match: false, method: 'numeric' });
    assert.deepEqual(ruleVerdict('3-5', '4'), { decided: true, match: false, method: 'range' });
    assert.deepEqual(ruleVerdict('Paris.', 'paris'), { decided: true, match: true, method: 'exact' });
    assert.deepEqual(ruleVerdict('3.5 km', '3500 metres'), { decided: false });
    assert.deepEqual(ruleVerdict('2 September 2024', '2024-09-02'), { decided: false }, 'an ISO date is not a range');
    assert.deepEqual(ruleVerdict('10 to 12 m', '11 m'), { decided: true, match: false, method: 'range' });
    assert.deepEqual(ruleVerdict('forty-two', '42'), { decided: false });
  });
});

describe('datasets', () => {
  it('loads JSONL and CSV with a field mapping; MMLU-Pro letters; GPQA options shuffled by seed', () => {
    const dir = tempDir();
    const jsonl = join(dir, 'mmlu.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ question_id: 7, q: 'Pick', options: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], answer: 'J', cat: 'law' })}\n`);
    const m = loadDataset(datasetSchema.parse({ path: jsonl, convention: 'mmlu-pro', fields: { id: 'question_id', question: 'q', category: 'cat' } }));
    assert.deepEqual(m.samples[0], { id: '7', question: 'Pick', category: 'law', options: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], answerIndex: 9 });
    const csv = join(dir, 'gpqa.csv');
    writeFileSync(csv, 'Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3\n"Which, really?",right,w1,w2,"w ""3"""\nSecond?,R,x,y,z\n');
    const cfg = (seed: number) => datasetSchema.parse({ path: csv, convention: 'gpqa', seed, fields: { question: 'Question', options: ['Correct Answer', 'Incorrect Answer 1', 'Incorrect Answer 2', 'Incorrect Answer 3'] } });
    const g = loadDataset(cfg(0)).samples;
    assert.equal(g[0]!.question, 'Which, really?');
    assert.equal(g[0]!.options![g[0]!.answerIndex!], 'right');
    assert.ok(g[0]!.options!.includes('w "3"'));
    assert.equal(g[0]!.reference, 'right');
    assert.deepEqual(loadDataset(cfg(0)).samples, g, 'the same seed gives the same order');
    const orders = new Set([0, 1, 2, 3, 4, 5].map((s) => loadDataset(cfg(s)).samples.map((x) => x.answerIndex).join()));
    assert.ok(orders.size > 1, 'another seed gives another order');
    assert.deepEqual(parseCsv('a,b\r\n1,"x\ny"\n'), [['a', 'b'], ['1', 'x\ny']]);
  });

  it('names the file, line and field of bad rows', () => {
    const dir = tempDir();
    const f = join(dir, 'bad.jsonl');
    writeFileSync(f, '{"id": 1, "question": "q", "options": ["a", "b"], "answer": "C"}\n');
    assert.throws(() => loadDataset(datasetSchema.parse({ path: f })), /bad\.jsonl: line 1, field "answer" is "C", not a letter or index among 2 options\. Hint: use A–B or 0–1/);
    writeFileSync(f, '{"id": 1, "text": "q"}\n');
    assert.throws(() => loadDataset(datasetSchema.parse({ path: f })), /line 1, field "question" is missing\. Hint: map the question field .*this row has id, text/);
    writeFileSync(f, '{"id": 1, "question": "q"}\n{"id": 1, "question": "r"}\n');
    assert.throws(() => loadDataset(datasetSchema.parse({ path: f })), /line 2: id "1" appears twice/);
  });

  it('the bundled demo set: 60 items, references among their options, distinct ids', () => {
    assert.equal(DEMO_SET.length, 60);
    assert.equal(new Set(DEMO_SET.map((d) => d.id)).size, 60);
    for (const d of DEMO_SET) {
      assert.equal(d.options[d.answerIndex], d.reference);
      assert.equal(new Set(d.options).size, 4, `${d.id} has 4 distinct options`);
    }
    assert.deepEqual(['arithmetic', 'units', 'dates'].map((c) => DEMO_SET.filter((d) => d.category === c).length), [20, 20, 20]);
  });
});

describe('stats', () => {
  it('accuracy counts errors, unparsed and refusals apart, with a bootstrap CI', () => {
    const a = accuracy([{ status: 'ok', value: 1 }, { status: 'ok', value: 0 }, { status: 'ok', value: 1 }, { status: 'error', value: null }, { status: 'unparsed', value: null }, { status: 'refused', value: null }, undefined]);
    assert.deepEqual({ ...a, ci: null }, { items: 7, scored: 3, correct: 2, accuracy: 2 / 3, ci: null, unparsed: 1, refused: 1, errors: 1, pending: 1 });
    assert.ok(a.ci!.low <= 2 / 3 && a.ci!.high >= 2 / 3);
    assert.equal(bootstrap(0, () => 1), null);
    assert.equal(bootstrap(5, () => null), null);
  });
});
