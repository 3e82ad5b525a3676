// The in-process `fathom` provider: a checkpoint trained by the real trainer answers chat and
// completion requests exactly as fathom's generator does on the same prompt and seed (with
// log-probabilities), an eval runs end to end on it, and a bad checkpoint path is one clear error.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { evalConfigSchema, startEval } from '../../src/eval/index.js';
import { LlmPool } from '../../src/llm/index.js';
import { generate } from '../../src/models/generate/index.js';
import { loadLanguageModel, renderChat } from '../../src/serve/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';
import { tinyCheckpoint } from '../serve/tiny-checkpoint.js';

describe('fathom provider', () => {
  let checkpoint = '';
  before(async () => {
    checkpoint = await tinyCheckpoint('gpt2', 256);
  });

  it('answers chat through the checkpoint template, as the generator does, with logprobs', async () => {
    const pool = new LlmPool({});
    const messages = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Call me' }];
    const out = await pool.client('fathom').generate({ model: checkpoint, messages, params: { maxTokens: 12, temperature: 0.8, seed: 7, logprobs: true, topLogprobs: 3 } });
    assert.equal(out.status, 'ok', JSON.stringify(out));
    if (out.status !== 'ok') return;
    const lm = loadLanguageModel(checkpoint);
    const prompt = lm.tokenizer!.encode(renderChat(lm.chatTemplate, messages));
    const [expected] = generate(lm.model, [prompt], { maxTokens: 12, temperature: 0.8, seed: 7, topP: 1, logprobs: 3, decode: (ids) => lm.tokenizer!.decode(ids) });
    assert.equal(out.generation.text, expected!.text);
    assert.equal(out.generation.usage.inputTokens, prompt.length);
    assert.equal(out.generation.logprobs!.length, expected!.tokens.length);
    assert.ok(out.generation.logprobs!.every((l) => l.logprob <= 0 && l.top!.length === 3));
  });

  it('runs a free-form eval end to end, and a missing checkpoint stops it with one error', async () => {
    const dir = tempDir();
    const data = join(dir, 'items.jsonl');
    writeFileSync(data, ['a', 'b', 'c'].map((id) => JSON.stringify({ id, question: `Say ${id}`, reference: id })).join('\n'));
    const store = new Store(dir);
    try {
      const config = evalConfigSchema.parse({ dataset: { path: data }, scorer: 'contains', candidate: { model: `fathom:${checkpoint}`, maxTokens: 8 } });
      const outcome = await startEval(store, config);
      const items = store.items(outcome.runId);
      assert.equal(items.length, 3);
      assert.ok(items.every((i) => i.status !== 'error'), JSON.stringify(items.map((i) => i.status)));
      const missing = evalConfigSchema.parse({ dataset: { path: data }, scorer: 'contains', candidate: { model: `fathom:${join(dir, 'nowhere')}` } });
      await assert.rejects(startEval(store, missing), /nowhere/);
    } finally {
      store.close();
    }
  });
});
