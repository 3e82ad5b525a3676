// The train config's model section: the presets have the sizes they advertise (counted by hand:
// per GPT-2 block 12·d² + 13·d, plus the V·d token embedding and the final LayerNorm's 2·d; the
// position table is left out as nanoGPT does), and `model.init` / `model.dropout` reach the model;
// a dropout of 1 or more is a config error that says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { Transformer, countParameters } from '../../src/models/index.js';
import { indices, noGrad } from '../../src/tensor/index.js';
import { MODEL_PRESETS, modelConfig, trainConfigSchema } from '../../src/train/index.js';

const parse = (raw: Record<string, unknown>) => parseConfig(trainConfigSchema, raw, 'config');

const gpt2Count = (layers: number, d: number, vocab: number): number => layers * (12 * d * d + 13 * d) + vocab * d + 2 * d;

test('presets: tiny ≈ 0.5M, small ≈ 5M, base ≈ 25M parameters (byte vocabulary)', () => {
  const counts: Record<string, number> = {};
  for (const preset of ['tiny', 'small', 'base'] as const) {
    const p = MODEL_PRESETS[preset];
    const model = new Transformer(modelConfig(parse({ model: { preset } }), 256));
    counts[preset] = countParameters(model);
    assert.equal(counts[preset], gpt2Count(p.layers, p.dim, 256), `${preset} count`);
    assert.equal(model.config.dim % model.config.heads, 0);
  }
  assert.deepEqual(counts, { tiny: 472_128, small: 4_804_608, base: 25_351_168 });
  assert.equal(parse({}).model.preset, 'tiny', 'tiny is the default');
});

test('model.init reaches the model', () => {
  const c = modelConfig(parse({ model: { preset: 'tiny', init: 'scaled-truncated-normal' } }), 256);
  assert.equal(c.init, 'scaled-truncated-normal');
  const model = new Transformer(c);
  const sigma = Math.sqrt(2 / (5 * 96));
  const max = model.wte.weight.toArray().reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(max <= Math.fround(3 * sigma) && max > 2.5 * sigma, `wte max |w| ${max} within the ±3σ cut (σ = ${sigma})`);
  assert.equal(modelConfig(parse({}), 256).init, 'normal', 'default');
  assert.throws(() => parse({ model: { init: 'xavier' } }), /config: model\.init: .*"normal"\|"scaled-truncated-normal"/);
});

test('model.dropout reaches the model: train-mode passes differ at p > 0, not at p = 0 or in eval mode', () => {
  const ids = indices([[1, 5, 2, 7, 3, 3, 9, 4]]);
  const small = { layers: 1, dim: 16, heads: 2, contextLength: 8 };
  const twoPasses = (dropout: number, training: boolean): [number[], number[]] => {
    const model = new Transformer(modelConfig(parse({ model: { ...small, dropout } }), 16));
    if (!training) model.eval();
    return noGrad(() => [model.forward(ids).logits.toArray(), model.forward(ids).logits.toArray()]);
  };
  assert.equal(modelConfig(parse({ model: small }), 16).dropout, 0, 'default 0');
  const [a, b] = twoPasses(0.3, true);
  assert.notDeepEqual(a, b, 'dropout masks differ between passes');
  const [c, d] = twoPasses(0, true);
  assert.deepEqual(c, d);
  const [e, f] = twoPasses(0.3, false);
  assert.deepEqual(e, f);
  assert.deepEqual(e, c, 'eval mode with dropout = train mode without');
});

test('model.dropout outside [0, 1) is a ConfigError naming the key', () => {
  for (const [p, msg] of [[1, /config: model\.dropout: must be below 1 \(p = 1 would drop every activation\)/], [1.5, /must be below 1/], [-0.1, /config: model\.dropout: must be at least 0/]] as const) {
    assert.throws(() => parse({ model: { dropout: p } }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, msg);
      assert.match(err.message, /Hint: fix the value of "model\.dropout"/);
      return true;
    });
  }
});
