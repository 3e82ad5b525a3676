// Providers for real: the OpenAI-compatible provider (official client) against the fault-injecting
// loopback server, the Anthropic provider against a loopback Messages endpoint, replay and scripted.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LlmPool, fillReply, type LlmOutcome } from '../../src/llm/index.js';
import { tempDir } from '../helpers/cli.js';
import { startLlmServer, type Fault, type LlmServer } from '../helpers/llm-server.js';

const FAULTS: Record<string, Fault[]> = {
  'q-429': [{ kind: 'status', status: 429, retryAfterMs: '120' }],
  'q-500': [{ kind: 'status', status: 500 }],
  'q-503': [{ kind: 'status', status: 503, retryAfter: '0' }],
  'q-stall': [{ kind: 'stall', ms: 5000 }],
  'q-trunc': [{ kind: 'truncated' }],
  'q-reset': [{ kind: 'reset' }],
  'q-empty': [{ kind: 'empty' }],
  'q-400': [{ kind: 'status', status: 400 }, { kind: 'status', status: 400 }],
  'q-refuse': [{ kind: 'refusal' }],
  'q-always-500': Array.from({ length: 10 }, () => ({ kind: 'status', status: 500 }) as Fault),
};

describe('openai-compatible provider against the fault-injecting server', () => {
  let server: LlmServer;
  let pool: LlmPool;
  before(async () => {
    server = await startLlmServer({ answer: (_, key) => `echo ${key}`, script: (key, attempt) => FAULTS[key]?.[attempt - 1] ?? { kind: 'ok' } });
    pool = new LlmPool({ providers: { local: { type: 'openai', baseUrl: server.url, timeoutMs: 800, maxRetries: 2, backoffMs: 1, concurrency: 16 } } });
  });
  after(() => server.close());
  const ask = (key: string, params = {}): Promise<LlmOutcome> => pool.client('local').generate({ model: 'tiny', messages: [{ role: 'user', content: key }], params });

  it('answers, and retries each transient fault once', async () => {
    const t0 = performance.now();
    const keys = ['q-ok', 'q-429', 'q-500', 'q-503', 'q-stall', 'q-trunc', 'q-reset'];
    const outs = await Promise.all(keys.map((k) => ask(k)));
    outs.forEach((o, i) => {
      assert.equal(o.status, 'ok', `${keys[i]}: ${JSON.stringify(o)}`);
      if (o.status === 'ok') assert.equal(o.generation.text, `echo ${keys[i]}`);
    });
    assert.deepEqual(outs.map((o) => o.attempts), [1, 2, 2, 2, 2, 2, 2]);
    for (const k of keys) assert.equal(server.counts.get(k), k === 'q-ok' ? 1 : 2, k);
    assert.ok(performance.now() - t0 >= 120, 'the 429 waited its retry-after-ms');
  });

  it('classifies what it does not retry: empty choices, 400, refusals, and a 500 that never ends', async () => {
    const empty = await ask('q-empty');
    assert.equal(empty.status, 'error');
    if (empty.status === 'error') assert.deepEqual([empty.error.kind, empty.error.message], ['bad_response', 'the response has no choices']);
    const bad = await ask('q-400');
    assert.equal(bad.status, 'error');
    if (bad.status === 'error') assert.deepEqual([bad.error.kind, bad.error.status], ['client', 400]);
    assert.equal(server.counts.get('q-400'), 1);
    const refused = await ask('q-refuse');
    assert.equal(refused.status, 'refused');
    const down = await ask('q-always-500');
    assert.equal(down.status, 'error');
    if (down.status === 'error') assert.match(down.error.message, /HTTP 500.*gave up after 3 attempts/);
    assert.equal(server.counts.get('q-always-500'), 3);
  });

  it('returns log-probabilities when asked', async () => {
    const out = await ask('q-logprobs', { logprobs: true, topLogprobs: 1 });
    assert.equal(out.status, 'ok');
    if (out.status === 'ok') {
      assert.equal(out.generation.logprobs?.length, 8);
      assert.equal(out.generation.logprobs?.[0]?.token, 'e');
      assert.equal(out.generation.logprobs?.[0]?.top?.[0]?.logprob, -0.1);
    }
  });

  it('reads OPENAI_BASE_URL and OPENAI_API_KEY; without either it is a config error', async () => {
    const saved = { url: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY };
    try {
      process.env.OPENAI_BASE_URL = server.url;
      delete process.env.OPENAI_API_KEY;
      const out = await new LlmPool().client('openai').generate({ model: 'tiny', messages: [{ role: 'user', content: 'q-env' }] });
      assert.equal(out.status === 'ok' && out.generation.text, 'echo q-env');
      delete process.env.OPENAI_BASE_URL;
      assert.throws(() => new LlmPool().client('openai'), /provider "openai" \(openai\): no API key \(\$OPENAI_API_KEY is unset\) and no base URL\. Hint: set OPENAI_API_KEY/);
    } finally {
      if (saved.url === undefined) delete process.env.OPENAI_BASE_URL; else process.env.OPENAI_BASE_URL = saved.url;
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key;
    }
  });
});

