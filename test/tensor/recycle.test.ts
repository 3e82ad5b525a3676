// Gradient storage recycling (src/tensor/recycle.ts): backward() hands gradients it proves dead
// back to a pool that the native backend's kernels allocate from. A buffer released while still
// in use would corrupt gradients, so the same training steps are run with recycling off and on
// and every parameter gradient must agree (same kernels, same order).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Transformer } from '../../src/models/index.js';
import { Rng, backendStatus, indices, recycleStatus, withBackend } from '../../src/tensor/index.js';
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
