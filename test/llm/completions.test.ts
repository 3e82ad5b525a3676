// The OpenAI-compatible provider's raw completions with echo (as vLLM serves them) against a real
// HTTP server on loopback: the request carries echo and logprobs, the prompt's token
// log-probabilities come back without the generated token, MC-cloze sums the continuation's,
// and a server without echo support is a clear bad_response error.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { continuationLogprob } from '../../src/eval/index.js';
import { LlmPool } from '../../src/llm/index.js';

const PROMPT = 'Question: Q?\nAnswer: Paris';
const TOKENS = ['Question', ':', ' Q', '?', '\n', 'Answer', ':', ' Paris', '.'];
const LOGPROBS = [null, -1, -2, -0.5, -0.1, -0.2, -0.1, -0.7, -3];

async function server(withLogprobs: boolean) {
  const bodies: Record<string, unknown>[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      let offset = 0;
      const text_offset = TOKENS.map((t) => ((offset += t.length), offset - t.length));
      const out = JSON.stringify({
        id: 'cmpl-test', object: 'text_completion', created: 0, model: 'm',
        choices: [{ index: 0, text: `${PROMPT}.`, finish_reason: 'length', logprobs: withLogprobs ? { tokens: TOKENS, token_logprobs: LOGPROBS, top_logprobs: null, text_offset } : null }],
        usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(out);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`, bodies, close: () => new Promise<void>((r) => s.close(() => r())) };
}

describe('openai-compatible completions with echo', () => {
  it('returns the prompt token log-probabilities, and the continuation sums its own', async () => {
    const srv = await server(true);
    try {
      const client = new LlmPool({ providers: { v: { type: 'openai', baseUrl: srv.url, maxRetries: 0 } } }).client('v');
      const out = await client.generate({ model: 'm', messages: [], prompt: PROMPT, params: { temperature: 0, maxTokens: 1, echo: true } });
      assert.equal(out.status, 'ok', JSON.stringify(out));
      if (out.status !== 'ok') return;
      assert.equal(out.generation.text, '.', 'the echoed prompt is cut from the text');
      assert.deepEqual(out.generation.promptLogprobs!.map((t) => t.token), TOKENS.slice(0, 8), 'the generated token is not a prompt token');
      assert.deepEqual(continuationLogprob(out.generation, 'Question: Q?\nAnswer:'.length), { logprob: -0.7, tokens: 1 });
      assert.deepEqual(continuationLogprob(out.generation, 'Question:'.length), { logprob: -2 - 0.5 - 0.1 - 0.2 - 0.1 - 0.7, tokens: 6 });
      const body = srv.bodies[0]!;
      assert.equal(body.prompt, PROMPT);
      assert.equal(body.echo, true);
      assert.equal(body.logprobs, 1);
      assert.equal(body.max_tokens, 1);
    } finally {
      await srv.close();
    }
  });

  it('a server that ignores echo is a bad_response error that says so', async () => {
    const srv = await server(false);
    try {
      const client = new LlmPool({ providers: { v: { type: 'openai', baseUrl: srv.url, maxRetries: 0 } } }).client('v');
      const out = await client.generate({ model: 'm', messages: [], prompt: PROMPT, params: { echo: true } });
      assert.equal(out.status, 'error');
      if (out.status === 'error') {
        assert.equal(out.error.kind, 'bad_response');
        assert.match(out.error.message, /no prompt log-probabilities for echo.*vLLM does/);
      }
    } finally {
      await srv.close();
    }
  });
});
