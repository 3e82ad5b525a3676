// The op registry and backend selection: the stable list of op names, single registration,
// dispatch with fallback to the reference kernels, withBackend, FATHOM_BACKEND and profiling.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ConfigError, FathomError } from '../../src/errors.js';
import {
  backendStatus, defineOp, getBackend, getOp, hasKernel, listOps, registerKernel, runKernel, setBackend, tensor, withBackend,
} from '../../src/tensor/index.js';

test('the op names backends code to are stable', () => {
  assert.deepEqual(listOps(), [
    'abs', 'adamwStep', 'add', 'attention', 'attentionBackward', 'broadcastTo', 'cast', 'concat', 'crossEntropy',
    'crossEntropyBackward', 'div', 'embedding', 'embeddingBackward', 'eq', 'exp', 'gather', 'gelu', 'geluBackward', 'gt',
    'layerNorm', 'layerNormBackward', 'linear', 'log', 'logSoftmax', 'logSoftmaxBackward', 'logsumexp', 'matmul', 'matmulPair', 'max', 'mul', 'neg',
    'packedAttention', 'packedAttentionBackward', 'permute', 'pow', 'relu', 'reshape', 'rmsNorm', 'rmsNormBackward', 'rope', 'ropeBackward', 'rsqrt', 'scatterAdd',
    'sigmoid', 'silu', 'siluBackward', 'slice', 'sliceBackward', 'softmax', 'softmaxBackward', 'split', 'sqrt', 'sub', 'sum', 'tanh', 'where',
  ]);
  for (const op of listOps()) assert.ok(hasKernel(op, 'reference'), `${op} has a reference kernel`);
  assert.equal(getOp('layerNorm').outputs, 3);
  assert.throws(() => getOp('layernorm' as 'layerNorm'), /op 'layernorm' is not declared. Hint: did you mean 'layerNorm'\?/);
});

test('declaring an op or registering a kernel twice throws', () => {
  assert.throws(() => registerKernel('add', 'reference', (i) => i[0]!), (e: unknown) => e instanceof FathomError
    && e.message === "registerKernel: op 'add' already has a 'reference' kernel. Hint: register each (op, backend) kernel once");
  assert.throws(() => defineOp({ name: 'add', inputs: ['a', 'b'], outputs: 1, doc: '' }), /defineOp: op 'add' is already declared/);
});

test('runKernel dispatches to the reference kernel and returns an array', () => {
  const out = withBackend('reference', () => runKernel('add', [tensor([1, 2]), tensor([3, 4])], {}));
  assert.equal(out.length, 1);
  assert.deepEqual(Array.from(out[0]!.data), [4, 6]);
});

test('with the native backend active, ops it lacks fall back to the reference kernel', (t) => {
  if (!backendStatus().backends.find((b) => b.name === 'native')?.available) return t.skip('native backend not built');
  const missing = listOps().find((op) => !hasKernel(op, 'native'));
  if (!missing) return t.skip('native implements every op');
  assert.doesNotThrow(() => withBackend('native', () => getBackend()));
});

test('withBackend restores the previous choice after a throw and after a promise settles', async () => {
  setBackend('reference');
  assert.throws(() => withBackend('reference', () => { throw new Error('x'); }));
  assert.equal(getBackend(), 'reference');
  const v = await withBackend('reference', async () => getBackend());
  assert.equal(v, 'reference');
  setBackend(undefined);
  assert.throws(() => setBackend('cuda' as 'native'), (e: unknown) => e instanceof ConfigError && /unknown backend 'cuda'/.test(e.message));
});

test('FATHOM_BACKEND selects the backend; a bad value is a config error; FATHOM_PROFILE prints a table', () => {
  const script = "import('./src/tensor/index.js').then(m => { m.add(m.tensor([1]), m.tensor([2])); console.log(m.getBackend()); })";
  const run = (env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  const ok = run({ FATHOM_BACKEND: 'reference', FATHOM_PROFILE: '1' });
  assert.equal(ok.stdout.trim(), 'reference');
  assert.match(ok.stderr, /fathom profile \(kernel time per op\)\nadd\s+reference\s+1\s/);
  const bad = run({ FATHOM_BACKEND: 'refrence' });
  assert.match(bad.stderr, /FATHOM_BACKEND: unknown backend 'refrence'. Hint: use one of reference, native \(did you mean 'reference'\?\)/);
});
