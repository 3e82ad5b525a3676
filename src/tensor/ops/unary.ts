// Elementwise unary ops (neg, exp, log, sqrt, rsqrt, abs, tanh, sigmoid, relu), the fused
// activations gelu (tanh and erf forms, as GPT-2 and BERT) and silu with their backward ops, and
// dtype casts. One loop per op, chosen once per call (no per-element closures).
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import type { GeluAttrs } from '../op-attrs.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { DType, FloatArray, TensorData } from '../types.js';
import { div, gt, mul, sub } from './binary.js';

const enum Un { Neg, Exp, Log, Sqrt, Rsqrt, Abs, Tanh, Sigmoid, Relu, Silu }

function unRow(code: Un, x: FloatArray, o: FloatArray, n: number): void {
  switch (code) {
    case Un.Neg: for (let i = 0; i < n; i++) o[i] = -x[i]!; break;
    case Un.Exp: for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!); break;
    case Un.Log: for (let i = 0; i < n; i++) o[i] = Math.log(x[i]!); break;
    case Un.Sqrt: for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!); break;
    case Un.Rsqrt: for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]!); break;
    case Un.Abs: for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]!); break;
    case Un.Tanh: for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]!); break;
    case Un.Sigmoid: for (let i = 0; i < n; i++) o[i] = 1 / (1 + Math.exp(-x[i]!)); break;
    case Un.Relu: for (let i = 0; i < n; i++) o[i] = x[i]! > 0 ? x[i]! : 0; break;
    case Un.Silu: for (let i = 0; i < n; i++) { const v = x[i]!; o[i] = v / (1 + Math.exp(-v)); } break;
  }
}

function unaryKernel(code: Un) {
  return (inputs: readonly TensorData[]): TensorData => {
    const x = inputs[0]!;
    const out = allocate(x.dtype, x.data.length);
    unRow(code, x.data, out, out.length);
    return { shape: x.shape, dtype: x.dtype, data: out };
  };
}

const unarySpecs = {
  neg: defineOp({ name: 'neg', inputs: ['x'], outputs: 1, doc: '−x', grad: ([g]) => [neg(g!)] }),
  exp: defineOp({ name: 'exp', inputs: ['x'], outputs: 1, doc: 'e^x', grad: ([g], { outputs: [y] }) => [mul(g!, y!)] }),
  log: defineOp({ name: 'log', inputs: ['x'], outputs: 1, doc: 'natural log', grad: ([g], { inputs: [x] }) => [div(g!, x!)] }),
  sqrt: defineOp({ name: 'sqrt', inputs: ['x'], outputs: 1, doc: '√x', grad: ([g], { outputs: [y] }) => [div(g!, mul(y!, 2))] }),
  rsqrt: defineOp({
    name: 'rsqrt', inputs: ['x'], outputs: 1, doc: '1/√x',
    grad: ([g], { outputs: [y] }) => [mul(g!, mul(mul(y!, mul(y!, y!)), -0.5))], // d x^-1/2 = -x^-3/2 / 2
  }),
  abs: defineOp({
    name: 'abs', inputs: ['x'], outputs: 1, doc: '|x| (gradient 0 at 0, as PyTorch)',
    grad: ([g], { inputs: [x] }) => [mul(g!, sub(gt(x!, 0), gt(neg(x!), 0)))],
  }),
  tanh: defineOp({ name: 'tanh', inputs: ['x'], outputs: 1, doc: 'tanh', grad: ([g], { outputs: [y] }) => [mul(g!, sub(1, mul(y!, y!)))] }),
  sigmoid: defineOp({ name: 'sigmoid', inputs: ['x'], outputs: 1, doc: '1/(1+e^−x)', grad: ([g], { outputs: [y] }) => [mul(g!, mul(y!, sub(1, y!)))] }),
  relu: defineOp({ name: 'relu', inputs: ['x'], outputs: 1, doc: 'max(x, 0)', grad: ([g], { inputs: [x] }) => [mul(g!, gt(x!, 0))] }),
  silu: defineOp({ name: 'silu', inputs: ['x'], outputs: 1, doc: 'x·σ(x) (fused; backward is siluBackward)', grad: ([g], { inputs: [x] }) => [siluBackward(g!, x!)] }),
};
registerKernel('neg', 'reference', unaryKernel(Un.Neg));
registerKernel('exp', 'reference', unaryKernel(Un.Exp));
registerKernel('log', 'reference', unaryKernel(Un.Log));
registerKernel('sqrt', 'reference', unaryKernel(Un.Sqrt));
registerKernel('rsqrt', 'reference', unaryKernel(Un.Rsqrt));
registerKernel('abs', 'reference', unaryKernel(Un.Abs));
registerKernel('tanh', 'reference', unaryKernel(Un.Tanh));
registerKernel('sigmoid', 'reference', unaryKernel(Un.Sigmoid));
registerKernel('relu', 'reference', unaryKernel(Un.Relu));
registerKernel('silu', 'reference', unaryKernel(Un.Silu));

