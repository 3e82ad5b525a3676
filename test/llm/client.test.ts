// The request layer with a scripted provider and a fake clock: retries and backoff, Retry-After,
// the retry maximum (0 allowed), timeouts, the cache (errors never cached), concurrency and rate
// limits, and accounting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlmClient, LlmPool, ProviderFailure, TokenBucket, UsageLedger, cacheKey, canonicalJson, parseRetryAfter, runUsage, scriptedProvider, type GenerateRequest, type Provider, type RequestOptions } from '../../src/llm/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

const OPTIONS: RequestOptions = { concurrency: 4, maxRetries: 3, backoffMs: 100, maxBackoffMs: 1000, maxRetryAfterMs: 5000, timeoutMs: 1000, cache: true };
const req = (text: string, params: GenerateRequest['params'] = {}): GenerateRequest => ({ model: 'm', messages: [{ role: 'user', content: text }], params });

/** A provider that fails with the given failures first, then answers. */
function flaky(failures: ProviderFailure[]): Provider & { calls: number } {
  const p = scriptedProvider('flaky', () => {
    p.calls++;
    const f = failures.shift();
    if (f) throw f;
    return 'fine';
  }) as Provider & { calls: number };
  p.calls = 0;
  return p;
}

describe('llm request layer', () => {
  it('retries transient failures with exponential backoff and jitter, honouring Retry-After', async () => {
    const sleeps: number[] = [];
    const provider = flaky([
      new ProviderFailure('server', 'HTTP 500', { status: 500 }),
      new ProviderFailure('rate_limit', 'HTTP 429', { status: 429, retryAfterMs: 2500 }),
      new ProviderFailure('connection', 'reset'),
    ]);
    const ledger = new UsageLedger();
    const client = new LlmClient(provider, OPTIONS, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ledger });
    const out = await client.generate(req('q'));
    assert.equal(out.status, 'ok');
    assert.equal(out.attempts, 4);
    assert.equal(provider.calls, 4);
    // 100·2^0·0.75, then max(Retry-After 2500, 100·2·0.75), then 100·4·0.75.
    assert.deepEqual(sleeps, [75, 2500, 300]);
    const [row] = ledger.summary();
    assert.equal(row!.requests, 4);
    assert.equal(row!.retries, 3);
    assert.equal(row!.errors, 0);
  });

  it('gives up after maxRetries (0 allowed) and returns an error outcome with the cause', async () => {
    const provider = flaky([new ProviderFailure('server', 'HTTP 503', { status: 503 }), new ProviderFailure('server', 'HTTP 503', { status: 503 })]);
    const client = new LlmClient(provider, { ...OPTIONS, maxRetries: 0 }, { sleep: async () => {} });
    const out = await client.generate(req('q'));
    assert.equal(out.status, 'error');
    assert.equal(provider.calls, 1);
    if (out.status === 'error') {
      assert.equal(out.error.kind, 'server');
      assert.equal(out.error.status, 503);
      assert.match(out.error.message, /HTTP 503 \(gave up after 1 attempt\)/);
    }
  });

  it('does not retry client errors, and refuses a Retry-After longer than maxRetryAfterMs', async () => {
    const bad = flaky([new ProviderFailure('client', 'HTTP 401: bad key', { status: 401 })]);
    const out = await new LlmClient(bad, OPTIONS, { sleep: async () => {} }).generate(req('q'));
    assert.equal(out.status, 'error');
    assert.equal(bad.calls, 1);
    const slow = flaky([new ProviderFailure('rate_limit', 'HTTP 429', { status: 429, retryAfterMs: 600_000 })]);
    const out2 = await new LlmClient(slow, OPTIONS, { sleep: async () => {} }).generate(req('q'));
    assert.equal(out2.status, 'error');
    if (out2.status === 'error') assert.match(out2.error.message, /asked to wait 600\.0 s, more than maxRetryAfterMs 5000/);
  });

  it('times out a provider that never answers, and retries it', async () => {
    let calls = 0;
    const hang: Provider = { name: 'hang', type: 'scripted', logprobs: false, generate: () => { calls++; return new Promise(() => {}); } };
    const t0 = performance.now();
    const out = await new LlmClient(hang, { ...OPTIONS, timeoutMs: 30, maxRetries: 1 }, { sleep: async () => {} }).generate(req('q'));
    assert.equal(out.status, 'error');
    assert.equal(calls, 2);
    if (out.status === 'error') assert.equal(out.error.kind, 'timeout');
    assert.ok(performance.now() - t0 < 1000);
  });

  it('does not time out an answer that arrived while this process itself was stalled', async () => {
    // The provider blocks the event loop past the deadline (as a starved CPU would); its answer
    // is due right after, so both timers are overdue when the loop runs again and the deadline's
    // fires first: without the stall credit that would abandon an answered request.
    const block = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    let calls = 0;
    const stalled: Provider = {
      name: 'stalled', type: 'scripted', logprobs: false,
      generate: () => {
        calls++;
        block(150);
        return new Promise((resolve) => setTimeout(() => resolve({ text: 'fine', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }), 1));
      },
    };
    const out = await new LlmClient(stalled, { ...OPTIONS, timeoutMs: 40, maxRetries: 0 }, { sleep: async () => {} }).generate(req('q'));
    assert.equal(out.status, 'ok', JSON.stringify(out));
    assert.equal(calls, 1);
  });

  it('counts a try cut off before its request reached the wire as an attempt, not as a request or retry', async () => {
    let calls = 0;
    // First try: never written (waiting for a socket) until the timeout; second: written and answered.
    const queued: Provider = {
      name: 'queued', type: 'scripted', logprobs: false,
      generate: (_request, _signal, wire) => {
        calls++;
        if (wire) wire.sent = false;
        if (calls === 1) return new Promise(() => {});
        if (wire) wire.sent = true;
        return Promise.resolve({ text: 'fine', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } });
      },
    };
    const ledger = new UsageLedger();
    const out = await new LlmClient(queued, { ...OPTIONS, timeoutMs: 30, maxRetries: 2 }, { sleep: async () => {}, ledger }).generate(req('q'));
    assert.equal(out.status, 'ok');
    assert.equal(out.attempts, 2);
    assert.equal(out.requests, 1);
    const [row] = ledger.summary();
    assert.equal(row!.requests, 1, 'only the written request is a request');
    assert.equal(row!.retries, 0, 'and it is the first one the server saw, not a retry');
  });

  it('caches successes by provider, model, parameters and messages, and never caches errors', async () => {
    const store = new Store(tempDir());
    try {
      const pool = new LlmPool({ store });
      let calls = 0;
      let fail = true;
      pool.add(scriptedProvider('s', (r) => {
        calls++;
        if (r.messages[0]!.content === 'boom' && fail) throw new ProviderFailure('client', 'HTTP 400', { status: 400 });
        return `answer to ${r.messages[0]!.content}`;
      }));
      const client = pool.client('s');
      assert.equal((await client.generate(req('a', { temperature: 0 }))).status, 'ok');
      const again = await client.generate(req('a', { temperature: 0 }));
      assert.equal(again.status === 'ok' && again.cached, true);
      assert.equal(calls, 1);
      await client.generate(req('a', { temperature: 0.3 }));
      assert.equal(calls, 2, 'a different temperature is a different cache entry');
      assert.equal((await client.generate(req('boom'))).status, 'error');
      fail = false;
      assert.equal((await client.generate(req('boom'))).status, 'ok', 'the error was not replayed from the cache');
      assert.equal(calls, 4);
      const run = store.createRun({ kind: 'eval' });
      pool.ledger.flush(store, run.id);
      const [usage] = runUsage(store, run.id);
      assert.deepEqual({ requests: usage!.requests, cacheHits: usage!.cacheHits, errors: usage!.errors, cost: usage!.cost }, { requests: 4, cacheHits: 1, errors: 1, cost: null });
      assert.ok(usage!.outputTokens > 0);
    } finally {
      store.close();
    }
  });

  it('keys are canonical: parameter order does not matter, values do', () => {
    assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: undefined }] }), '{"a":[1,{"d":2}],"b":1}');
    const k1 = cacheKey('p', { model: 'm', messages: [{ role: 'user', content: 'x' }], params: { temperature: 0, maxTokens: 5 } });
    const k2 = cacheKey('p', { model: 'm', messages: [{ role: 'user', content: 'x' }], params: { maxTokens: 5, temperature: 0 } });
    assert.equal(k1, k2);
    assert.notEqual(k1, cacheKey('q', { model: 'm', messages: [{ role: 'user', content: 'x' }], params: { maxTokens: 5, temperature: 0 } }));
    assert.notEqual(k1, cacheKey('p', { model: 'm', messages: [{ role: 'user', content: 'x' }], params: { maxTokens: 5, temperature: 0, stop: ['\n'] } }));
  });

  it('holds at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow: Provider = {
      name: 'slow', type: 'scripted', logprobs: false,
      async generate() {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { text: 'x', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
      },
    };
    const client = new LlmClient(slow, { ...OPTIONS, concurrency: 3, cache: false });
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.generate(req(`q${i}`))));
    assert.equal(peak, 3);
  });

  it('a token bucket lets a burst of its size through, then paces at the refill rate', async () => {
    let t = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket(60, () => t, async (ms) => { waits.push(ms); t += ms; });
    for (let i = 0; i < 60; i++) await bucket.take(1);
    assert.equal(waits.length, 0);
    await bucket.take(1);
    await bucket.take(1);
    assert.deepEqual(waits, [1000, 1000]); // 60 per minute = one per second
    bucket.adjust(-5); // debt: a response used 5 more tokens than estimated
    await bucket.take(1);
    assert.equal(waits.at(-1), 6000);
  });

  it('rpm and tpm limits pace a client', async () => {
    let t = 0;
    const sleeps: number[] = [];
    const deps = { sleep: async (ms: number) => { sleeps.push(ms); t += ms; }, now: () => t };
    const client = new LlmClient(scriptedProvider('s', () => 'x'), { ...OPTIONS, rpm: 2, cache: false }, deps);
    for (let i = 0; i < 3; i++) await client.generate(req(`q${i}`));
    assert.deepEqual(sleeps, [30_000]); // the third request of a 2-per-minute bucket waits half a minute
    sleeps.length = 0;
    // tpm: each request is estimated at ceil(chars/4) + maxTokens = 2 + 100 tokens.
    const byTokens = new LlmClient(scriptedProvider('s', () => 'x'), { ...OPTIONS, tpm: 250, cache: false }, deps);
    for (let i = 0; i < 3; i++) await byTokens.generate(req(`q${i}`, { maxTokens: 100 }));
    assert.equal(sleeps.length, 0, 'actual usage (3 tokens) was refunded, so three requests fit in 250');
    const big = new LlmClient(scriptedProvider('s', () => 'x'), { ...OPTIONS, tpm: 250, cache: false }, deps);
    await big.generate(req('a', { maxTokens: 2000 }));
    assert.equal(sleeps.length, 0, 'a request larger than the bucket waits for a full bucket, not forever');
  });

  it('reads Retry-After in seconds, as an HTTP date, and retry-after-ms', () => {
    const h = (m: Record<string, string>) => (n: string) => m[n];
    assert.equal(parseRetryAfter(h({ 'retry-after': '2' })), 2000);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '150', 'retry-after': '9' })), 150);
    assert.equal(parseRetryAfter(h({ 'retry-after': new Date(10_000).toUTCString() }), 4000), 6000);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfter(h({})), undefined);
  });

  it('charges cost from pricing per million tokens', async () => {
    const ledger = new UsageLedger();
    const p = scriptedProvider('s', () => ({ text: 'x', finishReason: 'stop', usage: { inputTokens: 1000, outputTokens: 500 } }));
    await new LlmClient(p, { ...OPTIONS, pricing: { inputPerMTok: 2, outputPerMTok: 10 } }, { ledger }).generate(req('q'));
    assert.equal(ledger.summary()[0]!.cost, (1000 * 2 + 500 * 10) / 1e6);
  });
});
