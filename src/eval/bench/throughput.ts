// The eval throughput benchmark (`fathom bench eval`, bench/eval-throughput.ts): N free-form
// items with the `contains` scorer at concurrency 32 against the local OpenAI-compatible stub
// (its own process) answering after each given delay, every stage stored in a real run store.
// Reports items/s, CPU ms per item and peak RSS of this process, beside the stub's own rate at
// the same concurrency (a bare keep-alive HTTP client, nothing stored) and the ratio of the two.
// Peer measured on this setup (issue 6): promptfoo 0.121 at 61–70 items/s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../store/index.js';
import { startEval } from '../evaluate.js';
import { evalConfigSchema } from '../task.js';

export interface EvalBenchOptions {
  /** Free-form items per run (default 1,000). */
  items: number;
  /** Stub answer delays in ms (default 0 and 50). */
  delays: number[];
  /** Items and requests in flight (default 32). */
  concurrency: number;
  /** Runs per delay, to show the spread on a shared machine. */
  repeats: number;
  /** Called before each stage (for progress lines). */
  onStage?: (message: string) => void;
}

export const EVAL_BENCH_DEFAULTS: Omit<EvalBenchOptions, 'onStage'> = { items: 1000, delays: [0, 50], concurrency: 32, repeats: 1 };

export interface EvalBenchRun {
  delayMs: number;
  repeat: number;
  itemsPerSec: number;
  /** The stub alone at the same concurrency, measured just before this run. */
  stubItemsPerSec: number;
  /** itemsPerSec / stubItemsPerSec. */
  ratio: number;
  seconds: number;
  cpuMsPerItem: number;
  /** Peak resident set of this process so far. */
  peakRssMiB: number;
  /** Items with every stage stored (should equal `items`). */
  stored: number;
  accuracy: number | null;
}

export interface EvalBenchSummary {
  delayMs: number;
  itemsPerSec: { median: number; min: number; max: number };
  stubItemsPerSec: { median: number; min: number; max: number };
  ratio: { median: number; min: number; max: number };
  cpuMsPerItem: { median: number; min: number; max: number };
}

export interface EvalBenchResult {
  items: number;
  concurrency: number;
  scorer: 'contains';
  node: string;
  runs: EvalBenchRun[];
  summary: EvalBenchSummary[];
}

/** The tsx/loader flags of this process, without test-runner or inspector flags, for the stub's process. */
function loaderArgs(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === '--import' || a === '--require' || a === '--loader' || a === '--experimental-loader') && i + 1 < argv.length) out.push(a, argv[++i]!);
    else if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
  }
  return out;
}

async function spawnStub(delayMs: number): Promise<{ url: string; stop: () => void }> {
  const here = fileURLToPath(import.meta.url);
  const entry = join(dirname(here), `stub-main${here.endsWith('.ts') ? '.ts' : '.js'}`);
  const child = spawn(process.execPath, [...loaderArgs(), entry, String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench eval: the stub server exited with code ${code} before printing its URL`)));
    child.stdout.once('data', (d: Buffer) => resolve({ url: d.toString().trim(), stop: () => child.kill('SIGTERM') }));
  });
}

const question = (i: number): string => `What is ${i} + ${i + 1}?`;

/** The stub's own rate: N chat requests at the given concurrency over keep-alive node:http, bodies read and parsed. */
async function stubRate(url: string, n: number, concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  const target = new URL(`${url}/chat/completions`);
  const post = (i: number): Promise<void> => new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'stub', messages: [{ role: 'user', content: question(i) }] });
    const req = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve();
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await post(next++);
  }));
  const rate = n / ((performance.now() - t0) / 1000);
  agent.destroy();
  return rate;
}

const stats = (xs: number[]): { median: number; min: number; max: number } => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]! };
};

export async function runEvalBench(options: Partial<EvalBenchOptions> = {}): Promise<EvalBenchResult> {
  const o = { ...EVAL_BENCH_DEFAULTS, ...options };
  const dir = mkdtempSync(join(tmpdir(), 'fathom-bench-eval-'));
  const runs: EvalBenchRun[] = [];
  try {
    const data = join(dir, 'items.jsonl');
    writeFileSync(data, Array.from({ length: o.items }, (_, i) => JSON.stringify({ id: `q${i}`, question: question(i), reference: String(2 * i + 1) })).join('\n'));
    for (const delayMs of o.delays) {
      const stub = await spawnStub(delayMs);
      try {
        for (let repeat = 1; repeat <= o.repeats; repeat++) {
          o.onStage?.(`stub ${delayMs} ms, run ${repeat}/${o.repeats}: the stub alone`);
          const stubItemsPerSec = await stubRate(stub.url, o.items, o.concurrency);
          o.onStage?.(`stub ${delayMs} ms, run ${repeat}/${o.repeats}: the eval`);
          const store = new Store(join(dir, `ws-${delayMs}-${repeat}`));
          try {
            const config = evalConfigSchema.parse({
              dataset: { path: data }, solver: 'freeform', scorer: 'contains', concurrency: o.concurrency, candidate: { model: 'stub:m' },
              providers: { stub: { type: 'openai', baseUrl: stub.url, concurrency: o.concurrency } },
            });
            const cpu0 = process.cpuUsage();
            const t0 = performance.now();
            const out = await startEval(store, config);
            const seconds = (performance.now() - t0) / 1000;
            const cpu = process.cpuUsage(cpu0);
            const itemsPerSec = o.items / seconds;
            runs.push({
              delayMs, repeat, itemsPerSec, stubItemsPerSec, ratio: itemsPerSec / stubItemsPerSec, seconds,
              cpuMsPerItem: (cpu.user + cpu.system) / 1000 / o.items,
              peakRssMiB: process.resourceUsage().maxRSS / 1024,
              stored: store.counts(out.runId).items,
              accuracy: out.summary.accuracy.accuracy,
            });
          } finally {
            store.close();
          }
        }
      } finally {
        stub.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const summary = o.delays.map((delayMs): EvalBenchSummary => {
    const rs = runs.filter((r) => r.delayMs === delayMs);
    return {
      delayMs,
      itemsPerSec: stats(rs.map((r) => r.itemsPerSec)),
      stubItemsPerSec: stats(rs.map((r) => r.stubItemsPerSec)),
      ratio: stats(rs.map((r) => r.ratio)),
      cpuMsPerItem: stats(rs.map((r) => r.cpuMsPerItem)),
    };
  });
  return { items: o.items, concurrency: o.concurrency, scorer: 'contains', node: process.version, runs, summary };
}
