// Loads fathom's C++ addon (build/Release/fathom_native.node, built from native/ by
// scripts/build-native.mjs) and describes what it offers. Loading never throws: when the addon is
// missing or broken, `nativeStatus()` says why and how to fix it, and fathom stays on the
// reference backend. The typed `NativeAddon` interface is the one place the C++ signatures are
// written down on the TypeScript side (argument order as in native/bind_*.cc).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingDependencyError } from '../../errors.js';

type F32 = Float32Array;

/** The C++ functions, zero-copy over typed arrays. Optional tensors are passed as null. */
export interface NativeAddon {
  info(): NativeInfo;
  setThreads(n: number): void;
  /** 'avx2' or 'scalar'; false when the CPU or build can't run it. For tests and benchmarks. */
  setIsa(isa: 'avx2' | 'scalar'): boolean;
  opCodes(): Record<string, number>;
  /** Keeps large blocks in glibc's heap (no page faults on reuse); true when applied. Once per process. */
  tuneMalloc(): boolean;
  /** Returns free malloc pages of every arena to the OS (malloc_trim); true when some were released. */
  trimHeap(): boolean;
  /** Row-major C = alpha·op(A)·op(B) + beta·C (OpenBLAS when built with it, else fathom's GEMM). */
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: F32, lda: number, b: F32, ldb: number, beta: number, c: F32, ldc: number): void;
  /** The same, always on fathom's own blocked GEMM (the fallback path). */
  sgemmOwn(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: F32, lda: number, b: F32, ldb: number, beta: number, c: F32, ldc: number): void;
  /** Two independent products (the 13 sgemm arguments of each, one after the other), at once on two cores when OpenBLAS runs a 2-thread pool. */
  sgemmPair(transA1: boolean, transB1: boolean, m1: number, n1: number, k1: number, alpha1: number,
    a1: F32, lda1: number, b1: F32, ldb1: number, beta1: number, c1: F32, ldc1: number,
    transA2: boolean, transB2: boolean, m2: number, n2: number, k2: number, alpha2: number,
    a2: F32, lda2: number, b2: F32, ldb2: number, beta2: number, c2: F32, ldc2: number): void;
  /** The same, straight to cblas_sgemm; throws without OpenBLAS. */
  cblasSgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: F32, lda: number, b: F32, ldb: number, beta: number, c: F32, ldc: number): void;
  /** `batch` products; matrix i starts at i·stride (a stride of 0 shares one matrix). */
  sgemmBatched(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: F32, lda: number, strideA: number, b: F32, ldb: number, strideB: number, beta: number,
    c: F32, ldc: number, strideC: number, batch: number): void;
  /** spec: Float64Array [nd, dims×4, stridesA×4, stridesB×4] (see broadcastSpec in util.ts). */
  binary(op: number, a: F32, b: F32, out: F32, spec: Float64Array): void;
  /** spec as binary's with 4 more strides for cond. */
  where(cond: F32, a: F32, b: F32, out: F32, spec: Float64Array): void;
  unary(op: number, x: F32, out: F32, param: number): void;
  unaryBackward(op: number, x: F32 | null, y: F32 | null, gy: F32, gx: F32, param: number): void;
  /** x as [outer, mid, inner] reduced over mid → out [outer, inner]. */
  reduce(op: number, x: F32, out: F32, outer: number, mid: number, inner: number): void;
  argmax(x: F32, out: F32, outer: number, mid: number, inner: number): void;
  sumSquares(x: F32): number;
  permute(x: F32, out: F32, shape: Float64Array, perm: Int32Array): void;
  /** dst[dstOffset + Σ i·dstStrides] = src[srcOffset + Σ i·srcStrides] over shape (≤ 8 dims). */
  copyStrided(src: F32, srcOffset: number, dst: F32, dstOffset: number, shape: Float64Array,
    srcStrides: Float64Array, dstStrides: Float64Array): void;
  fill(dst: F32, value: number): void;
  layerNormForward(x: F32, w: F32 | null, b: F32 | null, y: F32, mean: F32 | null, rstd: F32 | null,
    rows: number, c: number, eps: number): void;
  layerNormBackward(x: F32, w: F32 | null, mean: F32, rstd: F32, gy: F32, gx: F32 | null,
    gw: F32 | null, gb: F32 | null, rows: number, c: number): void;
  rmsNormForward(x: F32, w: F32 | null, y: F32, rstd: F32 | null, rows: number, c: number, eps: number): void;
  rmsNormBackward(x: F32, w: F32 | null, rstd: F32, gy: F32, gx: F32 | null, gw: F32 | null, rows: number, c: number): void;
  softmaxForward(x: F32, y: F32, rows: number, c: number, log: boolean): void;
  softmaxBackward(y: F32, gy: F32, gx: F32, rows: number, c: number, log: boolean): void;
  logSumExp(x: F32, out: F32, rows: number, c: number): void;
  crossEntropyForward(logits: F32, targets: Int32Array, weights: F32 | null, ignoreIndex: number,
    loss: F32, lse: F32, rows: number, v: number): void;
  crossEntropyBackward(logits: F32, lse: F32, targets: Int32Array, weights: F32 | null,
    ignoreIndex: number, scale: number, gx: F32, rows: number, v: number): void;
  /** dims [batch, hq, hkv, tq, tk, d, dv, offset, causal(0|1), scale]; strides: (b,h,t) × q,k,v,mask,out,gq,gk,gv. */
  attentionForward(q: F32, k: F32, v: F32, mask: F32 | null, out: F32, lse: F32 | null,
    dims: Float64Array, strides: Float64Array): void;
  attentionBackward(q: F32, k: F32, v: F32, mask: F32 | null, lse: F32, gOut: F32, gq: F32,
    gk: F32, gv: F32, dims: Float64Array, strides: Float64Array): void;
  /** x as [n, t, h, d]; cos/sin tables [pos0 + t, d/2]. */
  rope(x: F32, cos: F32, sin: F32, y: F32, n: number, t: number, h: number, d: number, pos0: number,
    interleaved: boolean, inverse: boolean): void;
  embeddingForward(weight: F32, ids: Int32Array, out: F32, n: number, c: number): void;
  /** Adds into gWeight, which the caller zeroes. */
  embeddingBackward(gOut: F32, ids: Int32Array, gWeight: F32, n: number, c: number): void;
  /** In place over param.length elements. */
  adamw(param: F32, grad: F32, m: F32, v: F32, lr: number, beta1: number, beta2: number, eps: number,
    weightDecay: number, biasCorrection1: number, biasCorrection2: number, gradScale: number): void;
}

