// Module bookkeeping (stable dotted names, tied weights once, train/eval, state dicts) and the
// layers against compositions of tensor ops.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CausalSelfAttention, Embedding, LayerNorm, Linear, MLP, Module, RMSNorm, SwiGLU } from '../../src/nn/index.js';
import { Transformer } from '../../src/models/index.js';
import * as F from '../../src/tensor/index.js';
import { Rng, indices, setBackend, tensor } from '../../src/tensor/index.js';

setBackend('reference');
const f64 = { dtype: 'float64' } as const;

test('namedParameters gives stable dotted names in declaration order; tied weights appear once', () => {
  const gpt = new Transformer({ arch: 'gpt2', vocabSize: 11, contextLength: 8, dim: 8, layers: 2, heads: 2 });
  const names = gpt.namedParameters().map(([n]) => n);
  assert.deepEqual(names.slice(0, 8), ['wte.weight', 'wpe.weight', 'blocks.0.ln1.weight', 'blocks.0.ln1.bias', 'blocks.0.attn.qkv.weight', 'blocks.0.attn.qkv.bias', 'blocks.0.attn.proj.weight', 'blocks.0.attn.proj.bias']);
  assert.deepEqual(names.slice(-2), ['lnF.weight', 'lnF.bias']);
  assert.ok(!names.some((n) => n.startsWith('lmHead')), 'the gpt2 head is tied to wte');
  const llama = new Transformer({ arch: 'llama', vocabSize: 11, contextLength: 8, dim: 8, layers: 1, heads: 2, kvHeads: 1 });
  assert.deepEqual(llama.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`), [
    'wte.weight:11x8', 'blocks.0.ln1.weight:8', 'blocks.0.attn.qkv.weight:16x8', 'blocks.0.attn.proj.weight:8x8',
    'blocks.0.ln2.weight:8', 'blocks.0.mlp.gate.weight:32x8', 'blocks.0.mlp.up.weight:32x8', 'blocks.0.mlp.down.weight:8x32',
    'lnF.weight:8', 'lmHead.weight:11x8',
  ]);
});

test('train/eval reach every submodule; zeroGrad keeps gradient storage', () => {
  const m = new Transformer({ arch: 'gpt2', vocabSize: 5, contextLength: 4, dim: 4, layers: 1, heads: 1 });
  m.eval();
  assert.ok(m.namedModules().every(([, x]) => !x.training));
  m.train();
  assert.ok(m.namedModules().every(([, x]) => x.training));
  assert.ok(m.namedModules().some(([n]) => n === 'blocks.0.attn.qkv'));
});

test('loadStateDict checks names and shapes', () => {
  const lin = new Linear(2, 3);
  lin.loadStateDict(new Map([['weight', { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }], ['bias', { shape: [3], data: [0, 0, 1] }]]));
  assert.deepEqual(lin.weight.toArray(), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => lin.loadStateDict(new Map([['weight', { shape: [3, 2], data: [0, 0, 0, 0, 0, 0] }], ['bais', { shape: [3], data: [0, 0, 0] }]])),
    /loadStateDict: 1 unknown name\(s\) \[bais\] and 1 missing \[bias\]. Hint: check the names against namedParameters\(\), or pass \{ strict: false \}/);
  assert.throws(() => lin.loadStateDict(new Map([['weight', { shape: [2, 3], data: [0, 0, 0, 0, 0, 0] }]]), { strict: false }),
    /loadStateDict: 'weight' has shape \[2,3\] but the parameter is \[3,2\]/);
});

test('Linear computes x·Wᵀ + b over any batch dims without materialising Wᵀ', () => {
  const lin = new Linear(3, 2, { dtype: 'float64', rng: new Rng(1) });
  const x = new Rng(2).normal([2, 4, 3], 0, 1, f64);
  const y = lin.forward(x);
  assert.deepEqual(y.shape, [2, 4, 2]);
  const ref = F.add(F.matmul(x, F.transpose(lin.weight)), lin.bias!);
  y.toArray().forEach((v, i) => assert.ok(Math.abs(v - ref.toArray()[i]!) < 1e-12));
  assert.equal(new Linear(3, 2, { bias: false }).bias, null);
});

test('Embedding, LayerNorm and RMSNorm modules wrap their ops', () => {
  const e = new Embedding(5, 3);
  assert.deepEqual(e.forward(indices([[4, 0]])).shape, [1, 2, 3]);
  const x = new Rng(3).normal([2, 4]);
  assert.deepEqual(new LayerNorm(4).forward(x).toArray(), F.layerNorm(x, F.ones([4]), F.zeros([4])).toArray());
  assert.deepEqual(new RMSNorm(4).forward(x).toArray(), F.rmsNorm(x, F.ones([4])).toArray());
  assert.equal(new LayerNorm(4, { bias: false }).bias, null);
});

test('MLP and SwiGLU compute their formulas', () => {
  const x = new Rng(4).normal([2, 3, 4], 0, 1, f64);
  const mlp = new MLP(4, 8, { dtype: 'float64', rng: new Rng(5) });
  const ref = mlp.proj.forward(F.gelu(mlp.fc.forward(x), 'tanh'));
  assert.deepEqual(mlp.forward(x).toArray(), ref.toArray());
  const sw = new SwiGLU(4, 6, { dtype: 'float64', rng: new Rng(6) });
  assert.equal(sw.gate.bias, null);
  const ref2 = sw.down.forward(F.mul(F.mul(sw.gate.forward(x), F.sigmoid(sw.gate.forward(x))), sw.up.forward(x)));
  sw.forward(x).toArray().forEach((v, i) => assert.ok(Math.abs(v - ref2.toArray()[i]!) < 1e-12));
});

test('CausalSelfAttention: the KV cache reproduces the full pass, also with grouped-query heads', () => {
  for (const kvHeads of [2, 1]) {
    const attn = new CausalSelfAttention(8, 2, { kvHeads, dtype: 'float64', rng: new Rng(7) });
    const x = new Rng(8).normal([1, 5, 8], 0, 1, f64);
    const full = attn.forward(x);
    const cache = { k: null, v: null };
    const first = attn.forward(F.slice(x, 1, 0, 3), { cache });
    const rest = attn.forward(F.slice(x, 1, 3), { cache });
    const both = F.concat([first, rest], 1);
    both.toArray().forEach((v, i) => assert.ok(Math.abs(v - full.toArray()[i]!) < 1e-12, `kvHeads ${kvHeads} [${i}]`));
  }
  assert.throws(() => new CausalSelfAttention(10, 3), /dim 10 is not divisible by 3 heads/);
  assert.throws(() => new CausalSelfAttention(8, 4, { kvHeads: 3 }), /4 heads don't group into 3 key\/value heads/);
});

test('a custom Module finds parameters in nested arrays of modules', () => {
  class Stack extends Module {
    readonly layers = [new Linear(2, 2), new Linear(2, 2, { bias: false })];
    readonly scale = tensor([1]); // a plain tensor is not a parameter
  }
  assert.deepEqual(new Stack().namedParameters().map(([n]) => n), ['layers.0.weight', 'layers.0.bias', 'layers.1.weight']);
});
