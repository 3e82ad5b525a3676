// Every registered native op against the reference backend, through the tensor API: the shared
// OP_CASES table (random shapes with broadcasting, size-1 and empty dims; forward and, through
// backward, the backward ops), transformer-sized shapes that take the C++ parallel paths, float64
// (which the native kernels hand to the reference ones), and the backend/status plumbing.
//
// Error measure: normwise relative, max|native − ref| / max(max|ref|, 1e-4). The 1e-4 floor
// (testing.ts's relError uses 1e-6) is where both backends are at float32 rounding noise: e.g. a
// cross-entropy gradient that is exactly 0 in native float arithmetic is ~1e-9 in the reference,
// which rounds a double gradient to float32 before subtracting the one-hot.
// Tolerances: each case's own (OP_CASES: 1e-5; 1e-4 for gradients of norms, attention and
// cross-entropy), and 1e-4 for the transformer-sized shapes below (sums over 2048 rows).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as F from '../../src/tensor/index.js';
import { Rng, backendStatus, hasKernel, indices, runKernel, withBackend } from '../../src/tensor/index.js';
import type { OpName, Tensor } from '../../src/tensor/index.js';
import { OP_CASES, runCase } from '../../src/tensor/testing.js';
import { nativeAddon, nativeStatus } from '../../src/tensor/native/index.js';

const addon = nativeAddon();
const skip = addon ? false : 'native addon not built: run `node scripts/build-native.mjs` (needs g++, make, python3; libopenblas-dev for OpenBLAS)';

function err(a: Tensor | null, b: Tensor | null): number {
  if (a === null || b === null) return a === b ? 0 : Infinity;
  assert.deepEqual(a.shape, b.shape);
  let diff = 0, scale = 0;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i]!, y = b.data[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    if (x === y) continue;
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  }
  for (const y of b.data) if (Number.isFinite(y)) scale = Math.max(scale, Math.abs(y));
  return diff / Math.max(scale, 1e-4);
}

/** Compares one case on both backends; returns the worst forward and gradient errors. */
function compare(inputs: readonly Tensor[], run: (xs: readonly Tensor[]) => Tensor, withGrad: boolean): { fwd: number; grad: number } {
  const a = runCase(inputs, run, 'native', withGrad);
  const b = runCase(inputs, run, 'reference', withGrad);
  return { fwd: err(a.output, b.output), grad: Math.max(0, ...a.grads.map((g, i) => err(g, b.grads[i] ?? null))) };
}

