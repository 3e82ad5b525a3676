// Native kernels for the data-movement ops that copy: slice (when the region is not contiguous;
// contiguous slices stay views, as in the reference), sliceBackward (zeros with the gradient
// written into the region) and concat. All are one strided copy in C++ (copyStrided), with
// adjacent dimensions merged first so the copies run over long contiguous rows.
import { registerKernel } from '../registry.js';
import { stridesOf } from '../shape.js';
import type { TensorData } from '../types.js';
import type { NativeAddon } from './addon.js';
import { f32, isF32, output, product, reference } from './util.js';

/** Merges dims where both operands stay contiguous across them, and drops size-1 dims. */
function merge(shape: readonly number[], a: readonly number[], b: readonly number[]): [Float64Array, Float64Array, Float64Array] {
  const dims: number[] = [], sa: number[] = [], sb: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && sa[last] === a[i]! * d && sb[last] === b[i]! * d) {
      dims[last] = dims[last]! * d;
      sa[last] = a[i]!;
      sb[last] = b[i]!;
    } else {
      dims.push(d);
      sa.push(a[i]!);
      sb.push(b[i]!);
    }
  }
  if (dims.length === 0) return [Float64Array.of(1), Float64Array.of(1), Float64Array.of(1)];
  return [Float64Array.from(dims), Float64Array.from(sa), Float64Array.from(sb)];
}

export function registerLayout(addon: NativeAddon): void {
  // Copies a region of `shape` (≤ 8 dims) between two strided layouts.
  const copyRegion = (src: Float32Array, srcAt: number, srcStrides: readonly number[], dst: Float32Array, dstAt: number, dstStrides: readonly number[], shape: readonly number[]): void => {
    if (product(shape) === 0) return;
    const [dims, ss, ds] = merge(shape, srcStrides, dstStrides);
    addon.copyStrided(src, srcAt, dst, dstAt, dims, ss, ds);
  };

  registerKernel('slice', 'native', (inputs, attrs) => {
    const x = inputs[0]!;
    const shape = attrs.starts.map((s, i) => attrs.ends[i]! - s);
    const strides = stridesOf(x.shape);
    let base = 0;
    for (let i = 0; i < attrs.starts.length; i++) base += attrs.starts[i]! * strides[i]!;
    // A contiguous region (leading extents 1, one partial axis, then full axes) is a view.
    let k = 0;
    while (k < shape.length && shape[k] === 1) k++;
    let contiguous = true;
    for (let i = k + 1; i < shape.length; i++) if (shape[i] !== x.shape[i]) contiguous = false;
    const size = product(shape);
    if (contiguous) return { shape, dtype: x.dtype, data: x.data.subarray(base, base + size) };
    if (!isF32(x) || shape.length > 8) return reference('slice', inputs, attrs)[0]!;
    const out = output(size);
    copyRegion(f32(x), base, strides, out, 0, stridesOf(shape), shape);
    return { shape, dtype: 'float32', data: out };
  });

  registerKernel('sliceBackward', 'native', (inputs, attrs) => {
    const dy = inputs[0]!;
    if (!isF32(dy) || attrs.shape.length > 8) return reference('sliceBackward', inputs, attrs)[0]!;
    const out = output(product(attrs.shape));
    addon.fill(out, 0);
    const strides = stridesOf(attrs.shape);
    let base = 0;
    for (let i = 0; i < attrs.starts.length; i++) base += attrs.starts[i]! * strides[i]!;
    copyRegion(f32(dy), 0, stridesOf(dy.shape), out, base, strides, dy.shape);
    return { shape: attrs.shape, dtype: 'float32', data: out };
  });

  registerKernel('concat', 'native', (inputs, attrs) => {
    const first = inputs[0]!;
    if (!isF32(...inputs) || first.shape.length > 8) return reference('concat', inputs, attrs)[0]!;
    const shape = [...first.shape];
    shape[attrs.axis] = inputs.reduce((s, t: TensorData) => s + t.shape[attrs.axis]!, 0);
    const out = output(product(shape));
    const outStrides = stridesOf(shape);
    let at = 0;
    for (const t of inputs) {
      copyRegion(f32(t), 0, stridesOf(t.shape), out, at * outStrides[attrs.axis]!, outStrides, t.shape);
      at += t.shape[attrs.axis]!;
    }
    return { shape, dtype: 'float32', data: out };
  });
}
