// The OpenAI-compatible server on loopback, queried with the official `openai` client: models,
// completions and chat (plain, streaming, logprobs, n, stop, seed) equal in-process generation
// with the same seed; 400s for bad requests, 503 + Retry-After when the queue is full; 200
// concurrent streams each match a single-request run; graceful shutdown finishes open streams.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { generate } from '../../src/models/generate/index.js';
import { Transformer } from '../../src/models/index.js';
import { DEFAULT_CHAT_TEMPLATE, loadLanguageModel, renderChat, serve } from '../../src/serve/index.js';
import type { FathomServer, LanguageModel } from '../../src/serve/index.js';
import { tinyCheckpoint } from './tiny-checkpoint.js';

let lm: LanguageModel;
let server: FathomServer;
let client: OpenAI;

before(async () => {
  lm = loadLanguageModel(await tinyCheckpoint(), { name: 'tiny' });
  server = await serve([lm], { port: 0, maxQueue: 256, maxActive: 16 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
after(async () => {
  await server.close();
});

const tok = () => lm.tokenizer!;
const local = (prompt: string, o: Parameters<typeof generate>[2]) =>
  generate(lm.model, [tok().encode(prompt)], { decode: (ids) => tok().decode(ids), ...o })[0]!;

test('models list and a seeded completion equal in-process generation', async () => {
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ['tiny']);
  const r = await client.completions.create({ model: 'tiny', prompt: 'Call me', max_tokens: 12, temperature: 0.9, top_p: 0.95, seed: 7, logprobs: 3 });
  const ref = local('Call me', { maxTokens: 12, temperature: 0.9, topP: 0.95, seed: 7, logprobs: 3 });
  const c = r.choices[0]!;
  assert.equal(c.text, ref.text);
  assert.equal(c.finish_reason, 'length');
  assert.equal(r.usage!.completion_tokens, 12);
  assert.equal(r.usage!.prompt_tokens, 7);
  assert.deepEqual(c.logprobs!.token_logprobs, ref.logprobs!.map((l) => l.logprob));
  assert.equal(Object.keys(c.logprobs!.top_logprobs![0]!).length, 3);
  // Offsets count from the start of the prompt ('Call me' is 7 characters; byte tokens are 1 each).
  assert.deepEqual(c.logprobs!.text_offset!.slice(0, 3), [7, 8, 9]);
  // n = 2 draws two different sequences (streams 0 and 1 of the seed).
  const two = await client.completions.create({ model: 'tiny', prompt: 'Call me', max_tokens: 12, temperature: 0.9, top_p: 0.95, seed: 7, n: 2 });
  assert.equal(two.choices[0]!.text, ref.text);
  assert.notEqual(two.choices[1]!.text, ref.text);
  // A stop string cuts the text.
  const stop = ref.text.slice(4, 6);
  const cut = await client.completions.create({ model: 'tiny', prompt: 'Call me', max_tokens: 12, temperature: 0.9, top_p: 0.95, seed: 7, stop: [stop] });
  assert.equal(cut.choices[0]!.text, ref.text.slice(0, ref.text.indexOf(stop)));
  assert.equal(cut.choices[0]!.finish_reason, 'stop');
});

test('chat completions use the chat template; streaming and logprobs through the client', async () => {
  const messages = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Who?' }];
  const prompt = renderChat(DEFAULT_CHAT_TEMPLATE, messages);
  assert.equal(prompt, '<|system|>\nBe brief.\n<|user|>\nWho?\n<|assistant|>\n');
  const opts = { maxTokens: 10, temperature: 0.8, seed: 3, stop: DEFAULT_CHAT_TEMPLATE.stop };
  const ref = local(prompt, { ...opts, logprobs: 2 });
  const r = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 10, temperature: 0.8, seed: 3, logprobs: true, top_logprobs: 2 });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices[0]!.message.content, ref.text);
  assert.equal(r.choices[0]!.message.role, 'assistant');
  assert.deepEqual(r.choices[0]!.logprobs!.content!.map((x) => x.logprob), ref.logprobs!.map((l) => l.logprob));
  assert.equal(r.choices[0]!.logprobs!.content![0]!.top_logprobs.length, 2);
  const stream = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 10, temperature: 0.8, seed: 3, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let finish: string | null = null;
  let usage: number | undefined;
  for await (const chunk of stream) {
    for (const ch of chunk.choices) {
      text += ch.delta.content ?? '';
      finish = ch.finish_reason ?? finish;
    }
    if (chunk.usage) usage = chunk.usage.completion_tokens;
  }
  assert.equal(text, ref.text);
  assert.equal(finish, ref.finishReason);
  assert.equal(usage, ref.tokens.length);
  // A streamed completion with logprobs: every token arrives with its log-probability.
  const s2 = await client.completions.create({ model: 'tiny', prompt: 'Some', max_tokens: 8, temperature: 0, stream: true, logprobs: 1 });
  const lps: number[] = [];
  let t2 = '';
  for await (const chunk of s2) {
    t2 += chunk.choices[0]!.text;
    lps.push(...(chunk.choices[0]!.logprobs?.token_logprobs ?? []));
  }
  const greedy = local('Some', { maxTokens: 8, temperature: 0, logprobs: 1 });
  assert.equal(t2, greedy.text);
  assert.deepEqual(lps, greedy.logprobs!.map((l) => l.logprob));
});

