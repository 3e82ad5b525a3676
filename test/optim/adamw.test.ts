// AdamW over one flat buffer: parameters become views into it, gradients accumulate into a flat
// gradient buffer, decay applies to rank ≥ 2 only; updates match a hand-computed two-step
// example and torch.optim.AdamW (fixture from scripts/fixtures/make_block_fixtures.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Linear, Parameter } from '../../src/nn/index.js';
import { AdamW, FlatParameters } from '../../src/optim/index.js';
import { mul, setBackend, sum, tensor } from '../../src/tensor/index.js';

setBackend('reference');

test('parameters become views of one flat buffer, decayed group first; gradients land in the flat gradient', () => {
  const lin = new Linear(3, 2);
  const flat = new FlatParameters(lin.namedParameters());
  assert.equal(flat.size, 8);
  assert.equal(flat.decayEnd, 6);
  assert.deepEqual(flat.ranges.map((r) => [r.name, r.offset, r.decay]), [['weight', 0, true], ['bias', 6, false]]);
  assert.equal(lin.weight.data.buffer, flat.data.buffer);
  assert.equal(lin.bias!.data.buffer, flat.data.buffer);
  sum(lin.forward(tensor([[1, 2, 3]]))).backward();
  assert.deepEqual(Array.from(flat.grad), [1, 2, 3, 1, 2, 3, 1, 1]);
  sum(lin.forward(tensor([[1, 0, 0]]))).backward();
  assert.deepEqual(Array.from(flat.grad), [2, 2, 3, 2, 2, 3, 2, 2]);
  flat.zeroGrad();
  assert.ok(lin.weight.grad!.toArray().every((v) => v === 0));
  assert.equal(flat.gradNorm(), 0);
});

test('two AdamW steps by hand', () => {
  const w = new Parameter(new Float64Array([1, -2]), [1, 2]); // decayed
  const b = new Parameter(new Float64Array([0.5]), [1]); // not decayed
  const opt = new AdamW([['w', w], ['b', b]], { lr: 0.1, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0.5 });
  const gw = [0.2, -0.4], gb = 0.3;
  const expectW = [1, -2], expectB = [0.5];
  const m = [0, 0, 0], v = [0, 0, 0];
  for (let t = 1; t <= 2; t++) {
    opt.zeroGrad();
    w.grad!.data.set(gw);
    b.grad!.data.set([gb]);
    opt.step();
    // PyTorch's AdamW: p ← p·(1 − lr·wd) − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)
    const g = [...gw, gb];
    for (let i = 0; i < 3; i++) {
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
      v[i] = 0.99 * v[i]! + 0.01 * g[i]! ** 2;
      const upd = (0.1 / (1 - 0.9 ** t)) * m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(1 - 0.99 ** t) + 1e-8);
      if (i < 2) expectW[i] = expectW[i]! * (1 - 0.1 * 0.5) - upd;
      else expectB[0] = expectB[0]! - upd;
    }
  }
  // First step of Adam moves each coordinate by lr·sign(g) (bias correction makes m̂/√v̂ = ±1).
  w.toArray().forEach((x, i) => assert.ok(Math.abs(x - expectW[i]!) < 1e-12, `w[${i}] ${x} vs ${expectW[i]}`));
  assert.ok(Math.abs(b.toArray()[0]! - expectB[0]!) < 1e-12);
  assert.equal(opt.stepCount, 2);
  assert.ok(Math.abs(expectB[0]! - (0.5 - 0.2)) < 1e-6, 'hand check: two steps of ≈lr each against a constant gradient');
});

test('matches torch.optim.AdamW over three steps (float32, ≤ 1e-6 relative)', () => {
  const fx = JSON.parse(readFileSync(new URL('../fixtures/torch/adamw.json', import.meta.url), 'utf8')) as {
    hyper: { lr: number; betas: [number, number]; eps: number; weightDecay: number };
    w: number[]; b: number[]; steps: Array<{ gradW: number[]; gradB: number[]; w: number[]; b: number[] }>;
  };
  const w = new Parameter(Float32Array.from(fx.w), [3, 2]);
  const b = new Parameter(Float32Array.from(fx.b), [2]);
  const opt = new AdamW([['w', w], ['b', b]], { lr: fx.hyper.lr, betas: fx.hyper.betas, eps: fx.hyper.eps, weightDecay: fx.hyper.weightDecay });
  for (const s of fx.steps) {
    opt.zeroGrad();
    w.grad!.data.set(s.gradW);
    b.grad!.data.set(s.gradB);
    opt.step();
    w.toArray().forEach((x, i) => assert.ok(Math.abs(x - s.w[i]!) <= 1e-6 * Math.max(1, Math.abs(s.w[i]!)), `w[${i}] ${x} vs ${s.w[i]}`));
    b.toArray().forEach((x, i) => assert.ok(Math.abs(x - s.b[i]!) <= 1e-6 * Math.max(1, Math.abs(s.b[i]!)), `b[${i}] ${x} vs ${s.b[i]}`));
  }
});

test('weight decay touches only rank ≥ 2 parameters; state round-trips', () => {
  const w = new Parameter(new Float64Array([1, 1]), [2, 1]);
  const b = new Parameter(new Float64Array([1]), [1]);
  const opt = new AdamW([['w', w], ['b', b]], { lr: 0.1, weightDecay: 0.5 });
  opt.step(); // zero gradients: only decay moves anything
  assert.deepEqual(w.toArray(), [0.95, 0.95]);
  assert.deepEqual(b.toArray(), [1]);
  const state = opt.state();
  const again = new AdamW([['w', new Parameter(new Float64Array(2), [2, 1])], ['b', new Parameter(new Float64Array(1), [1])]]);
  again.loadState(state);
  assert.equal(again.stepCount, 1);
  assert.throws(() => new AdamW([['b', new Parameter(new Float64Array(1), [1])]]).loadState(state), /buffer 'm' holds 3 values but the parameters have 1/);
});

test('a replaced .grad is re-attached to the flat buffer before the step', () => {
  const w = new Parameter(new Float64Array([1, 2]), [1, 2]);
  const opt = new AdamW([['w', w]], { lr: 0.1, weightDecay: 0 });
  w.grad = null;
  sum(mul(w, tensor([[1, 1]], { dtype: 'float64' }))).backward();
  opt.step();
  assert.equal(w.grad!.data.buffer, opt.flat.grad.buffer);
  assert.deepEqual(w.toArray().map((x) => Number(x.toFixed(6))), [0.9, 1.9]);
});
