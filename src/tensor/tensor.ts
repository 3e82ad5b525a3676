// The Tensor: a shape, a float dtype and contiguous row-major storage, plus the autograd fields
// (requiresGrad, grad, the node that produced it). Reshapes and contiguous slices share storage.
import { DTypeError, FathomError, ShapeError } from '../errors.js';
import { backward, noteSharer } from './autograd.js';
import type { Node } from './autograd.js';
import { fmtShape, sizeOf } from './shape.js';
import { allocate, arrayType } from './types.js';
import type { DType, FloatArray, TensorData } from './types.js';

/** A nested array of numbers, as accepted by `tensor()` and returned by `toNested()`. */
export type NestedArray = number | readonly NestedArray[];

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the graph for another backward() through it. */
  retainGraph?: boolean;
  /** Hand the activations' storage back for reuse (see `Tensor.backward`). */
  freeActivations?: boolean;
}

export class Tensor implements TensorData {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /**
   * Row-major storage. Treat as read-only: ops never write to their inputs, and other tensors
   * may share it. Only optimizers (on parameters) and gradient accumulation write in place.
   */
  data: FloatArray;
  /** Whether gradients flow to this tensor. Set on leaves; ops propagate it to their outputs. */
  requiresGrad = false;
  /** Gradient accumulated by `backward()` (leaves only). */
  grad: Tensor | null = null;
  /** @internal The op application that produced this tensor (null for leaves and under noGrad). */
  node: Node | null = null;

  constructor(data: FloatArray, shape: readonly number[]) {
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(`Tensor: data has ${data.length} elements but shape ${fmtShape(shape)} needs ${sizeOf(shape)}`, 'pass data whose length is the product of the shape');
    }
    this.data = data;
    this.shape = shape;
    this.dtype = data instanceof Float32Array ? 'float32' : 'float64';
  }

  /** Wraps kernel output (no copy). */
  static fromData(d: TensorData): Tensor {
    return new Tensor(d.data, d.shape);
  }

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Whether this tensor was made by an op (not a leaf). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) {
      throw new ShapeError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.data.length} elements, not 1`, 'reduce it first, e.g. with sum() or mean()');
    }
    return this.data[0]!;
  }

  /** The elements as a flat JS array (a copy). */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** The elements as nested JS arrays following the shape (a copy). */
  toNested(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset]!;
      const n = this.shape[dim]!;
      const step = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * step));
    };
    return build(0, 0);
  }

  /**
   * Reverse-mode autodiff from this tensor. A scalar seeds with 1; otherwise pass the gradient.
   * Gradients accumulate into `.grad` of every leaf that requires one; the graph is freed after.
   * `freeActivations` also hands the storage of the graph's activations (the outputs of its ops,
   * except this tensor) back for the next forward pass to reuse, which makes training steps
   * faster (src/tensor/recycle.ts); those tensors, and their views and detached copies, then
   * throw when read. Copy what you need (clone(), item(), toArray()) before calling it. The
   * bookkeeping starts with the first such call, so that call itself frees nothing.
   */
  backward(options?: BackwardOptions): void;
  backward(grad: Tensor | undefined, options?: BackwardOptions): void;
  backward(gradOrOptions?: Tensor | BackwardOptions, maybeOptions: BackwardOptions = {}): void {
    const grad = gradOrOptions instanceof Tensor ? gradOrOptions : undefined;
    const options = gradOrOptions instanceof Tensor || gradOrOptions === undefined ? maybeOptions : gradOrOptions;
    backward(this, grad, options.retainGraph ?? false, options.freeActivations ?? false);
  }

  /** The same data, cut from the graph (shares storage). */
  detach(): Tensor {
    const t = new Tensor(this.data, this.shape);
    noteSharer(t); // so backward({ freeActivations }) poisons it with its source
    return t;
  }

  /** A deep copy of the data, cut from the graph. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** Marks a leaf as requiring gradients; returns `this`. */
  requireGrad(flag = true): this {
    if (!this.isLeaf) throw new FathomError('requireGrad: only leaf tensors can be marked', 'call detach() first to make a new leaf');
    this.requiresGrad = flag;
    return this;
  }

  /** Clears the accumulated gradient (fills a preallocated one with zeros, keeping its storage). */
  zeroGrad(): void {
    if (this.grad) this.grad.data.fill(0);
  }

  toString(): string {
    const head = Array.from(this.data.subarray(0, 8), (v) => v.toPrecision(4)).join(', ');
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}, [${head}${this.size > 8 ? ', …' : ''}])`;
  }
}

// ---------------------------------------------------------------------------------------------
// Constructors

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

function flatten(values: NestedArray, shape: number[], out: number[], depth: number): void {
  if (typeof values === 'number') {
    if (depth !== shape.length) throw new ShapeError(`tensor: ragged nested array at depth ${depth}`, 'every row must have the same length');
    out.push(values);
    return;
  }
  if (depth === shape.length) shape.push(values.length);
  else if (shape[depth] !== values.length) throw new ShapeError(`tensor: ragged nested array at depth ${depth} (${values.length} vs ${shape[depth]})`, 'every row must have the same length');
  for (const v of values) flatten(v, shape, out, depth + 1);
}

/** A tensor from nested arrays or a typed array (+ shape). float32 by default. */
export function tensor(values: NestedArray | FloatArray, shapeOrOptions?: readonly number[] | CreateOptions, maybeOptions?: CreateOptions): Tensor {
  const shapeArg = Array.isArray(shapeOrOptions) ? (shapeOrOptions as readonly number[]) : undefined;
  const options = (Array.isArray(shapeOrOptions) ? maybeOptions : (shapeOrOptions as CreateOptions | undefined)) ?? {};
  let t: Tensor;
  if (values instanceof Float32Array || values instanceof Float64Array) {
    const dtype = options.dtype ?? (values instanceof Float64Array ? 'float64' : 'float32');
    const data = (values instanceof Float32Array ? 'float32' : 'float64') === dtype ? values : arrayType(dtype).from(values);
    t = new Tensor(data, shapeArg ?? [values.length]);
  } else {
    const shape: number[] = [];
    const flat: number[] = [];
    if (typeof values !== 'number' && values.length === 0) shape.push(0);
    else flatten(values, shape, flat, 0);
    const data = arrayType(options.dtype ?? 'float32').from(flat);
    t = new Tensor(data, shapeArg ?? shape);
  }
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  checkShape('full', shape);
  const data = allocate(options.dtype ?? 'float32', sizeOf(shape));
  if (value !== 0) data.fill(value);
  const t = new Tensor(data, [...shape]);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** A zero-dimensional tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(data, []);
}

/** [start, start+step, ...) below `end`. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0) throw new FathomError('arange: step is 0', 'use a non-zero step');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const data = allocate(options.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return new Tensor(data, [n]);
}

export function zerosLike(t: TensorData): Tensor {
  return zeros(t.shape, { dtype: t.dtype });
}

export function onesLike(t: TensorData): Tensor {
  return ones(t.shape, { dtype: t.dtype });
}

function checkShape(op: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: invalid shape ${fmtShape(shape)}`, 'dimensions are non-negative integers');
  }
}

/** Throws a DTypeError unless all tensors share one dtype. */
export function assertSameDType(op: string, tensors: readonly TensorData[]): DType {
  const first = tensors[0]?.dtype ?? 'float32';
  for (const t of tensors) {
    if (t.dtype !== first) {
      throw new DTypeError(
        `${op}: dtypes ${tensors.map((x) => x.dtype).join(' and ')} don't match`,
        `cast one argument, e.g. cast(x, '${first}')`,
      );
    }
  }
  return first;
}
