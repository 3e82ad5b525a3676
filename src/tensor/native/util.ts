// Helpers shared by the native kernel registrations: output allocation, the collapsed broadcast
// spec the C++ binary kernels take, and delegation to the reference kernel for patterns the
// native kernels don't cover (float64, unusual broadcasts).
import { runKernel, withBackend } from '../registry.js';
import { takeBuffer } from '../recycle.js';
import { nativeAddon } from './addon.js';
import type { OpAttrs, OpName } from '../op-attrs.js';
import { broadcastStrides } from '../shape.js';
import type { TensorData } from '../types.js';

let tuned = false;

/** Whether tuneMalloc() has been applied (large blocks are then kept resident on purpose). */
export function mallocTuned(): boolean {
  return tuned;
}

/**
 * A float32 output buffer the kernel will overwrite completely. Large ones skip zero-filling
 * (Buffer.allocUnsafeSlow): zeroing and first-touch page faults of a fresh 1 MB array cost
 * ≈ 40–200 µs, as much as a 256³ GEMM. They may also be gradient storage that backward() proved
 * dead and recycled (src/tensor/recycle.ts). Never use this for buffers a kernel accumulates into.
 */
export function output(n: number): Float32Array {
  if (n < 4096) return new Float32Array(n);
  if (!tuned && n >= 262144) {
    // First 1 MB buffer: keep large blocks in glibc's heap from now on (see native/addon.cc).
    tuned = true;
    nativeAddon()?.tuneMalloc();
  }
  return takeBuffer(n, fresh);
}

function fresh(n: number): Float32Array {
  const b = Buffer.allocUnsafeSlow(n * 4); // its own ArrayBuffer, as takeBuffer requires
  return new Float32Array(b.buffer, b.byteOffset, n);
}

export function isF32(...xs: readonly (TensorData | undefined)[]): boolean {
  for (const x of xs) if (x !== undefined && x.dtype !== 'float32') return false;
  return true;
}

export function f32(x: TensorData): Float32Array {
  return x.data as Float32Array;
}

/** Runs the reference kernel of `name` (for inputs the native kernel does not handle). */
export function reference<N extends OpName>(name: N, inputs: readonly TensorData[], attrs: OpAttrs[N]): TensorData[] {
  return withBackend('reference', () => runKernel(name, inputs, attrs));
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Collapses a broadcast of operands (given by shape, right-aligned against `out`) into ≤ 4 dims
 * with per-operand strides, the layout native/kernels.h's Broadcast takes: size-1 output dims
 * are dropped and adjacent dims merged where every operand stays contiguous across them.
 * Returns null when more than 4 dims remain or an innermost stride is not 0/1.
 */
export function broadcastSpec(out: readonly number[], operands: readonly (readonly number[])[]): Float64Array | null {
  const strides = operands.map((s) => broadcastStrides(s, out));
  const dims: number[] = [];
  const st: number[][] = operands.map(() => []);
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k]![last] === s[i]! * d)) {
      dims[last] = dims[last]! * d;
      for (let k = 0; k < strides.length; k++) st[k]![last] = strides[k]![i]!;
    } else {
      dims.push(d);
      for (let k = 0; k < strides.length; k++) st[k]!.push(strides[k]![i]!);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const s of st) s.push(0);
  }
  if (dims.length > 4) return null;
  for (const s of st) if (s[s.length - 1]! > 1) return null;
  const spec = new Float64Array(1 + 4 + 4 * operands.length);
  spec[0] = dims.length;
  dims.forEach((d, i) => (spec[1 + i] = d));
  st.forEach((s, k) => s.forEach((v, i) => (spec[5 + 4 * k + i] = v)));
  return spec;
}
