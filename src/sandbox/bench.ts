// `fathom bench sandbox`: what isolation costs. Per-run overhead of fathom's sandbox over a bare
// spawn of the same binary (median ms), beside the peer the issue measured — a plain
// `bwrap` + `prlimit` wrapper (≈9 ms over bare on a 2-core machine) — and throughput with a warm
// compile cache: sandboxed runs/s and full counterexample verdicts/s with 2 workers.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { createSandbox, DEFAULT_LIMITS, findBwrap, type CompiledProgram, type Sandbox } from './index.js';

export interface SandboxBenchResult {
  runs: number;
  isolated: boolean;
  /** Median wall ms of one run, spawned from Node and awaited, stdout captured. */
  bareMs: number;
  sandboxMs: number;
  /** The peer: bwrap + prlimit around the same binary (null without bwrap/prlimit). */
  peerMs: number | null;
  overheadMs: number;
  peerOverheadMs: number | null;
  /** fathom's overhead / the peer's overhead. */
  overheadRatio: number | null;
  /** Compile of a small C++ program: cold (cache miss; null when it was cached already) and warm (hit). */
  compileColdMs: number | null;
  compileWarmMs: number;
  workers: number;
  /** Sandboxed runs per second with `workers` at once. */
  runsPerSecond: number;
  /** Sandboxed runs per second of the bare binary with `workers` at once. */
  bareRunsPerSecond: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

function spawnOnce(cmd: string, args: string[], input: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.resume();
    child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && out.trim() === '5' ? resolve(performance.now() - t0) : reject(new Error(`${cmd} exited ${code}: ${out}`))));
  });
}

/** The peer: bwrap with read-only system binds, then prlimit, then the program. */
function peerArgs(binary: string): string[] | null {
  const prlimit = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));
  if (!prlimit) return null;
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/lib', '/lib64', '/sbin']) {
    try {
      if (lstatSync(top).isSymbolicLink()) args.push('--symlink', `usr${top}`, top);
      else args.push('--ro-bind', top, top);
    } catch { /* absent */ }
  }
  args.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--ro-bind', binary, '/prog',
    prlimit, '--cpu=2', '--as=268435456', '--fsize=67108864', '--nofile=64', '--nproc=16', '/prog');
  return args;
}

async function throughput(n: number, workers: number, one: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next++ < n) await one();
  }));
  return n / ((performance.now() - t0) / 1000);
}

export const BENCH_SOURCE = '#include <cstdio>\nint main(){ long long a, b; if (scanf("%lld %lld", &a, &b) != 2) return 1; printf("%lld\\n", a + b); }\n';

export async function runSandboxBench(opts: { runs?: number; workers?: number; unsafeNoSandbox?: boolean; onRun?: () => void } = {}): Promise<SandboxBenchResult> {
  const runs = opts.runs ?? 200;
  const workers = opts.workers ?? 2;
  const sandbox: Sandbox = createSandbox({ concurrency: workers, ...(opts.unsafeNoSandbox ? { unsafeNoSandbox: true } : {}) });
  let t0 = performance.now();
  const compiled = await sandbox.compile(BENCH_SOURCE, 'cpp');
  const firstMs = performance.now() - t0;
  if (!compiled.ok) throw new Error(`bench sandbox: the benchmark program does not compile: ${compiled.stderr}`);
  const program: CompiledProgram = compiled;
  t0 = performance.now();
  await sandbox.compile(BENCH_SOURCE, 'cpp');
  const compileWarmMs = performance.now() - t0;
  const input = '2 3\n';
  const sandboxed = async () => {
    const t = performance.now();
    const r = await sandbox.run({ program, stdin: input, limits: DEFAULT_LIMITS });
    if (r.verdict !== 'ok' || r.stdout.trim() !== '5') throw new Error(`bench sandbox: unexpected run ${r.verdict}: ${r.reason} ${r.stderr}`);
    opts.onRun?.();
    return performance.now() - t;
  };
  const bwrap = findBwrap();
  const peer = bwrap && !opts.unsafeNoSandbox ? peerArgs(program.path) : null;
  // Interleaved, so a burst of load on a shared machine hits all three alike.
  const bare: number[] = [];
  const box: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < 5; i++) { await spawnOnce(program.path, [], input); await sandboxed(); if (peer) await spawnOnce(bwrap!, peer, input); }
  for (let i = 0; i < runs; i++) {
    bare.push(await spawnOnce(program.path, [], input));
    box.push(await sandboxed());
    if (peer) plain.push(await spawnOnce(bwrap!, peer, input));
  }
  const bareMs = median(bare);
  const sandboxMs = median(box);
  const peerMs = peer ? median(plain) : null;
  const runsPerSecond = await throughput(runs, workers, sandboxed);
  const bareRunsPerSecond = await throughput(runs, workers, () => spawnOnce(program.path, [], input));
  const overheadMs = sandboxMs - bareMs;
  const peerOverheadMs = peerMs === null ? null : peerMs - bareMs;
  return {
    runs, isolated: sandbox.isolated,
    bareMs: r2(bareMs), sandboxMs: r2(sandboxMs), peerMs: peerMs === null ? null : r2(peerMs),
    overheadMs: r2(overheadMs), peerOverheadMs: peerOverheadMs === null ? null : r2(peerOverheadMs),
    overheadRatio: peerOverheadMs ? r2(overheadMs / peerOverheadMs) : null,
    compileColdMs: compiled.cached ? null : Math.round(firstMs), compileWarmMs: r2(compileWarmMs),
    workers, runsPerSecond: r2(runsPerSecond), bareRunsPerSecond: r2(bareRunsPerSecond),
  };
}
