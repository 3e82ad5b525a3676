// The optimizer registry: every optimizer against a two-step example computed by hand and against
// torch.optim on the same gradients (test/fixtures/optim/torch_optimizers.json, made by
// scripts/fixtures/make_optim_fixtures.py); signSGD/signum (no torch class) by hand. Also
// parameter groups, clipping, schedules, state round-trips and the error messages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Parameter } from '../../src/nn/index.js';
import {
  FlatParameters, clipGradNorm, createOptimizer, decodeOptimizerState, encodeOptimizerState, learningRate,
  registeredOptimizers, scheduleSchema,
} from '../../src/optim/index.js';
import type { Optimizer, OptimizerOptions } from '../../src/optim/index.js';
import { setBackend } from '../../src/tensor/index.js';

setBackend('reference');

const close = (a: readonly number[], b: readonly number[], tol: number, what: string): void => {
  assert.equal(a.length, b.length, what);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${x} vs ${b[i]}`));
};

/** Runs `grads` through optimizer `name` on one float64 parameter 'w' (shape [1, n], decay group). */
function twoSteps(name: string, options: OptimizerOptions, w0: number[], grads: number[][]): number[][] {
  const w = new Parameter(Float64Array.from(w0), [1, w0.length]);
  const opt = createOptimizer(name, [['w', w]], options);
  return grads.map((g) => {
    opt.zeroGrad();
    w.grad!.data.set(g);
    opt.step();
    return w.toArray() as number[];
  });
}

test('SGD by hand: plain, coupled weight decay, heavy-ball, dampening, Nesterov', () => {
  const g = [[0.5], [0.25]];
  close(twoSteps('sgd', { lr: 0.1 }, [1], g).flat(), [0.95, 0.925], 1e-12, 'plain'); // 1 − 0.1·0.5; − 0.1·0.25
  close(twoSteps('sgd', { lr: 0.1, weightDecay: 0.1 }, [1], g).flat(), [0.94, 0.9056], 1e-12, 'wd'); // d = 0.5 + 0.1·1; 0.25 + 0.1·0.94
  close(twoSteps('sgd', { lr: 0.1, momentum: 0.9 }, [1], g).flat(), [0.95, 0.88], 1e-12, 'heavy-ball'); // buf 0.5; 0.9·0.5 + 0.25 = 0.7
  close(twoSteps('sgd', { lr: 0.1, momentum: 0.9, dampening: 0.5 }, [1], g).flat(), [0.95, 0.8925], 1e-12, 'dampening'); // buf 0.5 (undamped); 0.45 + 0.5·0.25
  close(twoSteps('sgd', { lr: 0.1, momentum: 0.9, nesterov: true }, [1], g).flat(), [0.905, 0.817], 1e-12, 'nesterov'); // d + 0.9·buf: 0.95; 0.25 + 0.63
});

test('signSGD and signum by hand (no torch class): sign of the gradient, sign of the momentum, decoupled decay', () => {
  const g = [[0.5, -1, 0], [0.25, 0.5, 0]];
  close(twoSteps('signsgd', { lr: 0.1 }, [1, -2, 3], g).flat(), [0.9, -1.9, 3, 0.8, -2, 3], 1e-12, 'signsgd'); // sign(0) = 0
  close(twoSteps('signsgd', { lr: 0.1, weightDecay: 0.5 }, [1], [[0.5]]).flat(), [0.85], 1e-12, 'signsgd wd'); // 1·(1 − 0.05) − 0.1
  // signum β = 0.9: m1 = 0.1·g = [0.05, −0.1]; g2 = [−1, 0.5]: m2 = [0.045 − 0.1, −0.09 + 0.05] = [−0.055, −0.04]:
  // the second coordinate's gradient is positive but its momentum is still negative, so it keeps rising.
  close(twoSteps('signum', { lr: 0.1, momentum: 0.9 }, [1, -2], [[0.5, -1], [-1, 0.5]]).flat(), [0.9, -1.9, 1.0, -1.8], 1e-12, 'signum');
});

test('Adam by hand: the first step moves by lr·sign(g), the second by the bias-corrected ratio', () => {
  // m2 = 0.9·0.05 + 0.1·0.25 = 0.07, v2 = 0.99·0.0025 + 0.01·0.0625 = 0.0031;
  // m̂ = 0.07/0.19, v̂ = 0.0031/0.0199, w2 = 0.9 − 0.1·m̂/√v̂ (eps 0)
  close(twoSteps('adam', { lr: 0.1, betas: [0.9, 0.99], eps: 0 }, [1], [[0.5], [0.25]]).flat(), [0.9, 0.8066551998227418], 1e-9, 'adam');
});

interface Fixture {
  w0: number[]; b0: number[];
  grads: Array<{ w: number[]; b: number[] }>;
  cases: Array<{ optimizer: string; hyper: Record<string, number | boolean | number[]>; steps: Array<{ w: number[]; b: number[] }> }>;
  clip: { max_norm: number; norm: number; gw: number[]; gb: number[] };
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/optim/torch_optimizers.json', import.meta.url), 'utf8')) as Fixture;

function toOptions(h: Fixture['cases'][number]['hyper']): OptimizerOptions {
  const o: OptimizerOptions = { lr: h.lr as number, weightDecay: h.weight_decay as number };
  if (h.momentum !== undefined) o.momentum = h.momentum as number;
  if (h.dampening !== undefined) o.dampening = h.dampening as number;
  if (h.nesterov !== undefined) o.nesterov = h.nesterov as boolean;
  if (h.betas !== undefined) o.betas = h.betas as [number, number];
  if (h.eps !== undefined) o.eps = h.eps as number;
  return o;
}

for (const c of fx.cases) {
  test(`matches torch.optim ${c.optimizer} ${JSON.stringify(c.hyper)} over three steps (float32)`, () => {
    const w = new Parameter(Float32Array.from(fx.w0), [3, 2]);
    const b = new Parameter(Float32Array.from(fx.b0), [2]);
    const opt = createOptimizer(c.optimizer, [['w', w], ['b', b]], toOptions(c.hyper));
    assert.deepEqual(opt.groups.map((g) => [g.name, g.params]), [['no_decay', ['b']], ['decay', ['w']]]);
    c.steps.forEach((s, t) => {
      opt.zeroGrad();
      w.grad!.data.set(fx.grads[t]!.w);
      b.grad!.data.set(fx.grads[t]!.b);
      opt.step();
      close(w.toArray() as number[], s.w, 2e-6, `step ${t + 1} w`);
      close(b.toArray() as number[], s.b, 2e-6, `step ${t + 1} b`);
    });
  });
}

test('global-norm clipping reports the pre-clip norm and matches torch.nn.utils.clip_grad_norm_', () => {
  const w = new Parameter(Float32Array.from(fx.w0), [3, 2]);
  const b = new Parameter(Float32Array.from(fx.b0), [2]);
  const flat = new FlatParameters([['w', w], ['b', b]]);
  w.grad!.data.set(fx.grads[0]!.w);
  b.grad!.data.set(fx.grads[0]!.b);
  const norm = clipGradNorm(flat, fx.clip.max_norm);
  assert.ok(Math.abs(norm - fx.clip.norm) < 1e-5);
  close(w.grad!.toArray() as number[], fx.clip.gw, 1e-6, 'clipped gw');
  close(b.grad!.toArray() as number[], fx.clip.gb, 1e-6, 'clipped gb');
  assert.ok(Math.abs(flat.gradNorm() - fx.clip.max_norm) < 1e-5);
  // Under the limit nothing changes; the norm is still reported.
  const before = Array.from(flat.grad);
  assert.ok(Math.abs(clipGradNorm(flat, 100) - fx.clip.max_norm) < 1e-5);
  assert.deepEqual(Array.from(flat.grad), before);
  assert.throws(() => clipGradNorm(flat, 0), /clipGradNorm: maxNorm 0 must be > 0/);
});

test('default groups: no decay on norms, biases and embeddings; rules can set decay and lr scale per group', () => {
  const params: Array<[string, Parameter]> = [
    ['wte.weight', new Parameter(new Float64Array(4).fill(1), [2, 2])],
    ['blocks.0.attn.qkv.weight', new Parameter(new Float64Array(4).fill(1), [2, 2])],
    ['blocks.0.ln1.weight', new Parameter(new Float64Array(2).fill(1), [2])],
    ['blocks.0.attn.qkv.bias', new Parameter(new Float64Array(2).fill(1), [2])],
  ];
  const opt = createOptimizer('sgd', params, { lr: 0.5, weightDecay: 0.2 });
  assert.deepEqual(opt.groups.map((g) => [g.name, g.weightDecay, g.params]), [
    ['no_decay', 0, ['wte.weight', 'blocks.0.ln1.weight', 'blocks.0.attn.qkv.bias']],
    ['decay', 0.2, ['blocks.0.attn.qkv.weight']],
  ]);
  opt.step(); // zero gradients: only the coupled decay moves the decay group
  assert.deepEqual(params.map(([, p]) => p.toArray()[0]), [1, 0.9, 1, 1]);
  const scaled = createOptimizer('sgd', params.map(([n, p]) => [n, new Parameter(Float64Array.from(p.data), p.shape)] as [string, Parameter]), {
    lr: 1, groups: [{ name: 'norms', match: /ln\d?\./, lrScale: 0.1 }],
  });
  assert.deepEqual(scaled.groups.map((g) => [g.name, g.lrScale, g.params.length]), [['norms', 0.1, 1], ['decay', 1, 3]]);
  for (const r of scaled.flat.ranges) r.param.grad!.data.fill(1);
  scaled.step();
  assert.deepEqual(scaled.flat.ranges.map((r) => [r.name, Number(r.param.toArray()[0]!.toFixed(12))]), [
    // qkv.weight had decayed to 0.9 above; the norm moves by 0.1·lr only
    ['wte.weight', 0], ['blocks.0.attn.qkv.weight', -0.1], ['blocks.0.attn.qkv.bias', 0], ['blocks.0.ln1.weight', 0.9],
  ]);
});

test('state serialises exactly: a restored optimizer continues bit for bit', () => {
  for (const spec of registeredOptimizers()) {
    const make = (): [Optimizer, Parameter] => {
      const w = new Parameter(Float32Array.from([0.3, -0.7, 1.1, 0.2]), [2, 2]);
      return [createOptimizer(spec.name, [['w', w]], { lr: 0.01, momentum: 0.9, weightDecay: 0.1 }), w];
    };
    const grads = [[0.1, -0.2, 0.3, 0.05], [-0.3, 0.2, 0.1, 0.4], [0.2, 0.2, -0.1, -0.5]];
    const [a, wa] = make();
    const [b, wb] = make();
    for (const [i, g] of grads.entries()) {
      if (i === 2) {
        const json = JSON.parse(JSON.stringify(encodeOptimizerState(a.state()))) as ReturnType<typeof encodeOptimizerState>;
        b.loadState(decodeOptimizerState(json));
        wb.data.set(wa.data);
      }
      a.zeroGrad(); wa.grad!.data.set(g); a.step();
      if (i < 2) continue;
      b.zeroGrad(); wb.grad!.data.set(g); b.step();
      assert.deepEqual(Array.from(wb.data), Array.from(wa.data), spec.name);
      assert.equal(b.stepCount, 3, spec.name);
    }
  }
});

test('optimizer errors name the problem and the fix', () => {
  const w = (): Array<[string, Parameter]> => [['w', new Parameter(new Float64Array(2), [1, 2])]];
  assert.throws(() => createOptimizer('adamm', w()), /optimizer 'adamm' is not registered \(known: .*adam.*\)\. Hint: did you mean 'adam'\?/);
  assert.throws(() => createOptimizer('sgd', w(), { nesterov: true }), /SGD: Nesterov momentum needs momentum > 0 and dampening 0/);
  assert.throws(() => createOptimizer('sgd', w(), { momentum: 1.5 }), /SGD: momentum = 1.5 is out of range \(in \[0, 1\)\)/);
  assert.throws(() => createOptimizer('adam', w(), { betas: [0.9, 1] }), /Adam: betas\[1\] = 1 is out of range/);
  assert.throws(() => createOptimizer('sgd', w(), { lr: -1 }), /SGD: lr = -1 is out of range \(≥ 0\)/);
  const adam = createOptimizer('adam', w());
  assert.throws(() => createOptimizer('sgd', w()).loadState(adam.state()), /sgd\.loadState: the state was saved by 'adam'/);
});

test('schedules: constant, warmup + cosine (nanoGPT), warmup-stable-decay, linear to a floor', () => {
  const s = (o: object) => scheduleSchema.parse(o);
  const cos = s({ kind: 'cosine', warmup: 10, minLr: 0.1 });
  assert.equal(learningRate(cos, 1, 0, 110), 0.1); // (0 + 1)/10
  assert.equal(learningRate(cos, 1, 9, 110), 1);
  assert.equal(learningRate(cos, 1, 10, 110), 1); // r = 0
  assert.ok(Math.abs(learningRate(cos, 1, 60, 110) - 0.55) < 1e-12); // r = 1/2: 0.1 + 0.5·0.9
  assert.ok(Math.abs(learningRate(cos, 1, 110, 110) - 0.1) < 1e-12);
  assert.equal(learningRate(s({ kind: 'constant', warmup: 0 }), 0.3, 500, 10), 0.3);
  const wsd = s({ kind: 'wsd', warmup: 0, minLr: 0, decayFraction: 0.2 });
  assert.equal(learningRate(wsd, 1, 79, 100), 1);
  assert.equal(learningRate(wsd, 1, 80, 100), 1);
  assert.ok(Math.abs(learningRate(wsd, 1, 90, 100) - 0.5) < 1e-12);
  const lin = s({ kind: 'linear', warmup: 0, minLr: 0.2 });
  assert.ok(Math.abs(learningRate(lin, 1, 50, 100) - 0.6) < 1e-12);
  assert.ok(Math.abs(learningRate(lin, 1, 100, 100) - 0.2) < 1e-12);
  assert.throws(() => learningRate(s({ kind: 'cosine', minLr: 2 }), 1, 0, 10), /schedule: minLr 2 is above the peak lr 1/);
});