export const neg = (x: Tensor): Tensor => apply(unarySpecs.neg, [x], {})[0]!;
export const exp = (x: Tensor): Tensor => apply(unarySpecs.exp, [x], {})[0]!;
export const log = (x: Tensor): Tensor => apply(unarySpecs.log, [x], {})[0]!;
export const sqrt = (x: Tensor): Tensor => apply(unarySpecs.sqrt, [x], {})[0]!;
export const rsqrt = (x: Tensor): Tensor => apply(unarySpecs.rsqrt, [x], {})[0]!;
export const abs = (x: Tensor): Tensor => apply(unarySpecs.abs, [x], {})[0]!;
export const tanh = (x: Tensor): Tensor => apply(unarySpecs.tanh, [x], {})[0]!;
export const sigmoid = (x: Tensor): Tensor => apply(unarySpecs.sigmoid, [x], {})[0]!;
export const relu = (x: Tensor): Tensor => apply(unarySpecs.relu, [x], {})[0]!;
export const silu = (x: Tensor): Tensor => apply(unarySpecs.silu, [x], {})[0]!;

// ---------------------------------------------------------------------------------------------
// silu backward: d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x)))

const siluBackwardSpec = defineOp({ name: 'siluBackward', inputs: ['dy', 'x'], outputs: 1, doc: 'gradient of silu' });
registerKernel('siluBackward', 'reference', (inputs) => {
  const [dy, x] = inputs as [TensorData, TensorData];
  const out = allocate(x.dtype, x.data.length);
  const g = dy.data, xd = x.data;
  for (let i = 0; i < out.length; i++) {
    const v = xd[i]!;
    const s = 1 / (1 + Math.exp(-v));
    out[i] = g[i]! * s * (1 + v * (1 - s));
  }
  return { shape: x.shape, dtype: x.dtype, data: out };
});
export const siluBackward = (dy: Tensor, x: Tensor): Tensor => apply(siluBackwardSpec, [dy, x], {})[0]!;

// ---------------------------------------------------------------------------------------------
// gelu: 'tanh' is GPT-2's approximation 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)));
// 'none' is the exact 0.5·x·(1 + erf(x/√2)).

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf to ~1e-14: Taylor series for |x| < 3, a continued fraction for erfc beyond (JS has no Math.erf). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x, sum = x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

function geluKernel(inputs: readonly TensorData[], attrs: GeluAttrs): TensorData {
  const x = inputs[0]!;
  const xd = x.data;
  const out = allocate(x.dtype, xd.length);
  if (attrs.approximate === 'tanh') {
    for (let i = 0; i < out.length; i++) {
      const v = xd[i]!;
      out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    }
  } else {
    for (let i = 0; i < out.length; i++) out[i] = 0.5 * xd[i]! * (1 + erf(xd[i]! * Math.SQRT1_2));
  }
  return { shape: x.shape, dtype: x.dtype, data: out };
}

function geluBackwardKernel(inputs: readonly TensorData[], attrs: GeluAttrs): TensorData {
  const [dy, x] = inputs as [TensorData, TensorData];
  const xd = x.data, g = dy.data;
  const out = allocate(x.dtype, xd.length);
  if (attrs.approximate === 'tanh') {
    for (let i = 0; i < out.length; i++) {
      const v = xd[i]!;
      const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
      const dinner = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
      out[i] = g[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dinner);
    }
  } else {
    for (let i = 0; i < out.length; i++) {
      const v = xd[i]!;
      out[i] = g[i]! * (0.5 * (1 + erf(v * Math.SQRT1_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
    }
  }
  return { shape: x.shape, dtype: x.dtype, data: out };
}

const geluSpec = defineOp({
  name: 'gelu', inputs: ['x'], outputs: 1, doc: 'GELU, tanh or erf form (fused; backward is geluBackward)',
  grad: ([g], { inputs: [x], attrs }) => [geluBackward(g!, x!, attrs.approximate)],
});
const geluBackwardSpec = defineOp({ name: 'geluBackward', inputs: ['dy', 'x'], outputs: 1, doc: 'gradient of gelu' });
registerKernel('gelu', 'reference', geluKernel);
registerKernel('geluBackward', 'reference', geluBackwardKernel);

/** GELU; `approximate: 'tanh'` is GPT-2's form, `'none'` the exact erf form (PyTorch's default). */
export function gelu(x: Tensor, approximate: 'tanh' | 'none' = 'tanh'): Tensor {
  return apply(geluSpec, [x], { approximate })[0]!;
}
export function geluBackward(dy: Tensor, x: Tensor, approximate: 'tanh' | 'none' = 'tanh'): Tensor {
  return apply(geluBackwardSpec, [dy, x], { approximate })[0]!;
}

// ---------------------------------------------------------------------------------------------
// cast

const castSpec = defineOp({
  name: 'cast', inputs: ['x'], outputs: 1, doc: 'convert to another float dtype',
  grad: ([g], { inputs: [x] }) => [cast(g!, x!.dtype)],
});
registerKernel('cast', 'reference', (inputs, { dtype }) => {
  const x = inputs[0]!;
  const out = allocate(dtype, x.data.length);
  out.set(x.data);
  return { shape: x.shape, dtype, data: out };
});

/** `x` converted to `dtype` (returned unchanged when it already has it). */
export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : apply(castSpec, [x], { dtype })[0]!;
}