export interface NativeInfo {
  blas: 'openblas' | 'blocked-avx2' | 'scalar';
  blasConfig: string;
  blasThreads: number;
  isa: 'avx2' | 'scalar';
  threads: number;
  cpus: number;
  avx2: boolean;
  fma: boolean;
  avx2Compiled: boolean;
}

export interface NativeStatus {
  loaded: boolean;
  /** Why the addon is not loaded, with the build log's tail and the fix. */
  reason?: string;
  /** The GEMM path: OpenBLAS, fathom's AVX2 blocked kernel, or the scalar fallback. */
  blas: 'openblas' | 'blocked-avx2' | 'scalar';
  /** Threads of the process-wide pool (FATHOM_THREADS), also given to OpenBLAS. */
  threads: number;
  cpu: { avx2: boolean; fma: boolean };
  /** The addon file that was loaded or looked for. */
  path: string;
  detail?: NativeInfo;
}

const FIX = 'install a compiler and OpenBLAS (Debian/Ubuntu: apt-get install -y libopenblas-dev g++ make python3), '
  + 'then rebuild: npm rebuild fathom (or, in a checkout, node scripts/build-native.mjs)';

/** The package root: the nearest folder above this file with fathom's package.json (src/ under tsx, dist/ when built). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fathom') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The tail of build/native-build.json's log, when the last build failed. */
function buildLogTail(root: string): string | undefined {
  try {
    const report = JSON.parse(readFileSync(join(root, 'build', 'native-build.json'), 'utf8')) as { ok?: boolean; logTail?: string };
    if (report.ok) return undefined;
    return (report.logTail ?? '').split('\n').slice(-12).join('\n');
  } catch {
    return undefined;
  }
}

function load(): { addon: NativeAddon | null; status: NativeStatus } {
  const root = packageRoot();
  const path = join(root, 'build', 'Release', 'fathom_native.node');
  const cpuUnknown = { avx2: false, fma: false };
  if (process.env.FATHOM_NATIVE === '0') {
    return { addon: null, status: { loaded: false, reason: 'disabled by FATHOM_NATIVE=0', blas: 'scalar', threads: 1, cpu: cpuUnknown, path } };
  }
  if (!existsSync(path)) {
    const tail = buildLogTail(root);
    const reason = tail
      ? `the native addon failed to build (build/native-build.json):\n${tail}\nFix: ${FIX}`
      : `the native addon is not built (${path} is missing). Fix: ${FIX}`;
    return { addon: null, status: { loaded: false, reason, blas: 'scalar', threads: 1, cpu: cpuUnknown, path } };
  }
  // OpenBLAS's idle threads busy-wait ≈ 0.1 s (2^28 cycles) after each GEMM, taking a core from
  // the pool's kernels that run next: that halved the train step's speed. Its shortest timeout
  // makes them sleep at once (waking one costs microseconds per GEMM). OpenBLAS reads this once,
  // when the addon loads it; a value the user set is kept, and the variable is not left behind
  // for child processes.
  const ownTimeout = process.env.OPENBLAS_THREAD_TIMEOUT === undefined;
  if (ownTimeout) process.env.OPENBLAS_THREAD_TIMEOUT = '4';
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    const info = addon.info();
    return {
      addon,
      status: { loaded: true, blas: info.blas, threads: info.threads, cpu: { avx2: info.avx2, fma: info.fma }, path, detail: info },
    };
  } catch (err) {
    const reason = `the native addon at ${path} failed to load: ${(err as Error).message}. Fix: ${FIX}`;
    return { addon: null, status: { loaded: false, reason, blas: 'scalar', threads: 1, cpu: cpuUnknown, path } };
  } finally {
    if (ownTimeout) delete process.env.OPENBLAS_THREAD_TIMEOUT;
  }
}

const loaded = load();

/** What the native addon is (or why it is absent), for `fathom doctor` and the backend registry. */
export function nativeStatus(): NativeStatus {
  if (!loaded.addon) return loaded.status;
  const info = loaded.addon.info(); // threads or ISA may have changed since load
  return { ...loaded.status, blas: info.blas, threads: info.threads, detail: info };
}

/** The addon, or null when it is not loaded. */
export function nativeAddon(): NativeAddon | null {
  return loaded.addon;
}

/** The addon; throws MissingDependencyError (with the reason and the fix) when it is not loaded. */
export function requireNative(): NativeAddon {
  if (!loaded.addon) throw new MissingDependencyError(`native backend: ${loaded.status.reason ?? 'not loaded'}`, 'run `fathom doctor` to see the build status');
  return loaded.addon;
}

/** Sets the thread count of the pool and of OpenBLAS (the FATHOM_THREADS default is the CPU count). */
export function setNativeThreads(n: number): void {
  requireNative().setThreads(n);
}
