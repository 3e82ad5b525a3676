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
// The paths are timed in turn, call by call, in a rotating order, and medians are kept, so a
// busy machine slows all alike. Requirement (issue 3): ratio = gflops / blasGflops ≥ 0.95 at 512 and 1024.
import { matmul, noGrad, tensor, withBackend } from '../tensor/index.js';
import { nativeStatus, requireNative } from '../tensor/native/index.js';
import { output } from '../tensor/native/util.js';

export interface GemmBenchOptions {
  /** Square sizes n (C[n,n] = A[n,n]·B[n,n]). */
  sizes: readonly number[];
  /** Timed calls per path and size (the median is kept); default: ≈0.5 s of BLAS time, 9..60. */
  repeats?: number;
}

export interface GemmBenchRow {
  size: number;
  /** fathom's matmul through the tensor API, GFLOP/s (2n³ per call). */
  gflops: number;
  /** The same product straight to cblas_sgemm into a new output array; null without OpenBLAS. */
  blasGflops: number | null;
  /** gflops / blasGflops (null without OpenBLAS). */
  ratio: number | null;
  /** cblas_sgemm into one preallocated, cache-warm output (an upper bound); null without OpenBLAS. */
  blasWarmGflops: number | null;
  /** fathom's own blocked GEMM called directly (the portable path). */
  ownGflops: number;
  /** What fathom's matmul ran on: 'openblas', 'blocked-avx2' or 'scalar'. */
  backend: string;
  threads: number;
}

function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
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
    const paths = hasBlas ? [viaTensor, direct, warm, own] : [viaTensor, own];
    const repeats = options.repeats ?? Math.min(60, Math.max(9, Math.round(0.5 / (flops / 150e9))));
    // Warm-up (≥ 0.5 s): thread start-up, caches, and the allocator's steady state, reached once
    // the heap holds a GC cycle's worth of outputs (see native/addon.cc).
    const warmUntil = performance.now() + 500;
    for (let i = 0; i < 3 || (performance.now() < warmUntil && i < 200); i++) for (const p of paths) p();
    const times = paths.map(() => [] as number[]);
    for (let r = 0; r < repeats; r++) {
      // Rotate the order each round, so no path always follows the same neighbour.
      for (let j = 0; j < paths.length; j++) {
        const i = (j + r) % paths.length;
        times[i]!.push(seconds(paths[i]!));
      }
    }
    const rate = (i: number) => flops / median(times[i]!) / 1e9;
    const gflops = rate(0);
    const blasGflops = hasBlas ? rate(1) : null;
    rows.push({
      size: n, gflops, blasGflops, ratio: blasGflops === null ? null : gflops / blasGflops,
      blasWarmGflops: hasBlas ? rate(2) : null, ownGflops: rate(hasBlas ? 3 : 1), backend: status.blas, threads: status.threads,
    });
  }
  return { backend: 'native', blas: status.blas, threads: status.threads, rows };
}
