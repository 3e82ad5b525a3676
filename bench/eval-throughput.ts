// Eval throughput (issue 6's benchmark): 1,000 free-form items, `contains` scorer, concurrency 32,
// against a local OpenAI-compatible stub (another process) answering after 0 ms and after 50 ms:
// items/s, CPU ms per item and peak RSS of this process, with every stage stored in the run
// store. Beside it, the stub's own rate at concurrency 32 (plain fetch, nothing stored).
// Run: node --import tsx bench/eval-throughput.ts [items] [delays, e.g. 0,50]
// Reference (issue 6): promptfoo 0.121 on this setup 61–70 items/s; the stub alone 2,497 items/s
// at 0 ms and 581 at 50 ms. Aim: ≥ 500 items/s at 0 ms, ≥ 85% of the stub's rate at 50 ms.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalConfigSchema, startEval } from '../src/eval/index.js';
import { Store } from '../src/store/index.js';

const N = Number(process.argv[2] ?? 1000);
const DELAYS = (process.argv[3] ?? '0,50').split(',').map(Number);
const CONCURRENCY = 32;

function startStub(delayMs: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./eval-stub.ts', import.meta.url).pathname, String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve({ url: d.toString().trim(), stop: () => child.kill('SIGTERM') }));
    child.once('exit', (code) => reject(new Error(`stub exited ${code}`)));
  });
}

/** The stub's own rate: N chat requests at concurrency 32 with plain fetch. */
async function stubRate(url: string): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      const r = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'stub', messages: [{ role: 'user', content: `Question: What is ${i} + ${i + 1}? (raw)` }] }) });
      await r.json();
    }
  }));
  return N / ((performance.now() - t0) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'fathom-bench-eval-'));
const data = join(dir, 'items.jsonl');
writeFileSync(data, Array.from({ length: N }, (_, i) => JSON.stringify({ id: `q${i}`, question: `What is ${i} + ${i + 1}?`, reference: String(2 * i + 1) })).join('\n'));

console.log(`eval throughput: ${N} free-form items, contains scorer, concurrency ${CONCURRENCY}, every stage stored (node ${process.version})`);
for (const delay of DELAYS) {
  const stub = await startStub(delay);
  try {
    const alone = await stubRate(stub.url);
    const store = new Store(join(dir, `ws-${delay}`));
    const config = evalConfigSchema.parse({
      dataset: { path: data }, scorer: 'contains', concurrency: CONCURRENCY, candidate: { model: 'stub:m' },
      providers: { stub: { type: 'openai', baseUrl: stub.url, concurrency: CONCURRENCY } },
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await startEval(store, config);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const stored = store.counts(out.runId).items;
    store.close();
    const rate = N / seconds;
    console.log(`stub delay ${String(delay).padStart(3)} ms: ${rate.toFixed(0)} items/s (stub alone ${alone.toFixed(0)}/s, ${(100 * rate / alone).toFixed(0)}%), ` +
      `${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} CPU ms/item, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, ` +
      `${stored} items stored, accuracy ${out.summary.accuracy.accuracy}`);
  } finally {
    stub.stop();
  }
}
