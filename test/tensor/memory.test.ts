// Resident-set check: a plain training loop (forward, backward, AdamW; no disposal, no manual GC,
// no node flags) must not grow after warm-up. The autograd graph is released by backward(),
// nothing global holds tensors, and tensor storage that V8 would leave piling up is reclaimed at
// step boundaries (src/tensor/memory.ts), which also returns the C heap's free pages to the OS
// after its collections when the native module is loaded (whichever backend runs: tensor storage
// lives in that heap either way); a leak would show as growth here. The resident set is
// the median over the 101 steps up to each mark. Only growth fails the test: the resident set may
// also drop (start-up memory such as the TypeScript loader's caches is returned to the OS later).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { backendStatus } from '../../src/tensor/index.js';

const child = fileURLToPath(new URL('./rss-child.ts', import.meta.url));
const backends = backendStatus().backends.filter((b) => b.available).map((b) => b.name);

type Parts = Record<'rss' | 'anon' | 'file' | 'v8Committed' | 'external', number>;
interface ChildResult { rss: Record<string, number>; parts: Record<string, Parts>; msPerStep: number; meanLoss: number }

const mb = (p: Parts): string => Object.entries(p).map(([k, v]) => `${k} ${(v / 1e6).toFixed(1)}`).join(', ');

function train(arch: string, backend: string, backward: 'plain' | 'free' = 'plain'): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, '2000', '200,2000', arch, backward], {
      env: { ...process.env, FATHOM_BACKEND: backend },
    });
    let out = '', err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

// The children run concurrently; each test awaits its own. On an idle 2-core machine all five
// finish in ≈ 30 s; the timeout leaves room for a machine shared with other work.
// The last one calls backward({ freeActivations: true }), as fathom's trainer does.
const runs = new Map([
  ...['gpt2', 'llama'].flatMap((a) => backends.map((b) => [`${a} on ${b}`, train(a, b)] as const)),
  ...(backends.includes('native') ? [['gpt2 on native with freeActivations', train('gpt2', 'native', 'free')] as const] : []),
]);

for (const [name, run] of runs) {
  test(`${name}: resident set after 2,000 training steps is within 5% of that after 200`, { timeout: 180_000 }, async (t) => {
    const { rss, parts, meanLoss } = await run;
    assert.ok(Number.isFinite(meanLoss), 'training produced finite losses');
    const ratio = rss['2000']! / rss['200']!;
    const report = `RSS ${(rss['200']! / 1e6).toFixed(1)} MB at step 200 → ${(rss['2000']! / 1e6).toFixed(1)} MB at step 2000 (×${ratio.toFixed(3)}); MB at 200: ${mb(parts['200']!)}; at 2000: ${mb(parts['2000']!)}`;
    t.diagnostic(report);
    assert.ok(ratio <= 1.05, report);
  });
}

test('nothing is retained across steps: live objects and tensor storage after a full collection stay flat', async () => {
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  const { Transformer } = await import('../../src/models/index.js');
  const { AdamW } = await import('../../src/optim/index.js');
  const { Rng, indices, memoryStatus, setBackend } = await import('../../src/tensor/index.js');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  // Old-generation objects plus tensor storage, after a collection and after the concurrent
  // sweeper has released dead backing stores (code space is left out: the JIT keeps compiling).
  const retained = async (): Promise<number> => {
    gc();
    await new Promise((r) => setTimeout(r, 30));
    gc();
    await new Promise((r) => setTimeout(r, 30));
    const spaces = v8.getHeapSpaceStatistics();
    const used = (name: string): number => spaces.find((s) => s.space_name === name)?.space_used_size ?? 0;
    return used('old_space') + used('large_object_space') + v8.getHeapStatistics().external_memory;
  };
  setBackend('reference');
  const model = new Transformer({ arch: 'llama', vocabSize: 64, contextLength: 16, dim: 32, layers: 2, heads: 2, seed: 1 });
  const opt = new AdamW(model.namedParameters(), { lr: 1e-3 });
  const rng = new Rng(3);
  const train = (steps: number): void => {
    for (let i = 0; i < steps; i++) {
      const ids = indices(Int32Array.from({ length: 32 }, () => rng.int(64)), [2, 16]);
      opt.zeroGrad();
      model.forward(ids, { targets: ids }).loss!.backward();
      opt.step();
    }
  };
  train(100);
  const before = await retained();
  train(400);
  const after = await retained();
  setBackend(undefined);
  assert.ok(after / before < 1.02, `retained ${(before / 1e6).toFixed(2)} MB → ${(after / 1e6).toFixed(2)} MB`);
  assert.ok(memoryStatus().enabled && memoryStatus().minorCollections > 0, JSON.stringify(memoryStatus()));
  if (backends.includes('native')) assert.ok(memoryStatus().heapTrims > 0, `the native module trims the heap: ${JSON.stringify(memoryStatus())}`);
});
