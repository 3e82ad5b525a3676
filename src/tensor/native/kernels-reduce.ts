// Native kernels for the reductions sum, max (any set of axes, one C++ pass per run of adjacent
// reduced axes) and logsumexp over the last axis. Bias gradients (sum over leading axes) are the
// hot case: the C++ kernel splits their columns across threads.
import { registerKernel } from '../registry.js';
import type { ReduceAttrs } from '../op-attrs.js';
import type { TensorData } from '../types.js';
import type { NativeAddon } from './addon.js';
import { ReduceOp } from './ops.js';
import { f32, isF32, output, product, reference } from './util.js';

/** Runs of adjacent axes, e.g. [0, 1, 3] → [[0, 1], [3, 3]]. */
function runsOf(axes: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a - 1) last[1] = a;
    else runs.push([a, a]);
  }
  return runs;
}

function outShape(shape: readonly number[], { axes, keepdim }: ReduceAttrs): number[] {
  return keepdim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

export function registerReductions(addon: NativeAddon): void {
  const reduction = (name: 'sum' | 'max', op: number) => (inputs: readonly TensorData[], attrs: ReduceAttrs): TensorData => {
    const x = inputs[0]!;
    if (!isF32(x) || x.data.length === 0) return reference(name, inputs, attrs)[0]!;
    let data = f32(x);
    const shape = [...x.shape];
    // Last run first, so earlier axes keep their positions; each pass leaves size-1 axes behind.
    for (const [a0, a1] of runsOf(attrs.axes).reverse()) {
      const outer = product(shape.slice(0, a0));
      const mid = product(shape.slice(a0, a1 + 1));
      const inner = product(shape.slice(a1 + 1));
      const out = output(outer * inner);
      addon.reduce(op, data, out, outer, mid, inner);
      data = out;
      for (let i = a0; i <= a1; i++) shape[i] = 1;
    }
    if (attrs.axes.length === 0) data = data.slice(); // a reduction over no axes is a copy
    return { shape: outShape(x.shape, attrs), dtype: 'float32', data };
  };
  registerKernel('sum', 'native', reduction('sum', ReduceOp.sum));
  registerKernel('max', 'native', reduction('max', ReduceOp.max));

  registerKernel('logsumexp', 'native', (inputs, attrs) => {
    const x = inputs[0]!;
    const last = x.shape.length - 1;
    if (!isF32(x) || last < 0 || attrs.axes.length !== 1 || attrs.axes[0] !== last) return reference('logsumexp', inputs, attrs)[0]!;
    const c = x.shape[last]!;
    const rows = product(x.shape.slice(0, last));
    const out = output(rows);
    addon.logSumExp(f32(x), out, rows, c);
    return { shape: outShape(x.shape, attrs), dtype: 'float32', data: out };
  });
}
