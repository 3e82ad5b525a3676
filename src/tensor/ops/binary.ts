// Elementwise binary ops with NumPy broadcasting (add, sub, mul, div, pow, the comparisons eq
// and gt, and where), their reference kernels and gradient rules. Gradients of broadcast inputs
// are summed back to the input's shape (sumTo).
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import type { GradRule, OpSpec } from '../registry.js';
import type { NoAttrs } from '../op-attrs.js';
import { broadcastShapes, sameShape, sizeOf } from '../shape.js';
import { Tensor, scalar } from '../tensor.js';
import { allocate } from '../types.js';
import type { FloatArray, TensorData } from '../types.js';
import { forEachRow, planRows } from './broadcast.js';
import { sumTo } from './reduce.js';
import { cast, log, neg } from './unary.js';

const enum Bin { Add, Sub, Mul, Div, Pow, Eq, Gt }

function binRow(code: Bin, o: FloatArray, oo: number, a: FloatArray, ao: number, sa: number, b: FloatArray, bo: number, sb: number, n: number): void {
  switch (code) {
    case Bin.Add: for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * sa]! + b[bo + i * sb]!; break;
    case Bin.Sub: for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * sa]! - b[bo + i * sb]!; break;
    case Bin.Mul: for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * sa]! * b[bo + i * sb]!; break;
    case Bin.Div: for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * sa]! / b[bo + i * sb]!; break;
    case Bin.Pow: for (let i = 0; i < n; i++) o[oo + i] = Math.pow(a[ao + i * sa]!, b[bo + i * sb]!); break;
    case Bin.Eq: for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * sa]! === b[bo + i * sb]! ? 1 : 0; break;
    case Bin.Gt: for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * sa]! > b[bo + i * sb]! ? 1 : 0; break;
  }
}

function binaryKernel(name: string, code: Bin) {
  return (inputs: readonly TensorData[]): TensorData => {
    const [a, b] = inputs as [TensorData, TensorData];
    const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(name, a.shape, b.shape);
    const out = allocate(a.dtype, sizeOf(shape));
    const n = out.length, na = a.data.length, nb = b.data.length;
    // Fast paths without a row plan: equal sizes, a scalar, or a trailing block repeated over rows (biases).
    if (na === n && nb === n) binRow(code, out, 0, a.data, 0, 1, b.data, 0, 1, n);
    else if (na === n && nb === 1) binRow(code, out, 0, a.data, 0, 1, b.data, 0, 0, n);
    else if (nb === n && na === 1) binRow(code, out, 0, a.data, 0, 0, b.data, 0, 1, n);
    else if (na === n && nb > 0 && isTrailingBlock(b.shape, shape)) {
      for (let o = 0; o < n; o += nb) binRow(code, out, o, a.data, o, 1, b.data, 0, 1, nb);
    } else if (nb === n && na > 0 && isTrailingBlock(a.shape, shape)) {
      for (let o = 0; o < n; o += na) binRow(code, out, o, a.data, 0, 1, b.data, o, 1, na);
    } else {
      const plan = planRows(shape, [shape, a.shape, b.shape]);
      const { n, inner } = plan;
      forEachRow(plan, (off) => binRow(code, out, off[0]!, a.data, off[1]!, inner[1]!, b.data, off[2]!, inner[2]!, n));
    }
    return { shape, dtype: a.dtype, data: out };
  };
}

/** Whether `small` (ignoring leading 1s) equals the trailing dimensions of `shape`. */
export function isTrailingBlock(small: readonly number[], shape: readonly number[]): boolean {
  let k = 0;
  while (k < small.length && small[k] === 1) k++;
  const tail = small.length - k;
  if (tail > shape.length) return false;
  for (let i = 0; i < tail; i++) if (small[k + i] !== shape[shape.length - tail + i]) return false;
  return true;
}

/** A number becomes a scalar tensor of `like`'s dtype. */
export function lift(x: Tensor | number, like: Tensor): Tensor {
  return typeof x === 'number' ? scalar(x, like.dtype) : x;
}

function pair(a: Tensor | number, b: Tensor | number): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') return [scalar(a), scalar(b)];
  if (typeof a === 'number') return [lift(a, b as Tensor), b as Tensor];
  return [a, lift(b, a)];
}

const addGrad: GradRule<NoAttrs> = ([g], { inputs: [a, b] }) => [sumTo(g!, a!.shape), sumTo(g!, b!.shape)];
const subGrad: GradRule<NoAttrs> = ([g], { inputs: [a, b], needs }) => [sumTo(g!, a!.shape), needs[1] ? sumTo(neg(g!), b!.shape) : null];
const mulGrad: GradRule<NoAttrs> = ([g], { inputs: [a, b], needs }) => [
  needs[0] ? sumTo(mul(g!, b!), a!.shape) : null,
  needs[1] ? sumTo(mul(g!, a!), b!.shape) : null,
];
const divGrad: GradRule<NoAttrs> = ([g], { inputs: [a, b], outputs: [out], needs }) => [
  needs[0] ? sumTo(div(g!, b!), a!.shape) : null,
  needs[1] ? sumTo(neg(mul(g!, div(out!, b!))), b!.shape) : null, // d(a/b)/db = -(a/b)/b
];
const powGrad: GradRule<NoAttrs> = ([g], { inputs: [a, b], outputs: [out], needs }) => [
  needs[0] ? sumTo(mul(g!, mul(b!, pow(a!, sub(b!, 1)))), a!.shape) : null,
  needs[1] ? sumTo(mul(g!, mul(out!, log(a!))), b!.shape) : null,
];

