// Stage re-runs through the API against the fault-injecting server: `retry` re-requests only the
// errored items, `rescore` re-scores stored responses without a single generation request.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evalConfigSchema, rescoreEval, retryEval, startEval, type Stages } from '../../src/eval/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';
import { arithmeticItems, candidateRight, gradingAnswer } from '../helpers/llm-grader.js';
import { startLlmServer } from '../helpers/llm-server.js';

describe('retry and rescore', () => {
  it('retry re-requests only errored items (generation or verdict); rescore regenerates nothing', async () => {
    let outage = true;
    const items = arithmeticItems(40);
    const server = await startLlmServer({
      answer: (b) => gradingAnswer(b),
      // While the outage lasts, items 0–4 fail their generation and items 5–9 their verdict.
      script: (key) => {
        const i = Number(/What is (\d+) \+/.exec(key)![1]);
        const matcher = key.includes('Reference answer:');
        return outage && ((i < 5 && !matcher) || (i >= 5 && i < 10 && matcher)) ? { kind: 'status', status: 503 } : { kind: 'ok' };
      },
    });
    const dir = tempDir();
    const data = join(dir, 'items.jsonl');
    writeFileSync(data, items.map((it) => JSON.stringify(it)).join('\n'));
    const store = new Store(dir);
    try {
      const config = evalConfigSchema.parse({
        dataset: { path: data }, scorer: 'match', candidate: { model: 'local:cand' }, matcher: { model: 'local:judge' },
        providers: { local: { type: 'openai', baseUrl: server.url, maxRetries: 0 } },
      });
      const first = await startEval(store, config);
      assert.equal(first.summary.accuracy.errors, 10);
      assert.equal(server.requests, 40 + 35);
      outage = false;
      const before = server.requests;
      const retried = await retryEval(store, first.runId);
      assert.equal(retried.work.processed, 10);
      assert.equal(retried.work.generated, 5);
      // 5 generations + 10 verdicts (5 new answers, 5 failed verdicts, the latter bypassing the cache).
      assert.equal(server.requests - before, 15);
      assert.equal(retried.summary.accuracy.errors, 0);
      const scores = store.items(first.runId).map((r) => (r.stages as unknown as Stages).score!.value);
      assert.deepEqual(scores, items.map((_, i) => (candidateRight(i) ? 1 : 0)));
      const again = server.requests;
      const rescored = await rescoreEval(store, first.runId, { scorer: 'exact' });
      assert.equal(server.requests, again, 'rescoring with a rule scorer sends no request');
      assert.notEqual(rescored.runId, first.runId);
      assert.equal(rescored.summary.accuracy.accuracy, retried.summary.accuracy.accuracy);
      assert.deepEqual(rescored.summary.methods, { exact: 40 });
      assert.equal((store.getRun(rescored.runId).config as { rescoreOf: string }).rescoreOf, first.runId);
    } finally {
      store.close();
      await server.close();
    }
  });
});
