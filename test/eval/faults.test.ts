// Done-when 1 of issue 6: a 300-item free-form run with an LLM matcher against the fault-injecting
// server completes; every item ends `ok` or `error` with its cause, no error is scored as a
// mismatch, and the server's request count equals logical requests plus retries.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evalConfigSchema, startEval, type Stages } from '../../src/eval/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';
import { arithmeticItems, candidateRight, gradingAnswer } from '../helpers/llm-grader.js';
import { startLlmServer, type Fault } from '../helpers/llm-server.js';

/** Faults by item number and by request kind: some recover within the retry budget, some never do. */
function plan(i: number, matcher: boolean): Fault[] {
  const cycle = (i * 2 + (matcher ? 1 : 0)) % 23;
  switch (cycle) {
    case 1: return [{ kind: 'status', status: 429, retryAfter: '0' }];
    case 2: return [{ kind: 'status', status: 429, retryAfterMs: '5' }, { kind: 'status', status: 503 }];
    case 3: return [{ kind: 'status', status: 500 }];
    case 4: return [{ kind: 'status', status: 503 }];
    // Stalls past the timeout, on the first items only: each holds a worker for the whole timeout.
    case 5: return i < 100 ? [{ kind: 'stall', ms: 60_000 }] : [];
    case 6: return [{ kind: 'truncated' }];
    case 7: return [{ kind: 'reset' }];
    case 8: return [{ kind: 'empty' }]; // not retried: an error
    case 9: return Array.from({ length: 4 }, () => ({ kind: 'status', status: 500 }) as Fault); // outlasts 3 retries: an error
    default: return [];
  }
}

describe('a 300-item free-form run with an LLM matcher against the fault-injecting server', () => {
  it('ends every item ok or error with its cause, never scores an error, and requests == logical requests + retries', async () => {
    const items = arithmeticItems(300);
    const index = new Map(items.map((it, i) => [it.question, i]));
    const server = await startLlmServer({
      answer: (body) => gradingAnswer(body),
      script: (key, attempt) => {
        const q = /What is \d+ \+ \d+\?/.exec(key)?.[0];
        const i = q === undefined ? -1 : index.get(q)!;
        return plan(i, key.includes('Reference answer:'))[attempt - 1] ?? { kind: 'ok' };
      },
    });
    const dir = tempDir();
    const data = join(dir, 'items.jsonl');
    writeFileSync(data, items.map((it) => JSON.stringify(it)).join('\n'));
    const store = new Store(dir);
    try {
      const config = evalConfigSchema.parse({
        dataset: { path: data }, solver: 'freeform', scorer: 'match',
        candidate: { model: 'local:cand' }, matcher: { model: 'local:judge' },
        // The server shares this process: on a loaded machine (2 cores, many test processes) it was
        // seen to take 6 s to read a request already written, so the timeout leaves room for that.
        providers: { local: { type: 'openai', baseUrl: server.url, timeoutMs: 15_000, maxRetries: 3, backoffMs: 1, concurrency: 32 } },
      });
      const { runId, summary } = await startEval(store, config);
      const stored = store.items(runId);
      assert.equal(stored.length, 300);
      let expectedErrors = 0;
      for (const rec of stored) {
        const s = rec.stages as unknown as Stages;
        const i = Number(rec.itemId.slice(1));
        const candFails = plan(i, false).length > 3 || plan(i, false)[0]?.kind === 'empty';
        const matchFails = !candFails && (plan(i, true).length > 3 || plan(i, true)[0]?.kind === 'empty');
        assert.ok(rec.status === 'ok' || rec.status === 'error', `${rec.itemId}: ${rec.status}`);
        if (candFails || matchFails) {
          expectedErrors++;
          assert.equal(rec.status, 'error', rec.itemId);
          assert.equal(s.score!.value, null, 'an error has no score value');
          assert.equal(s.verdict!.match, null, 'an error is not a mismatch');
          const cause = candFails ? s.response!.error : s.verdict!.error;
          const seen = (matcher: boolean): string => server.log.filter((l) => l.key.includes(`What is ${i} + ${i + 1}?`) && l.key.includes('Reference answer:') === matcher).map((l) => l.fault).join(',');
          assert.ok(cause && ['server', 'bad_response'].includes(cause.kind), `${rec.itemId}: ${JSON.stringify(cause)}; response ${JSON.stringify(s.response)}; server saw candidate [${seen(false)}], matcher [${seen(true)}]`);
          assert.match(cause.message, /HTTP 500.*gave up after 4 attempts|no choices/);
        } else {
          assert.equal(rec.status, 'ok', `${rec.itemId}: ${JSON.stringify(s.response?.error ?? s.verdict?.error)}`);
          assert.equal(s.score!.value, candidateRight(i) ? 1 : 0, rec.itemId);
        }
      }
      assert.equal(summary.accuracy.errors, expectedErrors);
      assert.ok(expectedErrors > 10 && expectedErrors < 60, `${expectedErrors} errors`);
      assert.deepEqual(Object.keys(summary.errors).sort(), ['bad_response', 'server']);
      const usage = summary.usage;
      const requests = usage.reduce((n, u) => n + u.requests, 0);
      const retries = usage.reduce((n, u) => n + u.retries, 0);
      const matcherCalls = stored.filter((r) => (r.stages as unknown as Stages).response?.status === 'ok').length;
      assert.equal(server.requests, requests, 'the server saw exactly the requests the ledger counted');
      assert.equal(requests, 300 + matcherCalls + retries, 'requests == logical requests + retries');
      assert.ok(retries > 50, `${retries} retries`);
      const sent = stored.reduce((n, r) => n + ((r.stages as unknown as Stages).response?.requests ?? 0), 0);
      assert.equal(sent, usage.find((u) => u.model === 'cand')!.requests, 'stored requests add up to the candidate requests');
      assert.equal(sent, [...server.counts].filter(([key]) => !key.includes('Reference answer:')).reduce((n, [, c]) => n + c, 0), 'and to the candidate requests the server saw');
    } finally {
      store.close();
      await server.close();
    }
  });
});