const specs = {
  add: defineOp({ name: 'add', inputs: ['a', 'b'], outputs: 1, grad: addGrad, doc: 'a + b, broadcast' }),
  sub: defineOp({ name: 'sub', inputs: ['a', 'b'], outputs: 1, grad: subGrad, doc: 'a − b, broadcast' }),
  mul: defineOp({ name: 'mul', inputs: ['a', 'b'], outputs: 1, grad: mulGrad, doc: 'a · b, broadcast' }),
  div: defineOp({ name: 'div', inputs: ['a', 'b'], outputs: 1, grad: divGrad, doc: 'a / b, broadcast' }),
  pow: defineOp({ name: 'pow', inputs: ['a', 'b'], outputs: 1, grad: powGrad, doc: 'a ^ b, broadcast' }),
  eq: defineOp({ name: 'eq', inputs: ['a', 'b'], outputs: 1, doc: '1 where a = b else 0, broadcast; no gradient' }),
  gt: defineOp({ name: 'gt', inputs: ['a', 'b'], outputs: 1, doc: '1 where a > b else 0, broadcast; no gradient' }),
};
registerKernel('add', 'reference', binaryKernel('add', Bin.Add));
registerKernel('sub', 'reference', binaryKernel('sub', Bin.Sub));
registerKernel('mul', 'reference', binaryKernel('mul', Bin.Mul));
registerKernel('div', 'reference', binaryKernel('div', Bin.Div));
registerKernel('pow', 'reference', binaryKernel('pow', Bin.Pow));
registerKernel('eq', 'reference', binaryKernel('eq', Bin.Eq));
registerKernel('gt', 'reference', binaryKernel('gt', Bin.Gt));

type Operand = Tensor | number;
function bin(spec: (typeof specs)[keyof typeof specs], a: Operand, b: Operand): Tensor {
  const [x, y] = pair(a, b);
  if (!sameShape(x.shape, y.shape)) broadcastShapes(spec.name, x.shape, y.shape); // throws with the op's name
  // All binary ops share NoAttrs; the cast only unifies the union of spec types.
  return apply(spec as OpSpec<'add'>, [x, y], {})[0]!;
}

export const add = (a: Operand, b: Operand): Tensor => bin(specs.add, a, b);
export const sub = (a: Operand, b: Operand): Tensor => bin(specs.sub, a, b);
export const mul = (a: Operand, b: Operand): Tensor => bin(specs.mul, a, b);
export const div = (a: Operand, b: Operand): Tensor => bin(specs.div, a, b);
export const pow = (a: Operand, b: Operand): Tensor => bin(specs.pow, a, b);
/** 1.0 where a = b, else 0.0 (not differentiable). */
export const eq = (a: Operand, b: Operand): Tensor => bin(specs.eq, a, b);
/** 1.0 where a > b, else 0.0 (not differentiable). */
export const gt = (a: Operand, b: Operand): Tensor => bin(specs.gt, a, b);
/** 1.0 where a < b, else 0.0 (not differentiable). */
export const lt = (a: Operand, b: Operand): Tensor => bin(specs.gt, b, a);

// ---------------------------------------------------------------------------------------------
// where(cond, a, b): cond ≠ 0 picks a.

function whereKernel(inputs: readonly TensorData[]): TensorData {
  const [c, a, b] = inputs as [TensorData, TensorData, TensorData];
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape);
  const out = allocate(a.dtype, sizeOf(shape));
  const plan = planRows(shape, [shape, c.shape, a.shape, b.shape]);
  const { n, inner } = plan;
  const [sc, sa, sb] = [inner[1]!, inner[2]!, inner[3]!];
  const cd = c.data, ad = a.data, bd = b.data;
  forEachRow(plan, (off) => {
    const oo = off[0]!, co = off[1]!, ao = off[2]!, bo = off[3]!;
    for (let i = 0; i < n; i++) out[oo + i] = cd[co + i * sc] !== 0 ? ad[ao + i * sa]! : bd[bo + i * sb]!;
  });
  return { shape, dtype: a.dtype, data: out };
}

const whereSpec = defineOp({
  name: 'where',
  inputs: ['cond', 'a', 'b'],
  outputs: 1,
  doc: 'cond ≠ 0 ? a : b, broadcast; cond gets no gradient',
  grad: ([g], { inputs: [c, a, b], needs }) => {
    const zero = scalar(0, g!.dtype);
    return [null, needs[1] ? sumTo(where(c!, g!, zero), a!.shape) : null, needs[2] ? sumTo(where(c!, zero, g!), b!.shape) : null];
  },
});
registerKernel('where', 'reference', whereKernel);

/** cond ≠ 0 ? a : b, with broadcasting. `cond` is a float mask (e.g. from gt/eq); it gets no gradient. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : cond;
  const x = lift(a, like);
  const y = lift(b, like);
  const c = cond.dtype === x.dtype ? cond : cast(cond, x.dtype);
  broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  return apply(whereSpec, [c, x, y], {})[0]!;
}
