// Native kernels for the elementwise ops (binary with broadcasting, where, unary, the fused
// activations gelu/silu and their backward), broadcastTo and permute. float64 and broadcasts
// that don't collapse to 4 dims go to the reference kernels.
import { registerKernel } from '../registry.js';
import type { NoAttrs } from '../op-attrs.js';
import { broadcastShapes, sameShape } from '../shape.js';
import type { TensorData } from '../types.js';
import type { NativeAddon } from './addon.js';
import { BinaryOp, UnaryOp } from './ops.js';
import type { BinaryOpName, UnaryOpName } from './ops.js';
import { broadcastSpec, f32, isF32, output, product, reference } from './util.js';

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'eq' | 'gt';
type UnaryName = 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'tanh' | 'sigmoid' | 'relu' | 'silu';

const ONE = new Float32Array([1]);

export function registerElementwise(addon: NativeAddon): void {
  const binary = (name: BinaryName, op: BinaryOpName) => (inputs: readonly TensorData[]): TensorData => {
    const [a, b] = inputs as [TensorData, TensorData];
    if (!isF32(a, b)) return reference(name, inputs, {})[0]!;
    const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(name, a.shape, b.shape);
    const spec = broadcastSpec(shape, [a.shape, b.shape]);
    if (!spec) return reference(name, inputs, {})[0]!;
    const out = output(product(shape));
    addon.binary(BinaryOp[op], f32(a), f32(b), out, spec);
    return { shape, dtype: 'float32', data: out };
  };
  const binaries: [BinaryName, BinaryOpName][] = [
    ['add', 'add'], ['sub', 'sub'], ['mul', 'mul'], ['div', 'div'], ['pow', 'pow'], ['eq', 'eq'], ['gt', 'gt'],
  ];
  for (const [name, op] of binaries) registerKernel(name, 'native', binary(name, op));

  registerKernel('where', 'native', (inputs) => {
    const [c, a, b] = inputs as [TensorData, TensorData, TensorData];
    if (!isF32(c, a, b)) return reference('where', inputs, {})[0]!;
    const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape);
    // The C++ spec lists a, b, then cond.
    const spec = broadcastSpec(shape, [a.shape, b.shape, c.shape]);
    if (!spec) return reference('where', inputs, {})[0]!;
    const out = output(product(shape));
    addon.where(f32(c), f32(a), f32(b), out, spec);
    return { shape, dtype: 'float32', data: out };
  });

  const unary = (name: UnaryName, op: UnaryOpName) => (inputs: readonly TensorData[]): TensorData => {
    const x = inputs[0]!;
    if (!isF32(x)) return reference(name, inputs, {} as NoAttrs)[0]!;
    const out = output(x.data.length);
    addon.unary(UnaryOp[op], f32(x), out, 0);
    return { shape: x.shape, dtype: 'float32', data: out };
  };
  const unaries: UnaryName[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'tanh', 'sigmoid', 'relu', 'silu'];
  for (const name of unaries) registerKernel(name, 'native', unary(name, name));

  // Fused activations: forward from x, backward [dy, x] → dx.
  const backward = (dy: TensorData, x: TensorData, op: UnaryOpName): TensorData => {
    const gx = output(x.data.length);
    addon.unaryBackward(UnaryOp[op], f32(x), null, f32(dy), gx, 0);
    return { shape: x.shape, dtype: 'float32', data: gx };
  };
  registerKernel('siluBackward', 'native', (inputs) => {
    const [dy, x] = inputs as [TensorData, TensorData];
    return isF32(dy, x) ? backward(dy, x, 'silu') : reference('siluBackward', inputs, {})[0]!;
  });
  registerKernel('gelu', 'native', (inputs, attrs) => {
    const x = inputs[0]!;
    if (!isF32(x)) return reference('gelu', inputs, attrs)[0]!;
    const out = output(x.data.length);
    addon.unary(UnaryOp[attrs.approximate === 'tanh' ? 'geluTanh' : 'geluErf'], f32(x), out, 0);
    return { shape: x.shape, dtype: 'float32', data: out };
  });
  registerKernel('geluBackward', 'native', (inputs, attrs) => {
    const [dy, x] = inputs as [TensorData, TensorData];
    if (!isF32(dy, x)) return reference('geluBackward', inputs, attrs)[0]!;
    return backward(dy, x, attrs.approximate === 'tanh' ? 'geluTanh' : 'geluErf');
  });

  // broadcastTo as x·1 over the broadcast (exact, keeps -0 and NaN).
  registerKernel('broadcastTo', 'native', (inputs, attrs) => {
    const x = inputs[0]!;
    const spec = isF32(x) ? broadcastSpec(attrs.shape, [x.shape, []]) : null;
    if (!spec) return reference('broadcastTo', inputs, attrs)[0]!;
    const out = output(product(attrs.shape));
    addon.binary(BinaryOp.mul, f32(x), ONE, out, spec);
    return { shape: attrs.shape, dtype: 'float32', data: out };
  });

  registerKernel('permute', 'native', (inputs, attrs) => {
    const x = inputs[0]!;
    if (!isF32(x) || x.shape.length > 8 || x.shape.length === 0) return reference('permute', inputs, attrs)[0]!;
    const shape = attrs.dims.map((d) => x.shape[d]!);
    const out = output(x.data.length);
    addon.permute(f32(x), out, Float64Array.from(x.shape), Int32Array.from(attrs.dims));
    return { shape, dtype: 'float32', data: out };
  });
}
