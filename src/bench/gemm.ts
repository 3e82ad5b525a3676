// GEMM benchmark behind `fathom bench gemm --sizes 64,256,512,1024 --json` and bench/gemm.ts:
// square float32 C = A·B through fathom's tensor API (matmul → op registry → native kernel → sgemm) against the
// same product made directly to the BLAS through a raw cblas_sgemm binding, and fathom's own
// blocked GEMM (the fallback when OpenBLAS is absent) called directly.
//
// Like for like, the direct BLAS call writes a new output array each time, allocated as the
// tensor path allocates its own (uninitialised, see src/tensor/native/util.ts): a matmul returns
// a new tensor. `blasWarmGflops` also reports the BLAS writing into one preallocated array that
// stays in cache — an upper bound no allocating API reaches (≈ 10% above at 512², where the
// 1 MB output no longer fits the cache once it is fresh).
//
// How the ratio is measured. A call's time varies by ±20% from one call to the next on a shared
// 2-core machine (the other core's load, OpenBLAS's worker waking up, the allocator), and a
// process as a whole runs a few percent faster or slower than the next one. So the tensor call
// and the direct call are timed as adjacent pairs, in alternating order, and the ratio is the
// median of the per-pair ratios: drift that spans a pair cancels, and the interquartile range of
// the pair ratios is reported beside it so the spread is visible. The cache-warm BLAS call and
// fathom's own GEMM are timed afterwards on their own, outside the pairs.
// Requirement (issue 3): ratio ≥ 0.95 at 512 and 1024.
import { matmul, noGrad, tensor, withBackend } from '../tensor/index.js';
import { nativeStatus, requireNative } from '../tensor/native/index.js';
import { output } from '../tensor/native/util.js';

export interface GemmBenchOptions {
  /** Square sizes n (C[n,n] = A[n,n]·B[n,n]). */
  sizes: readonly number[];
  /** Timed pairs (tensor call + direct call) per size; default: ≈ 1 s of each path, 15..1000. */
  repeats?: number;
}

export interface GemmBenchRow {
  size: number;
  /** fathom's matmul through the tensor API, GFLOP/s (2n³ per call, median call). */
  gflops: number;
  /** The same product straight to cblas_sgemm into a new output array; null without OpenBLAS. */
  blasGflops: number | null;
  /** Median over timed pairs of (direct BLAS time / tensor time); null without OpenBLAS. */
  ratio: number | null;
  /** First and third quartiles of the pair ratios; null without OpenBLAS. */
  ratioIqr: [number, number] | null;
  /** Timed pairs behind `ratio` (timed calls per path). */
  pairs: number;
  /** cblas_sgemm into one preallocated, cache-warm output (an upper bound); null without OpenBLAS. */
  blasWarmGflops: number | null;
  /** fathom's own blocked GEMM called directly (the portable path). */
  ownGflops: number;
  /** What fathom's matmul ran on: 'openblas', 'blocked-avx2' or 'scalar'. */
  backend: string;
  threads: number;
}

export interface GemmBenchResult {
  /** The tensor backend matmul ran on ('native'). */
  backend: string;
  /** fathom's GEMM path: 'openblas', 'blocked-avx2' or 'scalar'. */
  blas: string;
  /** Threads of the pool and of OpenBLAS. */
  threads: number;
  rows: GemmBenchRow[];
}

export function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/**
 * Times `a` and `b` as `pairs` adjacent calls, alternating which goes first, so drift that spans
 * a pair cancels: each side's seconds per call, and each pair's ratio (b's time / a's).
 */
export function timePairs(a: () => void, b: () => void, pairs: number): { a: number[]; b: number[]; ratios: number[] } {
  const out = { a: [] as number[], b: [] as number[], ratios: [] as number[] };
  for (let r = 0; r < pairs; r++) {
    let ta: number, tb: number;
    if (r % 2 === 0) {
      ta = seconds(a);
      tb = seconds(b);
    } else {
      tb = seconds(b);
      ta = seconds(a);
    }
    out.a.push(ta);
    out.b.push(tb);
    out.ratios.push(tb / ta);
  }
  return out;
}

/** Times `fn` alone: ≥ `minCalls` calls and ≈ `budget` seconds (at most 1,000 calls); the median call. */
function medianTime(fn: () => void, budget: number, minCalls: number): number {
  const times: number[] = [];
  let spent = 0;
  while (times.length < minCalls || (spent < budget && times.length < 1000)) {
    const t = seconds(fn);
    times.push(t);
    spent += t;
  }
  return median(times);
}

export function runGemmBench(options: GemmBenchOptions): GemmBenchResult {
  const addon = requireNative();
  const status = nativeStatus();
  const hasBlas = status.blas === 'openblas';
  const rows: GemmBenchRow[] = [];
  for (const n of options.sizes) {
    const flops = 2 * n * n * n;
    const fill = (seed: number) => Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.618 + seed));
    const a = fill(1), b = fill(2), c = new Float32Array(n * n); // c: the warm, reused output
    const ta = tensor(a, [n, n]), tb = tensor(b, [n, n]);
    const viaTensor = () => withBackend('native', () => noGrad(() => matmul(ta, tb)));
    const direct = () => addon.cblasSgemm(false, false, n, n, n, 1, a, n, b, n, 0, output(n * n), n);
    const warm = () => addon.cblasSgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
    const own = () => addon.sgemmOwn(false, false, n, n, n, 1, a, n, b, n, 0, output(n * n), n);
    const rival = hasBlas ? direct : own; // what the tensor path is paired with
    // Warm-up (≥ 0.5 s): thread start-up, caches, and the allocator's steady state, reached once
    // the heap holds a GC cycle's worth of outputs (see native/addon.cc).
    const warmUntil = performance.now() + 500;
    let perCall = Infinity;
    for (let i = 0; i < 3 || (performance.now() < warmUntil && i < 200); i++) {
      perCall = Math.min(perCall, seconds(viaTensor));
      rival();
    }
    const pairs = options.repeats ?? Math.min(1000, Math.max(15, Math.round(1 / perCall)));
    const { a: tensorTimes, b: rivalTimes, ratios } = timePairs(viaTensor, rival, pairs);
    const rate = (time: number) => flops / time / 1e9;
    const budget = Math.min(0.5, pairs * perCall / 2);
    rows.push({
      size: n,
      gflops: rate(median(tensorTimes)),
      blasGflops: hasBlas ? rate(median(rivalTimes)) : null,
      ratio: hasBlas ? median(ratios) : null,
      ratioIqr: hasBlas ? [quantile(ratios, 0.25), quantile(ratios, 0.75)] : null,
      pairs,
      blasWarmGflops: hasBlas ? rate(medianTime(warm, budget, 9)) : null,
      ownGflops: hasBlas ? rate(medianTime(own, budget, 9)) : rate(median(rivalTimes)),
      backend: status.blas,
      threads: status.threads,
    });
  }
  return { backend: 'native', blas: status.blas, threads: status.threads, rows };
}