test('bad requests are 400s with a message naming the problem', async () => {
  const post = async (path: string, body: string): Promise<{ status: number; message: string }> => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
  };
  const cases: Array<[string, string, RegExp]> = [
    ['/v1/completions', '{"model": "tiny", "prompt": ', /request body is not valid JSON/],
    ['/v1/completions', JSON.stringify({ model: 'nope', prompt: 'x' }), /model 'nope' is not served here \(models: tiny\)/],
    ['/v1/completions', JSON.stringify({ model: 'tiny', prompt: 'x'.repeat(96) }), /the prompt has 96 tokens but model 'tiny' has a context of 96/],
    ['/v1/completions', JSON.stringify({ model: 'tiny', prompt: 'x', max_tokens: -1 }), /'max_tokens': Too small: expected number to be >=0/],
    ['/v1/completions', JSON.stringify({ model: 'tiny', prompt: 'x', best_of: 2 }), /unknown field 'best_of'/],
    ['/v1/completions', JSON.stringify({ model: 'tiny', prompt: 'x', presence_penalty: 0.5 }), /'presence_penalty'/],
    ['/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: [] }), /'messages': Too small/],
    ['/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: [{ role: 'robot', content: 'x' }] }), /'messages\.0\.role'/],
  ];
  for (const [path, body, re] of cases) {
    const r = await post(path, body);
    assert.equal(r.status, 400, `${body}: ${r.message}`);
    assert.match(r.message, re);
  }
  const missing = await fetch(`${server.url}/v2/other`);
  assert.equal(missing.status, 404);
  // Through the client, a 400 is a BadRequestError carrying the message.
  await assert.rejects(client.completions.create({ model: 'tiny', prompt: 'x', max_tokens: -5 }), (err: unknown) => err instanceof OpenAI.BadRequestError && /max_tokens/.test(err.message));
});

test('200 concurrent streaming requests each match their seeded single-request run', async () => {
  const prompts = ['Call me', 'Some years', 'I went', 'never mind'];
  const jobs = Array.from({ length: 200 }, (_, i) => ({ prompt: prompts[i % 4]!, seed: i, temperature: 0.5 + (i % 5) * 0.2, max_tokens: 6 + (i % 7) }));
  const streamed = await Promise.all(jobs.map(async (j) => {
    const s = await client.completions.create({ model: 'tiny', prompt: j.prompt, max_tokens: j.max_tokens, temperature: j.temperature, seed: j.seed, stream: true });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of s) {
      text += chunk.choices[0]?.text ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    return { text, finish };
  }));
  jobs.forEach((j, i) => {
    const ref = local(j.prompt, { maxTokens: j.max_tokens, temperature: j.temperature, seed: j.seed });
    assert.equal(streamed[i]!.text, ref.text, `request ${i}`);
    assert.equal(streamed[i]!.finish, ref.finishReason, `request ${i}`);
  });
});

test('a full queue answers 503 with Retry-After; close() finishes open streams first', async () => {
  // A wider model, so the first request is still decoding when the second arrives.
  const wide: LanguageModel = { ...lm, name: 'wide', model: new Transformer({ arch: 'llama', vocabSize: 256, contextLength: 512, dim: 256, layers: 4, heads: 4, seed: 1 }).eval() };
  const small = await serve([wide], { port: 0, maxQueue: 1, maxActive: 1 });
  const body = JSON.stringify({ model: 'wide', prompt: 'Call', max_tokens: 100, temperature: 1, seed: 1, stream: true });
  // Twelve requests at once against a queue of one: the first is admitted, the others find it full.
  const responses = await Promise.all(Array.from({ length: 12 }, () => fetch(`${small.url}/v1/completions`, { method: 'POST', body })));
  const ok = responses.filter((r) => r.status === 200);
  const busy = responses.filter((r) => r.status === 503);
  assert.ok(ok.length >= 1 && busy.length >= 1 && ok.length + busy.length === 12, responses.map((r) => r.status).join(','));
  assert.equal(busy[0]!.headers.get('retry-after'), '1');
  assert.match(((await busy[0]!.json()) as { error: { message: string } }).error.message, /the server is busy \(1 requests queued, limit 1\)/);
  const first = ok[0]!;
  for (const r of ok.slice(1)) await r.text();
  const closing = small.close();
  const text = await first.text(); // the admitted stream runs to its end
  await closing;
  assert.match(text, /data: \[DONE\]\n\n$/);
  const events = text.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)) as { choices: Array<{ text: string }> });
  assert.equal(events.map((e) => e.choices[0]!.text).join(''), generate(wide.model, [tok().encode('Call')], { decode: (ids) => tok().decode(ids), maxTokens: 100, temperature: 1, seed: 1 })[0]!.text);
  await assert.rejects(fetch(`${small.url}/v1/models`));
});
