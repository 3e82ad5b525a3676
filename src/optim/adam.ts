// Adam (Kingma & Ba 2015) with coupled (L2) weight decay, as torch.optim.Adam (1.13): the decay
// is added to the gradient before the moments, so adaptive scaling also rescales it — the
// defect AdamW (adamw.ts) removes. Bias-corrected, eps outside the square root.
import { FlatOptimizer, checkNumber, registerOptimizer } from './optimizer.js';
import type { OptimizerOptions, Params } from './optimizer.js';

export function checkBetas(op: string, betas: readonly [number, number], eps: number): void {
  checkNumber(op, 'betas[0]', betas[0], (v) => v >= 0 && v < 1, 'in [0, 1)');
  checkNumber(op, 'betas[1]', betas[1], (v) => v >= 0 && v < 1, 'in [0, 1)');
  checkNumber(op, 'eps', eps, (v) => v >= 0, '≥ 0');
}

export class Adam extends FlatOptimizer {
  readonly name = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;

  constructor(params: Params, options: OptimizerOptions = {}) {
    super(params, options, { weightDecay: 0 });
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    checkBetas('Adam', [this.beta1, this.beta2], this.eps);
    this.buffer('m');
    this.buffer('v');
  }

  protected update(start: number, end: number, lr: number, wd: number): void {
    const p = this.flat.data, g = this.flat.grad, m = this.buffer('m'), v = this.buffer('v');
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps;
    const stepSize = lr / (1 - b1 ** this.t);
    const sqrtBc2 = Math.sqrt(1 - b2 ** this.t);
    for (let i = start; i < end; i++) {
      const gi = g[i]! + wd * p[i]!;
      const mi = b1 * m[i]! + (1 - b1) * gi;
      const vi = b2 * v[i]! + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i]! - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
    }
  }
}

registerOptimizer({
  name: 'adam',
  summary: 'Adam with coupled (L2) weight decay (torch.optim.Adam)',
  create: (params, options) => new Adam(params, options),
});
