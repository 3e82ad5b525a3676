// The transformer model: incremental decoding with the KV cache equals the full pass (gpt2 and
// llama with grouped-query attention), the loss path (weights, ignore index), seeded init,
// training reduces the loss, and config/context errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Transformer, countParameters, resolveConfig } from '../../src/models/index.js';
import { AdamW } from '../../src/optim/index.js';
import * as F from '../../src/tensor/index.js';
import { indices, noGrad, setBackend, tensor } from '../../src/tensor/index.js';

setBackend('reference');

const ids = indices([[1, 5, 2, 7, 3, 3], [0, 4, 4, 1, 6, 2]]);

for (const arch of ['gpt2', 'llama'] as const) {
  test(`${arch}: decoding with the KV cache reproduces the full forward pass`, () => {
    const model = new Transformer({ arch, vocabSize: 8, contextLength: 8, dim: 16, layers: 2, heads: 4, kvHeads: arch === 'llama' ? 2 : 4, dtype: 'float64', seed: 3 });
    model.eval();
    noGrad(() => {
      const full = model.forward(ids).logits; // [2, 6, 8]
      const cache = model.createCache();
      const parts = [model.forward(new F.IndexTensor(ids.data.slice(0, 0), [2, 0]), { cache }).logits];
      const cols = (a: number, b: number) => indices(Array.from({ length: 2 }, (_, r) => Array.from({ length: b - a }, (_, c) => ids.data[r * 6 + a + c]!)));
      parts.push(model.forward(cols(0, 4), { cache }).logits);
      parts.push(model.forward(cols(4, 5), { cache }).logits);
      parts.push(model.forward(cols(5, 6), { cache }).logits);
      assert.equal(cache.length, 6);
      const inc = F.concat(parts, 1);
      inc.toArray().forEach((v, i) => assert.ok(Math.abs(v - full.toArray()[i]!) < 1e-10, `${arch} logit ${i}`));
      assert.throws(() => model.forward(cols(0, 3), { cache }), /9 positions exceed the context length 8/);
    });
  });

  test(`${arch}: a few AdamW steps on one batch reduce the loss; init is seeded`, () => {
    const cfg = { arch, vocabSize: 8, contextLength: 8, dim: 16, layers: 1, heads: 2, seed: 5 };
    const a = new Transformer(cfg), b = new Transformer(cfg);
    assert.deepEqual(a.parameters()[0]!.toArray(), b.parameters()[0]!.toArray());
    const targets = indices([[5, 2, 7, 3, 3, 1], [4, 4, 1, 6, 2, 0]]);
    const opt = new AdamW(a.namedParameters(), { lr: 1e-2 });
    const first = a.forward(ids, { targets }).loss!.item();
    let last = first;
    for (let i = 0; i < 15; i++) {
      opt.zeroGrad();
      const { loss } = a.forward(ids, { targets });
      loss!.backward();
      opt.step();
      last = loss!.item();
    }
    assert.ok(Math.abs(first - Math.log(8)) < 0.2, `initial loss ${first} ≈ ln 8`);
    assert.ok(last < first - 0.5, `loss ${first} → ${last}`);
  });
}

test('loss weights and ignore index select positions like a masked mean', () => {
  const model = new Transformer({ arch: 'gpt2', vocabSize: 8, contextLength: 8, dim: 8, layers: 1, heads: 2, dtype: 'float64' });
  const targets = indices([[5, 2, 7, 3, 3, 1], [4, 4, 1, 6, 2, 0]]);
  const w = tensor([[1, 0, 1, 1, 0, 1], [0, 1, 1, 1, 1, 1]], { dtype: 'float64' });
  const { logits, loss } = model.forward(ids, { targets, lossWeights: w });
  const per = F.crossEntropy(F.reshape(logits, [12, 8]), targets.reshape([12]), { reduction: 'none' });
  const expected = F.sum(F.mul(per, F.reshape(w, [12]))).item() / 9;
  assert.ok(Math.abs(loss!.item() - expected) < 1e-12);
  const masked = indices(targets.toArray().map((t, i) => (w.data[i] === 0 ? -100 : t)), [2, 6]);
  assert.ok(Math.abs(model.forward(ids, { targets: masked }).loss!.item() - expected) < 1e-12);
});

test('config defaults and validation', () => {
  const c = resolveConfig({ arch: 'llama', vocabSize: 32, contextLength: 16, dim: 48, layers: 2, heads: 4 });
  assert.equal(c.mlpHidden, 128); // 8/3·48 = 128
  assert.equal(c.tieEmbeddings, false);
  assert.equal(resolveConfig({ arch: 'gpt2', vocabSize: 32, contextLength: 16, dim: 48, layers: 2, heads: 4 }).mlpHidden, 192);
  assert.throws(() => resolveConfig({ arch: 'gpt2', vocabSize: 0, contextLength: 16, dim: 48, layers: 2, heads: 4 }), /vocabSize = 0 is not a positive integer/);
  const m = new Transformer({ arch: 'gpt2', vocabSize: 8, contextLength: 4, dim: 8, layers: 1, heads: 2 });
  assert.equal(countParameters(m), m.numParameters() - 4 * 8);
  assert.throws(() => m.forward(indices([1, 2])), /ids have shape \[2\], expected \[B, T\]/);
});

test('two runs with the same seeds give bit-identical losses (dropout on)', () => {
  const run = (): number[] => {
    const model = new Transformer({ arch: 'llama', vocabSize: 8, contextLength: 8, dim: 16, layers: 1, heads: 2, dropout: 0.1, seed: 9 });
    const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
    const targets = indices([[5, 2, 7, 3, 3, 1], [4, 4, 1, 6, 2, 0]]);
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      opt.zeroGrad();
      const { loss } = model.forward(ids, { targets });
      loss!.backward();
      opt.step();
      losses.push(loss!.item());
    }
    return losses;
  };
  const a = run();
  assert.deepEqual(run(), a);
  assert.equal(new Set(a).size, a.length, 'the losses move');
});
