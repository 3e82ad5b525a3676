// Weight init: the default `normal` scheme (N(0, 0.02²), residual output projections
// 0.02/√(2·layers)) and the `scaled-truncated-normal` option (N(0, σ²) cut at ±3σ,
// σ = √(2/(5·dim)), residual projections σ/√(2·layers)), checked on every weight matrix of both
// layouts: the sample std against the scheme's (within 6 standard errors), the ±3σ cut, biases 0
// and norm scales 1; and a seeded init whose parameters hash to the value this seed has always
// given (checkpoints and `--resume` rely on it).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { Transformer, resolveConfig } from '../../src/models/index.js';
import type { TransformerConfig } from '../../src/models/index.js';
import { weightInit } from '../../src/nn/index.js';

/** Std of N(0, 1) conditioned on [−3, 3]: √(1 − 2·3·φ(3)/(Φ(3) − Φ(−3))). */
const phi3 = Math.exp(-4.5) / Math.sqrt(2 * Math.PI);
const TRUNC3_STD = Math.sqrt(1 - (6 * phi3) / 0.9973002039367398);

const RESIDUAL = /(attn\.proj|mlp\.proj|mlp\.down)\.weight$/;

function stats(data: ArrayLike<number>): { std: number; maxAbs: number } {
  let s = 0, s2 = 0, maxAbs = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    s += v;
    s2 += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = s / data.length;
  return { std: Math.sqrt(s2 / data.length - mean * mean), maxAbs };
}

for (const arch of ['gpt2', 'llama'] as const) {
  for (const scheme of ['normal', 'scaled-truncated-normal'] as const) {
    test(`${arch}, init '${scheme}': every weight has the scheme's std; biases 0, norm scales 1`, () => {
      const config: TransformerConfig = { arch, vocabSize: 256, contextLength: 64, dim: 192, layers: 3, heads: 6, tieEmbeddings: false, init: scheme, seed: 4 };
      const model = new Transformer(config);
      const init = weightInit(scheme, 192, 3);
      if (scheme === 'normal') assert.deepEqual(init, { std: 0.02, residualStd: 0.02 / Math.sqrt(6), truncated: false });
      else assert.deepEqual(init, { std: Math.sqrt(2 / (5 * 192)), residualStd: Math.sqrt(2 / (5 * 192)) / Math.sqrt(6), truncated: true });
      let matrices = 0;
      for (const [name, p] of model.namedParameters()) {
        if (p.ndim === 1) {
          const want = /ln\w*\.weight$/.test(name) ? 1 : 0;
          assert.ok(p.toArray().every((v) => v === want), `${name} starts at ${want}`);
          continue;
        }
        matrices++;
        const sigma = RESIDUAL.test(name) ? init.residualStd : init.std;
        const { std, maxAbs } = stats(p.data);
        const expected = init.truncated ? sigma * TRUNC3_STD : sigma;
        const tol = 6 / Math.sqrt(2 * p.size); // relative standard error of a sample std, ×6
        assert.ok(Math.abs(std / expected - 1) < tol, `${name}: std ${std} vs ${expected} (±${(tol * 100).toFixed(2)}%)`);
        if (init.truncated) assert.ok(maxAbs <= Math.fround(3 * sigma), `${name}: |w| ${maxAbs} beyond 3σ = ${3 * sigma}`);
        else assert.ok(maxAbs > 3 * sigma, `${name}: an untruncated normal of ${p.size} draws exceeds 3σ somewhere`);
      }
      assert.equal(matrices, arch === 'gpt2' ? 2 + 3 * 4 + 1 : 1 + 3 * 5 + 1, 'every weight matrix was checked');
    });
  }
}

test('the truncated scheme tells apart from the plain normal at the same σ (the test has power)', () => {
  // Pooled over ~0.5M draws the truncated std sits 1.3% under σ, far outside the sampling error.
  const model = new Transformer({ arch: 'gpt2', vocabSize: 256, contextLength: 64, dim: 192, layers: 3, heads: 6, init: 'scaled-truncated-normal' });
  const sigma = Math.sqrt(2 / (5 * 192));
  const pooled = model.namedParameters().filter(([n, p]) => p.ndim === 2 && !RESIDUAL.test(n)).flatMap(([, p]) => Array.from(p.data));
  const { std } = stats(pooled);
  assert.ok(Math.abs(std / (sigma * TRUNC3_STD) - 1) < 0.003, `pooled std ${std} ≈ truncated ${sigma * TRUNC3_STD}`);
  assert.ok(std / sigma < 0.992, `pooled std ${std} is measurably below σ = ${sigma}`);
});

test('a seeded init gives the parameters it always has (both layouts, both schemes)', () => {
  const hash = (config: TransformerConfig): string => {
    const h = createHash('sha256');
    for (const [name, p] of new Transformer(config).namedParameters()) {
      h.update(name);
      h.update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
    }
    return h.digest('hex').slice(0, 16);
  };
  const base = { vocabSize: 50, contextLength: 16, dim: 32, layers: 2, heads: 4, seed: 7 };
  assert.deepEqual({
    gpt2: hash({ ...base, arch: 'gpt2' }),
    llama: hash({ ...base, arch: 'llama', kvHeads: 2 }),
    gpt2Truncated: hash({ ...base, arch: 'gpt2', init: 'scaled-truncated-normal' }),
    llamaTruncated: hash({ ...base, arch: 'llama', init: 'scaled-truncated-normal' }),
  }, { gpt2: '4b0ff86f07821831', llama: 'a16cddf6c21e7b82', gpt2Truncated: '03cd08cbd4995072', llamaTruncated: 'c601891310c7ca4a' });
});

test('config: init and dropout defaults and errors', () => {
  const c = { arch: 'gpt2', vocabSize: 8, contextLength: 8, dim: 8, layers: 1, heads: 2 } as const;
  assert.equal(resolveConfig(c).init, 'normal');
  assert.equal(resolveConfig(c).dropout, 0);
  assert.throws(() => resolveConfig({ ...c, init: 'xavier' as never }), /TransformerConfig: unknown init 'xavier'.*Hint: use 'normal' or 'scaled-truncated-normal'/s);
  assert.throws(() => resolveConfig({ ...c, dropout: 1 }), /TransformerConfig: dropout = 1 is outside \[0, 1\)/);
  assert.throws(() => resolveConfig({ ...c, arch: 'bert' as never }), /TransformerConfig: unknown arch 'bert'.*Hint: use 'gpt2' or 'llama'/s);
});
