// Generation: KV-cache decoding gives the same distributions as re-running the whole sequence at
// every step (gpt2, llama with grouped-query attention); greedy decoding of the HF Llama fixture
// reproduces PyTorch's tokens; sampling processors on hand-computed cases; seeded, batch-
// independent sampling; stop strings and streaming deltas; error messages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { byteTokenizer } from '../../src/data/index.js';
import { fromHfConfig, fromHfLlamaTensors, SafetensorsReader } from '../../src/io/index.js';
import { chooseToken, DecodeSession, generate, logSoftmax, resolveSampling, StopText } from '../../src/models/generate/index.js';
import type { TokenEvent } from '../../src/models/generate/index.js';
import { Transformer } from '../../src/models/index.js';
import { indices, noGrad, Rng } from '../../src/tensor/index.js';

const tiny = (arch: 'gpt2' | 'llama', dtype: 'float32' | 'float64' = 'float64', vocabSize = 11): Transformer =>
  new Transformer({ arch, vocabSize, contextLength: 24, dim: 16, layers: 2, heads: 4, kvHeads: arch === 'llama' ? 2 : 4, dtype, seed: 7 }).eval();

for (const arch of ['gpt2', 'llama'] as const) {
  test(`${arch}: every cached decoding step has the distribution of a full re-forward`, () => {
    const model = tiny(arch);
    const prompts = [Int32Array.from([1, 2, 3]), Int32Array.from([4, 0, 9])];
    const [a, b] = generate(model, prompts, { maxTokens: 10, temperature: 1.5, seed: 3, logprobs: 11 });
    for (const g of [a!, b!]) {
      assert.equal(g.tokens.length, 10);
      const seq = [...g.prompt, ...g.tokens];
      noGrad(() => {
        const logits = model.forward(indices([seq])).logits.data; // [1, T, V]
        g.logprobs!.forEach((step, t) => {
          const pos = g.prompt.length - 1 + t;
          const ref = logSoftmax(logits.subarray(pos * 11, pos * 11 + 11));
          assert.equal(step.top.length, 11);
          for (const { token, logprob } of step.top) assert.ok(Math.abs(logprob - ref[token]!) < 1e-9, `${arch} step ${t} token ${token}`);
          assert.ok(Math.abs(step.logprob - ref[step.token]!) < 1e-9);
        });
      });
    }
  });
}

test('greedy decoding of the HF Llama fixture reproduces the PyTorch reference tokens', () => {
  const dir = new URL('../fixtures/hf-llama/', import.meta.url).pathname;
  const config = fromHfConfig(JSON.parse(readFileSync(`${dir}config.json`, 'utf8')));
  const reader = SafetensorsReader.open(`${dir}model.safetensors`);
  const model = new Transformer(config);
  model.loadStateDict(fromHfLlamaTensors(config, (n) => reader.read(n)));
  reader.close();
  const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as { cases: Array<{ ids: number[]; greedy: number[] }> };
  const out = generate(model, expected.cases.map((c) => Int32Array.from(c.ids)), { maxTokens: 8, temperature: 0 });
  out.forEach((g, i) => assert.deepEqual(g.tokens, expected.cases[i]!.greedy, `prompt ${i}`));
});

test('sampling processors on hand-computed cases', () => {
  const rng = new Rng(1);
  // Repetition penalty 2 on seen ids 0 and 1: [2, -1, 1.5] → [1, -2, 1.5], so greedy picks id 2.
  assert.equal(chooseToken([2, -1, 1.5], [0, 1], resolveSampling({ temperature: 0, repetitionPenalty: 2 }), rng), 2);
  assert.equal(chooseToken([2, -1, 1.5], [], resolveSampling({ temperature: 0 }), rng), 0);
  // Probabilities 0.5, 0.3, 0.2 (logits = log p): top-p 0.6 keeps {0, 1}; top-k 1 is greedy.
  const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
  const counts = [0, 0, 0];
  const n = 20000;
  for (let i = 0; i < n; i++) counts[chooseToken(logits, [], resolveSampling({ topP: 0.6 }), rng)]!++;
  assert.equal(counts[2], 0);
  assert.ok(Math.abs(counts[0]! / n - 0.625) < 0.015, `top-p share ${counts[0]! / n}`);
  const plain = [0, 0, 0];
  for (let i = 0; i < n; i++) plain[chooseToken(logits, [], resolveSampling({}), rng)]!++;
  [0.5, 0.3, 0.2].forEach((p, i) => assert.ok(Math.abs(plain[i]! / n - p) < 0.015, `share of ${i}: ${plain[i]! / n}`));
  // Temperature 0.5 squares the odds: 0.25 : 0.09 : 0.04 → 0.658, 0.237, 0.105.
  const hot = [0, 0, 0];
  for (let i = 0; i < n; i++) hot[chooseToken(logits, [], resolveSampling({ temperature: 0.5, topK: 2 }), rng)]!++;
  assert.equal(hot[2], 0);
  assert.ok(Math.abs(hot[0]! / n - 0.25 / 0.34) < 0.015, `t=0.5 top-2 share ${hot[0]! / n}`);
  for (let i = 0; i < 50; i++) assert.equal(chooseToken(logits, [], resolveSampling({ topK: 1 }), rng), 0);
});

