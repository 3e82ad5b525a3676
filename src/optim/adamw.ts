// AdamW (Loshchilov & Hutter 2019, decoupled weight decay; PyTorch's update order) over one flat
// parameter buffer with flat m and v: one fused `adamwStep` kernel call per group range, so a
// native backend replaces the loop with one call. By default norms, biases and embeddings are
// not decayed (groups.ts); `decay` keeps the older predicate form working.
import type { Parameter } from '../nn/index.js';
import { runKernel } from '../tensor/index.js';
import type { FloatArray, TensorData } from '../tensor/index.js';
import { checkBetas } from './adam.js';
import type { GroupRule } from './groups.js';
import { FlatOptimizer, registerOptimizer } from './optimizer.js';
import type { OptimizerOptions, Params } from './optimizer.js';

export interface AdamWOptions extends OptimizerOptions {
  /** Which parameters decay (a shorthand for `groups`: the others form a no-decay group). */
  decay?: (name: string, p: Parameter) => boolean;
}

function view(data: FloatArray, start: number, end: number): TensorData {
  return { shape: [end - start], dtype: data instanceof Float32Array ? 'float32' : 'float64', data: data.subarray(start, end) };
}

export class AdamW extends FlatOptimizer {
  readonly name = 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Kernel inputs [param, grad, m, v] per range start, built once (a step allocates nothing else). */
  private readonly views = new Map<number, TensorData[]>();

  /** `params`: a module's namedParameters() (or [name, parameter] pairs); their storage moves into one buffer. */
  constructor(params: Params, options: AdamWOptions = {}) {
    const decay = options.decay;
    const groups: readonly GroupRule[] | undefined = options.groups
      ?? (decay ? [{ name: 'no_decay', match: (n: string, p: Parameter) => !decay(n, p), weightDecay: 0 }] : undefined);
    super(params, { ...options, ...(groups ? { groups } : {}) }, { weightDecay: 0.01 });
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    checkBetas('AdamW', [this.beta1, this.beta2], this.eps);
    const m = this.buffer('m'), v = this.buffer('v');
    const { data, grad } = this.flat;
    for (const g of this.groups) {
      for (const [s, e] of g.ranges) this.views.set(s, [view(data, s, e), view(grad, s, e), view(m, s, e), view(v, s, e)]);
    }
  }

  /** Decoupled weight decay of the 'decay' group. */
  get weightDecay(): number {
    return this.groups.find((g) => g.name === 'decay')?.weightDecay ?? 0;
  }

  protected update(start: number, _end: number, lr: number, weightDecay: number): void {
    runKernel('adamwStep', this.views.get(start)!, { lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, step: this.t, weightDecay });
  }
}

registerOptimizer({
  name: 'adamw',
  summary: 'AdamW: decoupled weight decay (torch.optim.AdamW); default weightDecay 0.01',
  create: (params, options) => new AdamW(params, options),
});
