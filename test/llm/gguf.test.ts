// The gguf provider: its error paths for real (a missing model file before anything is imported,
// a missing library through a real failed dynamic import, an eval that stops with one clear
// error instead of N errored items), and a real generation when FATHOM_TEST_GGUF names a .gguf
// file (skipped otherwise: no model file ships with fathom, and none is faked).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { evalConfigSchema, startEval } from '../../src/eval/index.js';
import { LlmPool, checkModelFile, ggufProvider, loadLlamaLibrary } from '../../src/llm/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

const OPTIONS = { contextSize: 512, gpuLayers: 0 as const };

describe('gguf provider', () => {
  it('names a missing model file, without importing node-llama-cpp', async () => {
    let imported = 0;
    const provider = ggufProvider('g', OPTIONS, async () => {
      imported++;
      throw new Error('not reached');
    });
    await assert.rejects(provider.prepare!('/nonexistent/model.gguf'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /provider "g" \(gguf\): model file \/nonexistent\/model\.gguf does not exist/);
      assert.match(err.hint ?? '', /\.gguf file/);
      return true;
    });
    const out = await new LlmPool({ providers: { g: { type: 'gguf', maxRetries: 0 } } }).client('g').generate({ model: '/nonexistent/model.gguf', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(out.status, 'error');
    if (out.status === 'error') assert.match(out.error.message, /does not exist/);
    assert.equal(imported, 0);
    assert.throws(() => checkModelFile('g', tempDir()), /is not a file/);
  });

  it('turns a missing library into an install hint (a real failed dynamic import)', async () => {
    await assert.rejects(loadLlamaLibrary('node-llama-cpp-not-installed'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /the optional package node-llama-cpp-not-installed is not installed/);
      assert.match(err.hint ?? '', /npm install -E node-llama-cpp@3\.21\.1/);
      return true;
    });
  });

  it('an eval with a missing model file stops with that error before any item', async () => {
    const dir = tempDir();
    const data = join(dir, 'items.jsonl');
    writeFileSync(data, JSON.stringify({ id: 'a', question: 'What is 2 + 3?', reference: '5' }));
    const store = new Store(dir);
    try {
      const config = evalConfigSchema.parse({ dataset: { path: data }, scorer: 'exact', candidate: { model: `gguf:${join(dir, 'missing.gguf')}` } });
      await assert.rejects(startEval(store, config), /model file .*missing\.gguf does not exist/);
      const [run] = store.listRuns({ kind: 'eval' });
      assert.equal(run!.status, 'failed');
      assert.equal(store.items(run!.id).length, 0);
    } finally {
      store.close();
    }
  });

  const file = process.env.FATHOM_TEST_GGUF;
  it('generates with the model\'s chat template, honouring max tokens and temperature 0 (FATHOM_TEST_GGUF)', { skip: file ? false : 'set FATHOM_TEST_GGUF=<path to a small instruct .gguf> to run a real generation' }, async () => {
    const client = new LlmPool({ providers: { g: { type: 'gguf', path: file!, contextSize: 1024, timeoutMs: 600_000, maxRetries: 0 } } }).client('g');
    const messages = [{ role: 'system' as const, content: 'Answer with one word.' }, { role: 'user' as const, content: 'What is the capital of France?' }];
    const a = await client.generate({ model: 'm', messages, params: { temperature: 0, maxTokens: 8, seed: 1 } });
    assert.equal(a.status, 'ok', JSON.stringify(a));
    if (a.status !== 'ok') return;
    assert.ok(a.generation.text.length > 0);
    assert.ok(a.generation.usage.outputTokens <= 8, `${a.generation.usage.outputTokens} tokens`);
    const b = await new LlmPool({ providers: { g: { type: 'gguf', path: file!, contextSize: 1024, timeoutMs: 600_000, maxRetries: 0 } } }).client('g').generate({ model: 'm', messages, params: { temperature: 0, maxTokens: 8, seed: 1 } });
    assert.equal(b.status === 'ok' ? b.generation.text : null, a.generation.text, 'greedy decoding is deterministic');
  });
});
