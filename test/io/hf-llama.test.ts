// The Hugging Face Llama layout: a tiny random Llama written by a plain-PyTorch copy of
// transformers' LlamaForCausalLM (scripts/fixtures/make_hf_llama_fixture.py) loads into fathom
// and gives the same logits; fathom's state maps to HF names and back exactly; config errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fromHfConfig, fromHfLlamaTensors, SafetensorsReader, toHfConfig, toHfLlamaTensors } from '../../src/io/index.js';
import { Transformer } from '../../src/models/index.js';
import { indices, noGrad } from '../../src/tensor/index.js';

const dir = new URL('../fixtures/hf-llama/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as { cases: Array<{ ids: number[]; logits: number[][]; greedy: number[] }> };

function loadFixture(): Transformer {
  const config = fromHfConfig(JSON.parse(readFileSync(`${dir}config.json`, 'utf8')));
  const reader = SafetensorsReader.open(`${dir}model.safetensors`);
  try {
    const model = new Transformer(config);
    model.loadStateDict(fromHfLlamaTensors(config, (n) => reader.read(n)));
    return model.eval();
  } finally {
    reader.close();
  }
}

test('HF Llama fixture: fathom logits match the PyTorch reference to 1e-4 relative', () => {
  const model = loadFixture();
  assert.equal(model.config.kvHeads, 2);
  noGrad(() => {
    for (const c of expected.cases) {
      const got = model.forward(indices([c.ids])).logits.toArray(); // [1, T, V]
      const ref = c.logits.flat();
      const scale = Math.max(...ref.map(Math.abs));
      const err = Math.max(...ref.map((v, i) => Math.abs(v - got[i]!)));
      assert.ok(err / scale <= 1e-4, `prompt [${c.ids.join(',')}]: max error ${err} vs scale ${scale}`);
    }
  });
});

test('HF Llama layout: fathom state → HF tensors → fathom state is exact, and config round-trips', () => {
  const model = loadFixture();
  const state = new Map([...model.stateDict()].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }]));
  const hf = new Map(toHfLlamaTensors(model.config, state));
  assert.deepEqual([...hf.keys()].slice(0, 3), ['model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.0.self_attn.k_proj.weight']);
  assert.deepEqual(hf.get('model.layers.1.self_attn.k_proj.weight')!.shape, [16, 32]);
  const reader = SafetensorsReader.open(`${dir}model.safetensors`);
  for (const name of reader.names()) assert.deepEqual([...hf.get(name)!.data], [...reader.read(name).data], name);
  assert.equal(hf.size, reader.names().length);
  reader.close();
  const back = fromHfLlamaTensors(model.config, (n) => hf.get(n)!);
  for (const [k, t] of state) assert.deepEqual([...back.get(k)!.data], [...t.data], k);
  const cfg = fromHfConfig(toHfConfig(model.config));
  for (const k of ['vocabSize', 'contextLength', 'dim', 'layers', 'heads', 'kvHeads', 'mlpHidden', 'normEps', 'ropeBase', 'tieEmbeddings'] as const) assert.equal(cfg[k], model.config[k], k);
  // A tied model has no lm_head.weight.
  const tied = { ...model.config, tieEmbeddings: true };
  const tiedState = new Map([...state].filter(([k]) => k !== 'lmHead.weight'));
  assert.ok(!toHfLlamaTensors(tied, tiedState).some(([n]) => n === 'lm_head.weight'));
});

test('HF config errors name the key and what fathom supports', () => {
  const base = JSON.parse(readFileSync(`${dir}config.json`, 'utf8')) as Record<string, unknown>;
  assert.throws(() => fromHfConfig({ ...base, model_type: 'mistral' }), /model_type 'mistral' is not supported/);
  assert.throws(() => fromHfConfig({ ...base, hidden_size: 0 }), /'hidden_size' is 0, not a positive integer/);
  assert.throws(() => fromHfConfig({ ...base, rope_scaling: { type: 'linear', factor: 2 } }), /rope_scaling .* is not supported/);
  assert.throws(() => fromHfConfig({ ...base, hidden_act: 'gelu' }), /hidden_act 'gelu' is not supported/);
  assert.throws(() => fromHfConfig({ ...base, head_dim: 16 }), /head_dim 16 ≠ hidden_size\/num_attention_heads \(8\)/);
  assert.throws(() => toHfConfig({ arch: 'gpt2', vocabSize: 8, contextLength: 8, dim: 8, layers: 1, heads: 2 }), /a 'gpt2' model has no Llama layout/);
});