test('seeded sampling is reproducible and independent of batching', () => {
  const model = tiny('llama', 'float32');
  const p = Int32Array.from([3, 1, 4]);
  const q = Int32Array.from([1, 5, 9]);
  const opts = { maxTokens: 12, temperature: 1, topK: 8, topP: 0.95, repetitionPenalty: 1.1, seed: 42 };
  const once = generate(model, [p], opts)[0]!.tokens;
  assert.deepEqual(generate(model, [p], opts)[0]!.tokens, once);
  assert.notDeepEqual(generate(model, [p], { ...opts, seed: 43 })[0]!.tokens, once);
  // As the first of a batch with another prompt of the same length (one [2, T] forward), the
  // same seed gives the same tokens; the second draws from the stream of index 1.
  const batch = generate(model, [p, q], opts);
  assert.deepEqual(batch[0]!.tokens, once);
  const alone = new DecodeSession(model, [q], opts, [1]);
  while (alone.step()) { /* decode */ }
  assert.deepEqual(alone.results()[0]!.tokens, batch[1]!.tokens);
  // Mixed lengths come back in prompt order.
  const mixed = generate(model, [Int32Array.from([2]), p, Int32Array.from([5, 5])], { ...opts, temperature: 0 });
  assert.deepEqual(mixed.map((g) => [...g.prompt]), [[2], [3, 1, 4], [5, 5]]);
});

test('stop strings cut the text; streaming deltas never show a stop string or a split character', () => {
  const tok = byteTokenizer();
  const st = new StopText((ids) => tok.decode(ids), ['END']);
  const ids = [...tok.encode('héllo E')];
  const deltas: string[] = [];
  for (let i = 1; i <= ids.length; i++) deltas.push(st.push(ids.slice(0, i)).text);
  // 'é' is two bytes: nothing is emitted between them; the trailing 'E' is held (it may begin END).
  assert.deepEqual(deltas, ['h', '', 'é', 'l', 'l', 'o', ' ', '']);
  const more = [...ids, ...tok.encode('NDxyz')];
  assert.deepEqual(st.push(more.slice(0, ids.length + 2)), { text: '', stopped: true });
  assert.equal(st.text, 'héllo ');
  assert.deepEqual(st.tokensKept(more.slice(0, ids.length + 2)), ids.slice(0, -1));

  // Through generate: the stopped text is the unstopped text cut before the stop string.
  const model = tiny('gpt2', 'float32', 256);
  const prompt = tok.encode('ab');
  const free = generate(model, [prompt], { maxTokens: 20, temperature: 1, seed: 5, decode: (x) => tok.decode(x) })[0]!;
  const stop = free.text.slice(3, 5);
  const events: TokenEvent[] = [];
  const cut = generate(model, [prompt], { maxTokens: 20, temperature: 1, seed: 5, stop: [stop], decode: (x) => tok.decode(x), onToken: (e) => events.push(e) })[0]!;
  assert.equal(cut.finishReason, 'stop');
  assert.equal(cut.text, free.text.slice(0, free.text.indexOf(stop)));
  assert.equal(events.map((e) => e.text).join(''), cut.text);
  assert.equal(free.finishReason, 'length');
  assert.equal(free.tokens.length, 20);
  // A stop token ends the sequence and is not returned.
  const stopTok = free.tokens[4]!;
  const first = free.tokens.indexOf(stopTok);
  const byToken = generate(model, [prompt], { maxTokens: 20, temperature: 1, seed: 5, stopTokens: [stopTok] })[0]!;
  assert.deepEqual(byToken.tokens, free.tokens.slice(0, first));
  assert.equal(byToken.finishReason, 'stop');
});

test('generation stops at the context length, and bad inputs name what is wrong', () => {
  const model = tiny('llama');
  const g = generate(model, [Int32Array.from({ length: 20 }, () => 1)], { maxTokens: 50, temperature: 0 })[0]!;
  assert.equal(g.tokens.length, 4);
  assert.equal(g.finishReason, 'length');
  assert.throws(() => generate(model, [Int32Array.from({ length: 24 }, () => 1)]), /the prompt has 24 tokens but the model's context is 24/);
  assert.throws(() => generate(model, [Int32Array.from([1, 11])]), /token id 11 is outside the vocabulary \(0\.\.10\)/);
  assert.throws(() => generate(model, [new Int32Array(0)]), /a prompt is empty/);
  assert.throws(() => generate(model, [Int32Array.from([1])], { temperature: -1 }), /temperature -1 is not a finite number ≥ 0/);
  assert.throws(() => generate(model, [Int32Array.from([1])], { topP: 0 }), /topP 0 is not in \(0, 1\]/);
  assert.throws(() => generate(model, [Int32Array.from([1])], { maxTokens: -2 }), /maxTokens -2 is not a whole number ≥ 0/);
  assert.throws(() => generate(model, [Int32Array.from([1])], { stop: ['x'] }), /stop strings need a decode function/);
});