describe('anthropic provider against a loopback Messages endpoint', () => {
  it('sends system apart, reads text blocks, stop reasons and usage; retries a 529', async () => {
    let calls = 0;
    const bodies: { system?: string; messages: unknown[]; max_tokens: number }[] = [];
    const srv = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        calls++;
        if (calls === 1) {
          res.writeHead(529, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
          return;
        }
        bodies.push(JSON.parse(raw) as (typeof bodies)[number]);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-test', stop_reason: 'end_turn', stop_sequence: null,
          content: [{ type: 'text', text: 'The answer is <answer>4</answer>' }], usage: { input_tokens: 12, output_tokens: 7 },
        }));
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      const pool = new LlmPool({ providers: { claude: { type: 'anthropic', baseUrl: url, apiKey: 'test', backoffMs: 1 } } });
      const out = await pool.client('claude').generate({ model: 'claude-test', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '2+2?' }], params: { maxTokens: 64 } });
      assert.equal(out.status, 'ok');
      if (out.status === 'ok') assert.deepEqual(out.generation, { text: 'The answer is <answer>4</answer>', finishReason: 'stop', usage: { inputTokens: 12, outputTokens: 7 } });
      assert.equal(calls, 2);
      assert.equal(bodies[0]!.system, 'Be brief.');
      assert.deepEqual(bodies[0]!.messages, [{ role: 'user', content: '2+2?' }]);
      assert.equal(bodies[0]!.max_tokens, 64);
      const lp = await pool.client('claude').generate({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }], params: { logprobs: true } });
      assert.equal(lp.status, 'error');
      if (lp.status === 'error') assert.match(lp.error.message, /offers no token log-probabilities; providers that do: openai/);
    } finally {
      srv.close();
    }
  });
});

describe('replay and scripted providers', () => {
  it('replays by messages, by prompt, and from an exported item; a missing recording is a not_found error', async () => {
    const file = join(tempDir(), 'rec.jsonl');
    writeFileSync(file, [
      JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'a' }], response: 'A1' }),
      JSON.stringify({ prompt: 'b', response: 'B' }),
      JSON.stringify({ run: 'r', item_id: 'c', status: 'ok', stages: { prompt: { messages: [{ role: 'user', content: 'c' }] }, response: { status: 'ok', text: 'C' } } }),
    ].join('\n'));
    const pool = new LlmPool({ providers: { rec: { type: 'replay', file } } });
    const ask = async (content: string) => {
      const o = await pool.client('rec').generate({ model: 'x', messages: [{ role: 'user', content }] });
      return o.status === 'ok' ? o.generation.text : `${o.status}:${o.status === 'error' ? o.error.kind : ''}`;
    };
    assert.deepEqual([await ask('a'), await ask('b'), await ask('c'), await ask('d')], ['A1', 'B', 'C', 'error:not_found']);
    writeFileSync(file, '{"prompt": "x", "response": "y"}\nnot json\n');
    assert.throws(() => new LlmPool({ providers: { rec: { type: 'replay', file } } }).client('rec'), /\(replay\): .*rec\.jsonl line 2 is not JSON .*Hint: write one JSON object per line/);
  });

  it('scripted rules answer from regular expressions with groups, else the default, else not_found', async () => {
    assert.equal(fillReply('<answer>$1</answer> $<n> $$', /(\d+)\+(?<n>\d+)/.exec('2+3')!), '<answer>2</answer> 3 $');
    const pool = new LlmPool({ providers: {
      s: { type: 'scripted', rules: [{ match: 'What is (\\d+) \\+ (\\d+)', reply: 'sum of $1 and $2' }, { match: 'HELLO', flags: 'i', reply: 'hi' }], default: 'no idea' },
      strict: { type: 'scripted', rules: [] },
      broken: { type: 'scripted', rules: [{ match: '(', reply: 'x' }] },
    } });
    const text = async (name: string, content: string) => {
      const o = await pool.client(name).generate({ model: 'm', messages: [{ role: 'user', content }] });
      return o.status === 'ok' ? o.generation.text : o.status === 'error' ? o.error.kind : o.status;
    };
    assert.equal(await text('s', 'What is 2 + 3?'), 'sum of 2 and 3');
    assert.equal(await text('s', 'hello'), 'hi');
    assert.equal(await text('s', 'other'), 'no idea');
    assert.equal(await text('strict', 'other'), 'not_found');
    assert.throws(() => pool.client('broken'), /providers?.*broken.*rules\[0\]\.match is not a valid regular expression/);
  });

  it('names unknown providers, types and options with a hint', () => {
    const pool = new LlmPool({ providers: { local: { type: 'openai', baseUrl: 'http://127.0.0.1:1/v1' }, typo: { type: 'opena' }, odd: { type: 'openai', baseUrl: 'http://x/v1', concurrency: 0 }, extra: { type: 'scripted', colour: 1 } } });
    assert.throws(() => pool.client('locl'), /no provider named "locl" .*Hint: did you mean "local"\?/);
    assert.throws(() => pool.client('typo'), /providers\.typo: unknown provider type "opena" .*Hint: did you mean "openai"\?/);
    assert.throws(() => pool.client('odd'), /providers\.odd: concurrency: /);
    assert.throws(() => pool.client('extra'), /unknown key "colour"/);
  });
});
