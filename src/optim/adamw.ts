// AdamW (Loshchilov & Hutter 2019, decoupled weight decay; PyTorch's update order) over one flat
// parameter buffer with flat m and v, one fused `adamwStep` kernel call per decay group, so a
// native backend replaces the loop with one call. Weight decay applies only to parameters of
// rank ≥ 2, as nanoGPT's configure_optimizers.
import { FathomError } from '../errors.js';
import { allocate, runKernel } from '../tensor/index.js';
import type { FloatArray, TensorData } from '../tensor/index.js';
import type { Parameter } from '../nn/index.js';
import { FlatParameters } from './flat.js';

export interface AdamWOptions {
  /** Learning rate (default 1e-3); change `optimizer.lr` between steps for schedules. */
  lr?: number;
  /** (β1, β2), default (0.9, 0.999). */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay for the decay group (default 0.01, PyTorch's; nanoGPT uses 0.1). */
  weightDecay?: number;
  /** Which parameters decay (default: rank ≥ 2). */
  decay?: (name: string, p: Parameter) => boolean;
}

export interface AdamWState {
  step: number;
  m: FloatArray;
  v: FloatArray;
}

function view(data: FloatArray, start: number, end: number): TensorData {
  return { shape: [end - start], dtype: data instanceof Float32Array ? 'float32' : 'float64', data: data.subarray(start, end) };
}

export class AdamW {
  readonly flat: FlatParameters;
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  weightDecay: number;
  private m: FloatArray;
  private v: FloatArray;
  private t = 0;
  /** Per decay group: kernel inputs [param, grad, m, v] as views, built once (a step allocates nothing else). */
  private readonly groups: Array<{ inputs: TensorData[]; decay: boolean }>;

  /** `params`: a module's namedParameters() (or [name, parameter] pairs); their storage moves into one buffer. */
  constructor(params: ReadonlyArray<readonly [string, Parameter]> | FlatParameters, options: AdamWOptions = {}) {
    this.flat = params instanceof FlatParameters ? params : new FlatParameters(params, options.decay);
    this.lr = options.lr ?? 1e-3;
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.m = allocate(this.flat.dtype, this.flat.size);
    this.v = allocate(this.flat.dtype, this.flat.size);
    const { data, grad, decayEnd } = this.flat;
    const ranges: Array<[number, number, boolean]> = [[0, decayEnd, true], [decayEnd, data.length, false]];
    this.groups = ranges.filter(([s, e]) => e > s).map(([s, e, decay]) => ({
      inputs: [view(data, s, e), view(grad, s, e), view(this.m, s, e), view(this.v, s, e)],
      decay,
    }));
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /** One update from the accumulated gradients. */
  step(): void {
    this.flat.ensureAttached();
    this.t++;
    for (const g of this.groups) {
      runKernel('adamwStep', g.inputs, {
        lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, step: this.t,
        weightDecay: g.decay ? this.weightDecay : 0,
      });
    }
  }

  zeroGrad(): void {
    this.flat.zeroGrad();
  }

  /** Moments and step count (copies), for checkpoints. */
  state(): AdamWState {
    return { step: this.t, m: this.m.slice(), v: this.v.slice() };
  }

  loadState(state: AdamWState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new FathomError(`AdamW.loadState: moments hold ${state.m.length} values but the parameters have ${this.m.length}`, 'load a state saved for the same model');
    }
    this.t = state.step;
    this.m.set(state.m);
    this.v.set(state.v);
  }
}
