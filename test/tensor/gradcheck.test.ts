// Every op in OP_CASES: analytic gradients vs central finite differences (float64, reference
// backend) over random shapes with broadcasting, size-1 and empty dimensions; fused ops also
// against their composite of primitive ops (forward and gradients).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, listOps, setBackend } from '../../src/tensor/index.js';
import { OP_CASES, gradcheck, relError, runCase } from '../../src/tensor/testing.js';

setBackend('reference');
const SEEDS = Array.from({ length: Number(process.env.GRADCHECK_SEEDS ?? 6) }, (_, i) => i + 1);

for (const c of OP_CASES) {
  test(`gradcheck: ${c.name}`, () => {
    for (const seed of SEEDS) {
      const { inputs, run } = c.make(new Rng(`${c.name}:${seed}`), 'float64');
      if (!c.differentiable || c.finiteDifferences === false) continue;
      const r = gradcheck(run, inputs, { atol: 1e-6, rtol: 1e-5 });
      assert.ok(r.ok, `${c.name} seed ${seed} shapes ${inputs.map((x) => `[${x.shape.join(',')}]`).join(' ')}: ${r.worst}`);
    }
  });
}

for (const c of OP_CASES) {
  test(`fused vs composite: ${c.name}`, (t) => {
    let compared = 0;
    for (const seed of SEEDS) {
      const inst = c.make(new Rng(`${c.name}:composite:${seed}`), 'float64');
      if (!inst.composite) return t.skip('not a fused op');
      const fused = runCase(inst.inputs, inst.run, 'reference');
      const comp = runCase(inst.inputs, inst.composite, 'reference');
      assert.ok(relError(fused.output, comp.output) < 1e-12, `${c.name} seed ${seed}: forward differs by ${relError(fused.output, comp.output)}`);
      fused.grads.forEach((g, i) => {
        const e = relError(g, comp.grads[i] ?? null);
        assert.ok(e < 1e-10, `${c.name} seed ${seed}: gradient ${i} differs by ${e}`);
      });
      compared++;
    }
    assert.equal(compared, SEEDS.length);
  });
}

test('OP_CASES covers every declared op except the in-place optimizer step', () => {
  const covered = new Set(OP_CASES.flatMap((c) => c.ops));
  const missing = listOps().filter((op) => !covered.has(op) && op !== 'adamwStep');
  assert.deepEqual(missing, []);
});
