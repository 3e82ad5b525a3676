// The engine part of `fathom doctor`: which tensor backend is active (native with OpenBLAS, native
// portable, or the TypeScript reference), why, and how to get the fast one.
import { backendStatus, gcMode } from '../../tensor/index.js';
import { nativeStatus, type NativeStatus } from '../../tensor/native/index.js';

export interface EngineReport {
  ok: boolean;
  detail: string;
  enables: string;
  fix?: string;
  /** The backend ops run on now. */
  backend: 'native' | 'reference';
  /** 'native (openblas)', 'native (blocked-avx2)', 'native (scalar)' or 'reference'. */
  kind: string;
  native: NativeStatus;
  /** V8's garbage collector: on the main thread ('single-threaded', as the fathom command runs) or with background threads. */
  gc: 'single-threaded' | 'concurrent';
}

function gcNote(gc: EngineReport['gc']): string {
  return gc === 'single-threaded'
    ? 'V8 GC single-threaded'
    : 'V8 GC concurrent (node --single-threaded-gc, as the fathom command runs, trained up to 13% faster on 2 cores)';
}

export async function engineReport(): Promise<EngineReport> {
  const status = backendStatus();
  const native = nativeStatus();
  const enables = 'fast training and inference (the native C++ engine; the reference engine is 10-100x slower)';
  const kind = status.active === 'native' ? `native (${native.blas})` : 'reference';
  const gc = gcMode();
  const fix = 'apt-get install -y libopenblas-dev g++ make python3 && npm rebuild fathom (in a checkout: node scripts/build-native.mjs)';
  if (!native.loaded) {
    return { ok: false, backend: status.active, kind, native, gc, enables, fix, detail: `reference backend active; native addon not loaded: ${(native.reason ?? 'unknown reason').split('\n')[0]}` };
  }
  const detail = `${kind} active, ${native.threads} threads, cpu avx2=${native.cpu.avx2} fma=${native.cpu.fma}, ${gcNote(gc)}`;
  if (native.blas !== 'openblas') {
    return { ok: false, backend: status.active, kind, native, gc, enables: 'the fastest GEMM (OpenBLAS); the portable GEMM reaches about 2/3 of it', fix: 'apt-get install -y libopenblas-dev && npm rebuild fathom (in a checkout: node scripts/build-native.mjs)', detail };
  }
  if (status.active !== 'native') {
    return { ok: true, backend: status.active, kind, native, gc, enables, detail: `${detail}; FATHOM_BACKEND=${process.env.FATHOM_BACKEND ?? ''} selects the reference backend` };
  }
  return { ok: true, backend: status.active, kind, native, gc, enables, detail };
}
