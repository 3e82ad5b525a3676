// Reclaiming tensor storage. Tensor data lives in typed arrays whose memory is outside V8's heap
// (~100 bytes of JS object per tensor, kilobytes to megabytes of data). V8 schedules collections
// by its own heap's growth, so dead tensors' storage piles up — measured at 30–70 MB of garbage
// for a tiny model, with the resident set creeping up for a thousand steps as the peaks vary —
// and activations that happen to be live at a mid-step scavenge get promoted, so their storage
// waits for a full collection. PyTorch frees storage by reference counting; fathom instead, at the
// end of each backward pass (a step boundary, when the step's graph is dead):
//   * runs a young-generation collection (~0.1 ms) once 4 MB of tensor storage has been
//     allocated since the last one, so a step's temporaries die young instead of being promoted;
//   * runs a full collection once external garbage exceeds max(32 MB, live tensor memory), the
//     budget doubling whenever a full collection costs more than 5% of the time since the last.
// Measured on a tiny gpt2 (dim 32, 2 layers, batch 2×16; test/tensor/rss-child.ts), resident set
// from step 200 to 2,000: +2% with this (reference 103 → 105 MB, native 107 → 110 MB) against
// +22% / +12% without (109 → 133 MB, 119 → 134 MB); step time unchanged or slightly better.
// Set FATHOM_GC=off to leave collection entirely to V8.
import v8 from 'node:v8';
import vm from 'node:vm';

type GcFn = (options?: { type?: 'minor' | 'major' }) => void;

function exposeGc(): GcFn | null {
  if (process.env.FATHOM_GC === 'off') return null;
  const existing = (globalThis as { gc?: GcFn }).gc;
  if (typeof existing === 'function') return existing;
  try {
    // The gc extension, installed into a fresh context (the `expose-gc` package's technique).
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as GcFn) : null;
  } catch {
    return null;
  }
}

const MINOR_EVERY = 4 * 1024 * 1024;
const MIN_BUDGET = 32 * 1024 * 1024;
const MAX_GC_SHARE = 0.05;

// Exposed lazily, at the first backward(): importing fathom without training touches no V8 flag.
let gc: GcFn | null | undefined;
// Backing stores are freed by a concurrent sweeper after a collection, so the external-memory
// figure read right after one is stale. Each threshold is measured from the lowest figure seen
// since the last collection of that kind instead.
let floorMinor = Infinity;
let floorMajor = Infinity;
let budget = MIN_BUDGET;
let lastGcEnd = performance.now();
let minor = 0;
let major = 0;

/**
 * Called at the end of every backward(): collects young garbage every few MB of tensor storage and
 * everything when older garbage exceeds the budget. Costs one heap-statistics read (~4 µs) otherwise.
 */
export function reclaimIfNeeded(): void {
  if (gc === undefined) gc = exposeGc();
  if (!gc) return;
  trimIfDue(performance.now());
  const external = v8.getHeapStatistics().external_memory;
  floorMinor = Math.min(floorMinor, external);
  floorMajor = Math.min(floorMajor, external);
  if (external - floorMajor >= Math.max(budget, floorMajor)) {
    const t0 = performance.now();
    gc();
    const t1 = performance.now();
    major++;
    floorMinor = floorMajor = Infinity;
    trimPending = true;
    if (t1 - t0 > MAX_GC_SHARE * (t0 - lastGcEnd)) budget *= 2; // a large JS heap makes each one dear
    lastGcEnd = t1;
  } else if (external - floorMinor >= MINOR_EVERY) {
    gc({ type: 'minor' });
    minor++;
    floorMinor = Infinity;
    trimPending = true;
  }
}

// Returning freed pages to the OS. A collection frees tensor storage in the C allocator's heap,
// leaving holes between live blocks that stay resident; which holes a step's allocations later
// fill depends on each collection's timing, so without trimming the resident set follows the
// high-water mark of all the steps so far and creeps (measured +2–6% from step 200 to 2,000 on a
// tiny model). The native module registers glibc's malloc_trim here; it runs at the step
// boundary after a collection (once the concurrent sweeper has freed the dead backing stores),
// limited to 2% of the time between trims.
let trimHeap: (() => boolean) | null = null;
let trimPending = false;
let lastTrimEnd = 0;
let lastTrimMs = 0;
let trims = 0;
const MAX_TRIM_SHARE = 0.02;

/** Installs the function that returns free allocator pages to the OS (the native module calls this). */
export function registerHeapTrim(fn: () => boolean): void {
  trimHeap = fn;
}

function trimIfDue(now: number): void {
  if (!trimHeap || !trimPending || lastTrimMs > MAX_TRIM_SHARE * (now - lastTrimEnd)) return;
  trimPending = false;
  trimHeap();
  lastTrimEnd = performance.now();
  lastTrimMs = lastTrimEnd - now;
  trims++;
}

/**
 * How V8 collects in this process: 'single-threaded' under `node --single-threaded-gc` (as the
 * fathom command runs), else 'concurrent' (background marking and sweeping threads, which share
 * the cores with the engine's threads). A start-up flag: it cannot be changed from inside.
 */
export function gcMode(): 'single-threaded' | 'concurrent' {
  return process.execArgv.includes('--single-threaded-gc') ? 'single-threaded' : 'concurrent';
}

/** What the reclaimer is doing, for `fathom doctor` and tests. */
export function memoryStatus(): { enabled: boolean; budgetBytes: number; liveBytes: number; minorCollections: number; fullCollections: number; heapTrims: number } {
  return { enabled: gc !== null && process.env.FATHOM_GC !== 'off', budgetBytes: budget, liveBytes: Number.isFinite(floorMajor) ? floorMajor : 0, minorCollections: minor, fullCollections: major, heapTrims: trims };
}
