// The question filter against a scripted rater: ratings stored per item, items below the threshold
// left out of the accuracy (and never sent to the candidate), a rating failure an error with its
// cause that retry asks again, resume asking nothing twice, and the CLI flags.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evalConfigSchema, extractRating, filterPrompt, resumeEval, retryEval, startEval, type Stages } from '../../src/eval/index.js';
import { LlmPool, scriptedProvider, type GenerateRequest } from '../../src/llm/index.js';
import { Store } from '../../src/store/index.js';
import { fathom, tempDir } from '../helpers/cli.js';

const ITEMS = [
  { id: 'a', question: 'What is 2 + 3?', reference: '5' },
  { id: 'b', question: 'Which of the following is a prime?', reference: '7' },
  { id: 'c', question: 'What is the capital of Peru?', reference: 'Lima' },
  { id: 'd', question: 'Name a colour.', reference: 'red' },
];
/** Ratings by question; 'd' first answers without a rating tag. */
const RATING: Record<string, number> = { 'What is 2 + 3?': 9, 'Which of the following is a prime?': 2, 'What is the capital of Peru?': 7, 'Name a colour.': 4 };

function setup(brokenD: { value: boolean }) {
  const asked: string[] = [];
  const rater = scriptedProvider('rater', (r: GenerateRequest) => {
    const q = /Question: (.*)\n/.exec(r.messages[0]!.content)![1]!;
    asked.push(q);
    if (q === 'Name a colour.' && brokenD.value) return 'It depends on the options.';
    return `Judging it. <score>${RATING[q]}</score>`;
  });
  const candidateAsked: string[] = [];
  const candidate = scriptedProvider('cand', (r: GenerateRequest) => {
    const q = /Question: (.*)\n/.exec(r.messages[0]!.content)![1]!;
    candidateAsked.push(q);
    return `<answer>${ITEMS.find((it) => it.question === q)!.reference}</answer>`;
  });
  const dir = tempDir();
  const data = join(dir, 'items.jsonl');
  writeFileSync(data, ITEMS.map((it) => JSON.stringify(it)).join('\n'));
  const pool = (): LlmPool => {
    const p = new LlmPool({});
    p.add(rater);
    p.add(candidate);
    return p;
  };
  const config = evalConfigSchema.parse({ dataset: { path: data }, scorer: 'exact', candidate: { model: 'cand:m' }, filter: { model: 'rater:r', threshold: 7 } });
  return { asked, candidateAsked, dir, data, pool, config };
}

describe('the question filter', () => {
  it('stores each rating, leaves out items below the threshold, and counts a missing rating as an error that retry asks again', async () => {
    const broken = { value: true };
    const s = setup(broken);
    const store = new Store(s.dir);
    try {
      const first = await startEval(store, s.config, { pool: s.pool() });
      const stages = new Map(store.items(first.runId).map((r) => [r.itemId, { status: r.status, s: r.stages as unknown as Stages }]));
      assert.deepEqual([...stages.values()].map((x) => x.s.filter?.score ?? null), [9, 2, 7, null]);
      assert.equal(stages.get('b')!.status, 'filtered');
      assert.equal(stages.get('b')!.s.filter!.kept, false);
      assert.equal(stages.get('b')!.s.response, undefined, 'a filtered item is never sent to the candidate');
      assert.equal(stages.get('c')!.s.filter!.kept, true, 'the threshold is inclusive');
      assert.equal(stages.get('d')!.status, 'error');
      assert.match(stages.get('d')!.s.filter!.error!.message, /no <score>N<\/score> with N from 1 to 10/);
      assert.deepEqual(s.candidateAsked.sort(), ['What is 2 + 3?', 'What is the capital of Peru?']);
      const sum = first.summary;
      assert.deepEqual(sum.filter, { model: 'rater:r', threshold: 7, rated: 3, filtered: 1 });
      assert.equal(sum.accuracy.items, 3, 'the filtered item is not in the accuracy');
      assert.equal(sum.accuracy.correct, 2);
      assert.equal(sum.accuracy.errors, 1);
      assert.deepEqual(sum.errors, { bad_response: 1 });

      // Resume asks nothing again; retry asks only the failed rating, then (rated 4 < 7) leaves it out.
      const asked = s.asked.length;
      const resumed = await resumeEval(store, first.runId, {}, { pool: s.pool() });
      assert.equal(s.asked.length, asked);
      assert.equal(resumed.work.processed, 0);
      broken.value = false;
      const retried = await retryEval(store, first.runId, {}, { pool: s.pool() });
      assert.equal(retried.work.ratings, 1);
      assert.equal(retried.work.filtered, 1);
      assert.deepEqual(retried.summary.filter, { model: 'rater:r', threshold: 7, rated: 4, filtered: 2 });
      assert.equal(retried.summary.accuracy.errors, 0);
      assert.equal(retried.summary.accuracy.accuracy, 1);
    } finally {
      store.close();
    }
  });

  it('reads the last <score> from 1 to 10 and asks with the question and its reference', () => {
    assert.equal(extractRating('<score>3</score> no wait <score>8</score>'), 8);
    assert.equal(extractRating('<score>11</score>'), undefined);
    assert.equal(extractRating('<score>0</score>'), undefined);
    assert.equal(extractRating('8/10'), undefined);
    const text = filterPrompt({ id: 'x', question: 'Which of these is blue?', options: ['sky', 'grass'], answerIndex: 0 })[0]!.content;
    assert.match(text, /Question: Which of these is blue\?\nReference answer: sky\n/);
    assert.match(text, /<score> and <\/score>/);
  });

  it('--filter-model and --filter-threshold set the filter from the CLI; a bad threshold is a config error', () => {
    const dir = tempDir();
    const providers = join(dir, 'providers.json');
    writeFileSync(providers, JSON.stringify({ providers: {
      r: { type: 'scripted', rules: [{ match: '2 \\+ 3', reply: '<score>9</score>' }], default: '<score>3</score>' },
      c: { type: 'scripted', rules: [{ match: 'What is (\\d+) \\+ (\\d+)', reply: '<answer>5</answer>' }], default: '<answer>?</answer>' },
    } }));
    const data = join(dir, 'items.jsonl');
    writeFileSync(data, ITEMS.map((it) => JSON.stringify(it)).join('\n'));
    const out = fathom(['--workspace', dir, '--json', '--quiet', 'eval', 'run', '--dataset', data, '--scorer', 'exact', '--candidate', 'c:m', '--providers', providers, '--filter-model', 'r:m', '--filter-threshold', '8']);
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout) as { summary: { filter: unknown; accuracy: { items: number; accuracy: number } } };
    assert.deepEqual(result.summary.filter, { model: 'r:m', threshold: 8, rated: 4, filtered: 3 });
    assert.equal(result.summary.accuracy.items, 1);
    assert.equal(result.summary.accuracy.accuracy, 1);
    const bad = fathom(['--workspace', dir, 'eval', 'run', '--dataset', data, '--scorer', 'exact', '--candidate', 'c:m', '--providers', providers, '--filter-model', 'r:m', '--filter-threshold', '11']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /filter\.threshold/);
  });
});
