// Gradient storage recycling (src/tensor/recycle.ts): backward() hands gradients it proves dead
// back to a pool that the native backend's kernels allocate from. A buffer released while still
// in use would corrupt gradients, so the same training steps are run with recycling off and on
// and every parameter gradient must agree (same kernels, same order).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Transformer } from '../../src/models/index.js';
import { FathomError } from '../../src/errors.js';
import { AdamW } from '../../src/optim/index.js';
import { Rng, backendStatus, indices, mul, noGrad, recycleStatus, reshape, sum, tensor, withBackend } from '../../src/tensor/index.js';
import { setRecycling } from '../../src/tensor/recycle.js';

const native = backendStatus().backends.some((b) => b.name === 'native' && b.available);

function gradients(arch: 'gpt2' | 'llama', steps: number): Float32Array[][] {
  // Activations of 2·32·64 = 4,096 floats and more: large enough for the native kernels' pool.
  const model = new Transformer({ arch, vocabSize: 64, contextLength: 32, dim: 64, layers: 2, heads: 4, seed: 3 });
  const rng = new Rng(5);
  const out: Float32Array[][] = [];
  for (let s = 0; s < steps; s++) {
    const ids = indices(Int32Array.from({ length: 64 }, () => rng.int(64)), [2, 32]);
    for (const [, p] of model.namedParameters()) p.grad = null;
    model.forward(ids, { targets: ids }).loss!.backward();
    out.push(model.namedParameters().map(([, p]) => Float32Array.from(p.grad!.data)));
  }
  return out;
}

for (const arch of ['gpt2', 'llama'] as const) {
  test(`${arch}: gradients are the same with gradient storage recycled`, { skip: native ? false : 'the native backend is not built' }, () => {
    withBackend('native', () => {
      setRecycling(false);
      const fresh = gradients(arch, 3);
      setRecycling(true);
      const before = recycleStatus();
      const recycled = gradients(arch, 3);
      const after = recycleStatus();
      assert.ok(after.released > before.released && after.reused > before.reused, `recycling was exercised: ${JSON.stringify({ before, after })}`);
      for (let s = 0; s < fresh.length; s++) {
        for (let i = 0; i < fresh[s]!.length; i++) {
          const a = fresh[s]![i]!, b = recycled[s]![i]!;
          let err = 0, norm = 0;
          for (let j = 0; j < a.length; j++) {
            err = Math.max(err, Math.abs(a[j]! - b[j]!));
            norm = Math.max(norm, Math.abs(a[j]!));
          }
          assert.ok(err <= 1e-6 * Math.max(norm, 1e-12), `step ${s}, parameter ${i}: max |Δ| ${err} vs max |g| ${norm}`);
        }
      }
    });
  });
}

// backward({ freeActivations: true }) also returns the forward activations' storage to the pool.
// Training with it must follow the same trajectory as training without it, and a released
// activation must throw when read instead of showing the next step's numbers.
function trainSteps(arch: 'gpt2' | 'llama', steps: number, freeActivations: boolean): { losses: number[]; params: Float32Array[] } {
  const model = new Transformer({ arch, vocabSize: 64, contextLength: 32, dim: 64, layers: 2, heads: 4, seed: 3 });
  const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
  const rng = new Rng(5);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const ids = indices(Int32Array.from({ length: 64 }, () => rng.int(64)), [2, 32]);
    opt.zeroGrad();
    const { loss } = model.forward(ids, { targets: ids });
    losses.push(loss!.item());
    loss!.backward({ freeActivations });
    opt.step();
  }
  return { losses, params: model.namedParameters().map(([, p]) => Float32Array.from(p.data)) };
}

for (const arch of ['gpt2', 'llama'] as const) {
  test(`${arch}: training with freeActivations follows the same losses and weights`, { skip: native ? false : 'the native backend is not built' }, () => {
    withBackend('native', () => {
      setRecycling(true);
      const kept = trainSteps(arch, 4, false);
      const before = recycleStatus();
      const freed = trainSteps(arch, 4, true);
      const after = recycleStatus();
      assert.ok(after.activationsReleased > before.activationsReleased && after.reused > before.reused, `activations were released and reused: ${JSON.stringify({ before, after })}`);
      for (let s = 0; s < kept.losses.length; s++) assert.ok(Math.abs(kept.losses[s]! - freed.losses[s]!) <= 1e-6 * Math.abs(kept.losses[s]!), `step ${s}: ${kept.losses[s]} vs ${freed.losses[s]}`);
      for (let i = 0; i < kept.params.length; i++) {
        const a = kept.params[i]!, b = freed.params[i]!;
        for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j]! - b[j]!) <= 1e-6 * Math.max(Math.abs(a[j]!), 1e-3), `parameter ${i}[${j}]: ${a[j]} vs ${b[j]}`);
      }
    });
  });
}

test('a released activation, its views and detached copies throw when read; the loss, clones, leaves and a plain backward are unaffected', { skip: native ? false : 'the native backend is not built' }, () => {
  withBackend('native', () => {
    setRecycling(true);
    const model = new Transformer({ arch: 'gpt2', vocabSize: 64, contextLength: 32, dim: 64, layers: 2, heads: 4, seed: 3 });
    const ids = indices(Int32Array.from({ length: 64 }, (_, i) => i % 64), [2, 32]);
    model.forward(ids, { targets: ids }).loss!.backward({ freeActivations: true }); // turns the bookkeeping on
    const kept = model.forward(ids, { targets: ids });
    const view = reshape(kept.logits, [64, 64]);
    kept.loss!.backward();
    assert.equal(kept.logits.data.length, 2 * 32 * 64, 'a plain backward() keeps activations readable');

    const freed = model.forward(ids, { targets: ids });
    const freedView = reshape(freed.logits, [64, 64]);
    const offTape = noGrad(() => reshape(freed.logits, [32, 128]));
    const detached = freed.logits.detach();
    const copy = freed.logits.clone();
    const value = freed.loss!.item();
    freed.loss!.backward({ freeActivations: true });
    assert.equal(freed.loss!.item(), value, 'the root stays readable');
    assert.throws(() => freed.logits.data, (e: Error) => e instanceof FathomError && /this \[2,32,64\] activation \(made by 'reshape'\) was freed by backward\(\{ freeActivations: true \}\)/.test(e.message) && /read what you need from activations before backward\(\), or call backward\(\) without freeActivations/.test(e.message));
    assert.throws(() => freed.logits.toArray(), FathomError);
    assert.throws(() => freedView.data, FathomError, 'a view on the tape shares the storage, so it is poisoned too');
    assert.throws(() => offTape.data, FathomError, 'so does a view made under noGrad');
    assert.throws(() => detached.data, FathomError, 'and a detached tensor');
    assert.equal(copy.data.length, 2 * 32 * 64, 'a clone owns its storage');
    assert.equal(view.data.length, 64 * 64, 'tensors of the earlier graph are untouched');
    for (const [, p] of model.namedParameters()) assert.ok(p.data.length > 0 && p.grad !== null, 'leaves and their gradients stay');
  });
});

test('freeActivations with retainGraph is refused with a hint', () => {
  const x = tensor([1, 2, 3]).requireGrad();
  const y = sum(mul(x, x));
  assert.throws(() => y.backward({ freeActivations: true, retainGraph: true }), /freeActivations releases the graph's storage, so it cannot be combined with retainGraph\. Hint: drop one of the two options/);
  y.backward();
  assert.deepEqual(Array.from(x.grad!.data), [2, 4, 6]);
});
