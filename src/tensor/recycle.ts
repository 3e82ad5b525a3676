// Recycling of gradient storage that backward() proves dead. A training step allocates about as
// much storage for gradients as for activations (≈ 0.5 GB per step for the benchmark GPT), and
// every fresh typed array counts against V8's external-memory limit: past 64 MB of it V8 starts
// a full mark-compact, so the benchmark step ran ~19 of them per step. Most gradients die inside
// backward() itself — a node's output gradient is dead once its rule has run, unless a view of
// it was passed on — so backward() hands those buffers back here, and kernels that allocate
// through `takeBuffer` (the native backend's float32 outputs) reuse them: later layers' gradients
// become earlier layers' gradients, and the next forward pass's activations.
//
// Safety: only buffers handed out by `takeBuffer` *during the same backward pass* can be
// recycled (never forward activations, user tensors or the seed, which code outside backward may
// still hold), and autograd.ts releases a buffer only when no gradient it still holds shares its
// storage (reshape and contiguous slices are views). A recycled array's old Tensor objects are
// unreachable: gradients of non-leaf tensors are internal to backward(), and leaf gradients are
// copied or added into `.grad`, never aliased.
//
// Forward activations, on request: `backward({ freeActivations: true })` also returns the storage
// of the graph's activations to the pool as their nodes are freed, so the next forward pass reuses
// it instead of allocating afresh. Every new typed array is V8 "external memory", and a step's
// fresh activations made V8 run a young-generation collection every ~32 MB of them (11 per step of
// the benchmark GPT) and mark-compact the promoted ones. Reusing them took the benchmark GPT's
// step from 372–384 to 323–330 ms and a step of nanoGPT's char-level recipe from 43–45 to
// 31–32 ms (`fathom bench train-step`, 2 cores, single-threaded GC). Only an op's own fresh
// output is released (the array a kernel handed out during that op: never a view, an input passed
// through, a leaf or a user tensor), and every tensor over released storage (the activation, its
// views, detached copies) is poisoned: reading it afterwards throws instead of returning the next
// step's numbers.
//
// The pool is bounded (POOL_CAP bytes); beyond it buffers are simply left to the collector.
// FATHOM_RECYCLE=off turns recycling off (every buffer is then fresh, as before).

let enabled = process.env.FATHOM_RECYCLE !== 'off';
const POOL_CAP = 256 * 1024 * 1024;

/** Free float32 arrays by length. */
const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;
/** The backward pass a recyclable buffer was handed out in (0: outside backward). */
const born = new WeakMap<ArrayBuffer, { array: Float32Array; pass: number }>();
let pass = 0; // the current backward pass; 0 outside backward
/** Arrays handed out outside backward passes (forward outputs), with their hand-out number. */
const forwardBorn = new WeakMap<ArrayBuffer, { array: Float32Array; seq: number }>();
let handedOut = 0;
let trackingActivations = false;
let activationsReleased = 0;
let passes = 0;
let reused = 0;
let released = 0;
let reusedBytes = 0;
let freshBytes = 0;

/**
 * A float32 array of exactly `n` elements whose contents are garbage (the caller overwrites all
 * of it): a recycled one when the pool has that length, else `fresh(n)`, which must return an
 * array that covers its whole ArrayBuffer (not a view into a shared one).
 */
export function takeBuffer(n: number, fresh: (n: number) => Float32Array): Float32Array {
  let array: Float32Array | undefined;
  if (enabled) {
    const free = pool.get(n);
    array = free?.pop();
    if (array) {
      pooledBytes -= array.byteLength;
      reused++;
      reusedBytes += array.byteLength;
    }
  }
  if (!array) {
    array = fresh(n);
    freshBytes += array.byteLength;
  }
  handedOut++;
  if (enabled && pass !== 0) born.set(array.buffer as ArrayBuffer, { array, pass });
  else if (enabled && trackingActivations) forwardBorn.set(array.buffer as ArrayBuffer, { array, seq: handedOut });
  return array;
}

/**
 * @internal autograd: the first backward({ freeActivations }) turns on the bookkeeping of
 * forward buffers (from the next forward pass on). Until then none is kept: a weak-map entry
 * keeps a dead activation alive through young-generation collections, which would promote it,
 * and a plain training loop's resident set then crept by 5–10% over 2,000 steps.
 */
export function trackActivations(): void {
  trackingActivations = true;
}

/** @internal autograd: a mark to pass to `isFreshSince` after running a kernel. */
export function allocationMark(): number {
  return handedOut;
}

/**
 * @internal autograd: whether `data` is a whole array handed out (outside backward) after `mark`,
 * i.e. the kernel that just ran allocated it as its output.
 */
export function isFreshSince(data: Float32Array | Float64Array, mark: number): boolean {
  if (!trackingActivations || !enabled || pass !== 0 || !(data instanceof Float32Array)) return false;
  const entry = forwardBorn.get(data.buffer as ArrayBuffer);
  return entry !== undefined && entry.seq > mark && entry.array === data;
}

/**
 * @internal autograd: returns a forward activation's storage to the pool. The caller guarantees
 * that every tape tensor using it is done with and will be poisoned. False when it was not
 * released (already released, or not a forward buffer).
 */
export function releaseActivation(data: Float32Array | Float64Array): boolean {
  if (!(data instanceof Float32Array)) return false;
  const entry = forwardBorn.get(data.buffer as ArrayBuffer);
  if (!entry) return false;
  forwardBorn.delete(data.buffer as ArrayBuffer);
  activationsReleased++;
  toPool(entry.array);
  return true;
}

/** Puts a free array into the pool; false (left to the collector) when the pool is full. */
function toPool(array: Float32Array): boolean {
  if (pooledBytes + array.byteLength > POOL_CAP) return false;
  let free = pool.get(array.length);
  if (!free) pool.set(array.length, (free = []));
  free.push(array);
  pooledBytes += array.byteLength;
  return true;
}

/** @internal autograd: a backward pass starts; buffers taken from now on may be released in it. */
export function beginBackwardPass(): void {
  pass = ++passes;
}

/** @internal autograd: the backward pass ended; buffers it handed out are no longer recyclable. */
export function endBackwardPass(): void {
  pass = 0;
}

/**
 * @internal autograd: whether `data`'s storage was handed out in this backward pass (and could be
 * released once nothing refers to it).
 */
export function isRecyclable(data: Float32Array | Float64Array): boolean {
  if (pass === 0 || !(data instanceof Float32Array)) return false;
  return born.get(data.buffer as ArrayBuffer)?.pass === pass;
}

/**
 * @internal autograd: returns the storage behind `data` (the whole array it was handed out as,
 * even when `data` is a view) to the pool. The caller guarantees that nothing refers to it.
 */
export function releaseBuffer(data: Float32Array | Float64Array): void {
  if (!isRecyclable(data)) return;
  const entry = born.get(data.buffer as ArrayBuffer)!;
  born.delete(data.buffer as ArrayBuffer); // released once: a second release of a view is a no-op
  if (toPool(entry.array)) released++;
}

/** @internal Turns recycling on or off (tests compare gradients both ways); empties the pool. */
export function setRecycling(on: boolean): void {
  enabled = on;
  pool.clear();
  pooledBytes = 0;
}

/** What recycling is doing, for `fathom doctor` and tests. */
export function recycleStatus(): { enabled: boolean; pooledBytes: number; released: number; activationsReleased: number; reused: number; reusedBytes: number; freshBytes: number } {
  return { enabled, pooledBytes, released, activationsReleased, reused, reusedBytes, freshBytes };
}