describe('native ops vs the reference backend', { skip }, () => {
  test('the native backend is registered and active, with its kernels', () => {
    const native = backendStatus().backends.find((b) => b.name === 'native');
    assert.equal(native?.available, true, native?.reason);
    const status = nativeStatus();
    assert.equal(status.loaded, true);
    assert.ok(['openblas', 'blocked-avx2', 'scalar'].includes(status.blas));
    assert.ok(status.threads >= 1);
    const accelerated: OpName[] = ['matmul', 'add', 'mul', 'sum', 'gelu', 'geluBackward', 'layerNorm', 'layerNormBackward', 'crossEntropy', 'crossEntropyBackward', 'attention', 'attentionBackward', 'embedding', 'embeddingBackward', 'adamwStep', 'softmax', 'rmsNorm', 'rope', 'silu', 'permute'];
    for (const op of accelerated) assert.ok(hasKernel(op, 'native'), `no native kernel for ${op}`);
  });

  for (const c of OP_CASES) {
    test(`${c.name}: 60 random instances match (fwd ≤ ${c.tol.fwd}, grad ≤ ${c.tol.grad})`, () => {
      for (let seed = 1; seed <= 60; seed++) {
        const { inputs, run } = c.make(new Rng(seed), 'float32');
        const e = compare(inputs, run, c.differentiable);
        assert.ok(e.fwd <= c.tol.fwd, `${c.name} seed ${seed}: forward error ${e.fwd} (shapes ${inputs.map((x) => `[${x.shape.join(',')}]`).join(' ')})`);
        assert.ok(e.grad <= c.tol.grad, `${c.name} seed ${seed}: gradient error ${e.grad} (shapes ${inputs.map((x) => `[${x.shape.join(',')}]`).join(' ')})`);
      }
    });
  }

  test('transformer-sized ops take the parallel C++ paths and match (tol 1e-4)', () => {
    const rng = new Rng(5);
    const leaf = (shape: number[], scale = 1) => F.mul(rng.normal(shape, 0, 1), scale).detach().requireGrad();
    const [B, T, C, H, V] = [2, 64, 128, 4, 96];
    const ids = indices(Int32Array.from({ length: B * T }, (_, i) => (i * 31) % V), [B, T]);
    const targets = indices(Int32Array.from({ length: B * T }, (_, i) => (i % 13 === 0 ? -100 : (i * 17) % V)), [B, T]);
    const { cos, sin } = F.ropeTables(T, C / H / 2 * 2);
    const cases: [string, Tensor[], (xs: readonly Tensor[]) => Tensor][] = [
      ['linear + bias + gelu', [leaf([B, T, C]), leaf([C, 4 * C], 0.1), leaf([4 * C])], ([x, w, b]) => F.gelu(F.add(F.matmul(x!, w!), b!))],
      ['linear (transposed weight) + silu', [leaf([B * T, C]), leaf([3 * C, C], 0.1)], ([x, w]) => F.silu(F.matmul(x!, w!, { transB: true }))],
      ['layerNorm', [leaf([B, T, C]), leaf([C]), leaf([C])], ([x, w, b]) => F.layerNorm(x!, w!, b!)],
      ['rmsNorm', [leaf([B, T, C]), leaf([C])], ([x, w]) => F.rmsNorm(x!, w!)],
      ['embedding', [leaf([V, C])], ([w]) => F.embedding(w!, ids)],
      ['cross-entropy', [leaf([B, T, V], 3)], ([x]) => F.crossEntropy(x!, targets)],
      ['softmax', [leaf([B * H, T, T], 3)], ([x]) => F.softmax(x!)],
      ['attention + rope', [leaf([B, H, T, C / H]), leaf([B, H, T, C / H]), leaf([B, H, T, C / H])], ([q, k, v]) => F.attention(F.rope(q!, cos, sin), F.rope(k!, cos, sin), v!)],
      ['batched matmul', [leaf([B * H, T, C / H]), leaf([B * H, T, C / H])], ([q, k]) => F.matmul(q!, k!, { transB: true })],
      ['bias-grad sum + permute', [leaf([B, T, H, C / H])], ([x]) => F.sum(F.permute(x!, [0, 2, 1, 3]), [0, 1])],
      ['qkv split: permute, slices, concat', [leaf([B, T, 3 * C])], ([x]) => {
        const parts = F.permute(F.reshape(x!, [B, T, 3, H, C / H]), [2, 0, 3, 1, 4]); // [3, B, H, T, D]
        const q = F.slice(parts, 0, 0, 1), k = F.slice(F.slice(parts, 0, 1, 2), -1, 0, 5);
        const v = F.slice(F.slice(parts, 0, 2, 3), -1, 5, 12);
        return F.add(F.sum(F.mul(q, 1.5)), F.sum(F.mul(F.concat([k, v], 4), F.concat([v, k], 4))));
      }],
    ];
    for (const [name, inputs, run] of cases) {
      const e = compare(inputs, run, true);
      assert.ok(e.fwd <= 1e-4 && e.grad <= 1e-4, `${name}: forward ${e.fwd}, gradient ${e.grad}`);
    }
  });

  test('AdamW updates in place like the reference', () => {
    const rng = new Rng(9);
    const make = () => [rng.normal([1000]), rng.normal([1000]), rng.normal([1000], 0, 0.1), rng.uniform([1000], 0, 0.01)];
    const a = make();
    const b = a.map((t) => t.clone());
    const attrs = { lr: 3e-4, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step: 3 };
    withBackend('native', () => runKernel('adamwStep', a, attrs));
    withBackend('reference', () => runKernel('adamwStep', b, attrs));
    for (const i of [0, 2, 3]) assert.ok(err(a[i]!, b[i]!) <= 1e-6, `buffer ${i}`);
  });

  test('float64 inputs run the reference kernels (bitwise equal)', () => {
    const rng = new Rng(3);
    const x = rng.normal([5, 7], 0, 1, { dtype: 'float64' }), w = rng.normal([7, 3], 0, 1, { dtype: 'float64' });
    const run = () => F.softmax(F.add(F.matmul(x, w), 1));
    assert.deepEqual(withBackend('native', run).data, withBackend('reference', run).data);
  });
});

describe('native backend status', () => {
  test('with FATHOM_NATIVE=0 the backend is unavailable, says why, and fathom runs on reference', () => {
    const script = "const t = await import('./src/tensor/index.ts'); const n = await import('./src/tensor/native/index.ts');"
      + ' console.log(JSON.stringify({ active: t.backendStatus().active, status: n.nativeStatus() }));';
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, FATHOM_NATIVE: '0', FATHOM_BACKEND: '' } });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { active: string; status: { loaded: boolean; reason: string } };
    assert.equal(out.active, 'reference');
    assert.equal(out.status.loaded, false);
    assert.match(out.status.reason, /FATHOM_NATIVE=0/);
  });

  test('a missing addon is reported with the fix', { skip }, () => {
    // nativeStatus of a loaded addon has no reason; the message for a missing one is built from
    // the same FIX text, checked through requireNative in a child with the addon disabled.
    const script = "const n = await import('./src/tensor/native/index.ts'); try { n.requireNative(); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, FATHOM_NATIVE: '0' } });
    assert.match(r.stdout, /MissingDependencyError: native backend: disabled by FATHOM_NATIVE=0\. Hint: run `fathom doctor`/);
  });
});
