// A gpt2 block and a llama block (RMSNorm, RoPE, grouped-query attention, SwiGLU) against
// PyTorch: forward output, input gradient and every parameter gradient, from fixtures made by
// scripts/fixtures/make_block_fixtures.py (torch 1.13, float32). Tolerance: normwise relative
// error ≤ 1e-4 (max |fathom − torch| / max |torch|), which float32 reorderings of the same sums
// stay well inside (observed ~1e-6).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Block, resolveConfig } from '../../src/models/index.js';
import type { TransformerConfig } from '../../src/models/index.js';
import { Rng, backendStatus, mul, ropeTables, setBackend, sum, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { relError } from '../../src/tensor/testing.js';

interface Stored { shape: number[]; data: number[] }
interface Fixture {
  config: TransformerConfig & { mlpHidden: number; kvHeads: number };
  input: Stored; R: Stored; output: Stored; inputGrad: Stored;
  weights: Record<string, Stored>; grads: Record<string, Stored>;
}

const TOL = 1e-4;
const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../fixtures/torch/${name}`, import.meta.url), 'utf8')) as Fixture;
const asTensor = (s: Stored): Tensor => tensor(Float32Array.from(s.data), s.shape);

const available = backendStatus().backends.filter((b) => b.available).map((b) => b.name);

for (const [arch, backend] of (['gpt2', 'llama'] as const).flatMap((a) => available.map((b) => [a, b] as const))) {
  test(`${arch} block matches PyTorch on the ${backend} backend (output, input grad, all parameter grads)`, () => {
    setBackend(backend);
    const fx = load(`${arch}_block.json`);
    const config = resolveConfig({ ...fx.config, vocabSize: 1, contextLength: 64, arch });
    const block = new Block(config, new Rng(0));
    const names = block.namedParameters().map(([n]) => n).sort();
    assert.deepEqual(names, Object.keys(fx.weights).sort(), 'parameter names match the fixture');
    block.loadStateDict(new Map(Object.entries(fx.weights)));
    const x = asTensor(fx.input).requireGrad();
    const T = fx.input.shape[1]!;
    const ctx = arch === 'llama' ? { rope: ropeTables(T, config.dim / config.heads, { base: config.ropeBase }) } : {};
    const out = block.forward(x, ctx);
    sum(mul(out, asTensor(fx.R))).backward();
    const report: string[] = [];
    const check = (what: string, got: Tensor | null, want: Stored): void => {
      const e = relError(got, asTensor(want));
      report.push(`${what}: ${e.toExponential(2)}`);
      assert.ok(e <= TOL, `${arch} ${what}: relative error ${e} > ${TOL}`);
    };
    check('output', out, fx.output);
    check('input grad', x.grad, fx.inputGrad);
    for (const [name, p] of block.namedParameters()) check(`grad ${name}`, p.grad, fx.grads[name]!);
    if (process.env.FATHOM_FIXTURE_REPORT) console.log(arch, backend, report.join('; '));
  });
}
