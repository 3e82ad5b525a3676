// The tape: gradient accumulation, shared inputs, noGrad scopes, detach, graph freeing, seeds,
// multi-output ops and deep graphs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FathomError, ShapeError } from '../../src/errors.js';
import * as F from '../../src/tensor/index.js';
import { isGradEnabled, noGrad, setBackend, tensor } from '../../src/tensor/index.js';

setBackend('reference');
const f64 = { dtype: 'float64' } as const;

test('gradients accumulate across backward calls until zeroed', () => {
  const x = tensor([1, 2, 3], { ...f64, requiresGrad: true });
  F.sum(F.mul(x, x)).backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
  F.sum(F.mul(x, 3)).backward();
  assert.deepEqual(x.grad!.toArray(), [5, 7, 9]);
  x.zeroGrad();
  assert.deepEqual(x.grad!.toArray(), [0, 0, 0]);
});

test('an input used twice receives both contributions; leaf grads never share storage', () => {
  const a = tensor([1, 2], { ...f64, requiresGrad: true });
  const b = tensor([3, 4], { ...f64, requiresGrad: true });
  const y = F.add(a, b); // passes its gradient through unchanged to both inputs
  F.sum(F.add(y, y)).backward();
  assert.deepEqual(a.grad!.toArray(), [2, 2]);
  assert.deepEqual(b.grad!.toArray(), [2, 2]);
  a.grad!.data[0] = 100;
  assert.equal(b.grad!.data[0], 2);
});

test('noGrad records nothing and restores the mode, also after an exception', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = noGrad(() => F.mul(x, 2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.node, null);
  assert.equal(isGradEnabled(), true);
  assert.throws(() => noGrad(() => { throw new Error('boom'); }));
  assert.equal(isGradEnabled(), true);
  assert.equal(noGrad(() => noGrad(() => isGradEnabled())), false);
});

test('requiresGrad propagates; detach cuts the graph and shares storage', () => {
  const x = tensor([1, 2], { ...f64, requiresGrad: true });
  const c = tensor([5, 6], f64);
  const y = F.mul(x, c);
  assert.equal(y.requiresGrad, true);
  assert.equal(F.mul(c, c).requiresGrad, false);
  const d = y.detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.data, y.data);
  F.sum(F.add(F.mul(d, x), y)).backward();
  assert.deepEqual(x.grad!.toArray(), [5 + 5, 12 + 6]); // d is a constant: d + c
});

test('backward frees the graph unless retainGraph is set', () => {
  const x = tensor([1, 2], { ...f64, requiresGrad: true });
  const loss = F.sum(F.exp(x));
  loss.backward(undefined, { retainGraph: true });
  loss.backward(undefined, {});
  assert.throws(() => loss.backward(), (e: unknown) => e instanceof FathomError
    && e.message === 'backward: the graph was already freed by an earlier backward(). Hint: pass { retainGraph: true } to the first backward() to call it twice');
});

test('backward needs a scalar or an explicit gradient of the output shape', () => {
  const x = tensor([1, 2], { ...f64, requiresGrad: true });
  const y = F.mul(x, 3);
  assert.throws(() => y.backward(), (e: unknown) => e instanceof ShapeError
    && e.message === 'backward: the output has shape [2], not one element. Hint: reduce it to a scalar (e.g. mean()) or pass the output gradient');
  assert.throws(() => y.backward(tensor([1], f64)), /gradient shape \[1\] differs from output shape \[2\]/);
  y.backward(tensor([1, 10], f64));
  assert.deepEqual(x.grad!.toArray(), [3, 30]);
  assert.throws(() => tensor([1]).backward(), /does not require a gradient/);
});

test('multi-output fused ops: only the used output carries gradient', () => {
  const x = tensor([[1, 2, 4]], { ...f64, requiresGrad: true });
  const w = tensor([1, 1, 1], { ...f64, requiresGrad: true });
  F.sum(F.mul(F.layerNorm(x, w), tensor([1, 0, 0], f64))).backward();
  assert.ok(x.grad && w.grad);
  assert.ok(Math.abs(F.sum(x.grad).item()) < 1e-12, 'layerNorm input gradients sum to zero');
});

test('a 20,000-op chain backpropagates without overflowing the stack', () => {
  const x = tensor([1], { ...f64, requiresGrad: true });
  let y = x;
  for (let i = 0; i < 20000; i++) y = F.add(y, 1e-3);
  F.sum(y).backward();
  assert.deepEqual(x.grad!.toArray(), [1]);
});

test('leaves can be marked; non-leaves cannot', () => {
  const x = tensor([1]).requireGrad();
  assert.equal(x.requiresGrad, true);
  assert.throws(() => F.mul(x, 2).requireGrad(), /only leaf tensors can be marked/);
});
