// signSGD and signum (Bernstein et al. 2018, "signSGD: compressed optimisation for non-convex
// problems"): step by the sign of the gradient (signSGD) or of its momentum m ← β·m + (1−β)·g
// (signum). Weight decay is decoupled (p ← p·(1 − lr·wd)), as in the paper's experiments, so
// the decay is not swallowed by the sign. sign(0) = 0. PyTorch has no class for these; the
// tests check them by hand.
import { FlatOptimizer, checkNumber, registerOptimizer } from './optimizer.js';
import type { OptimizerOptions, Params } from './optimizer.js';

export class SignSGD extends FlatOptimizer {
  readonly name: string = 'signsgd';
  /** 0 for signSGD; β for signum. */
  readonly momentum: number;

  constructor(params: Params, options: OptimizerOptions = {}, momentum = 0) {
    super(params, options, { weightDecay: 0 });
    this.momentum = momentum;
    checkNumber('signum', 'momentum', momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
    if (momentum > 0) this.buffer('momentum');
  }

  protected update(start: number, end: number, lr: number, wd: number): void {
    const p = this.flat.data, g = this.flat.grad;
    const decay = 1 - lr * wd, beta = this.momentum;
    if (beta === 0) {
      for (let i = start; i < end; i++) p[i] = p[i]! * decay - lr * Math.sign(g[i]!);
      return;
    }
    const m = this.buffer('momentum');
    for (let i = start; i < end; i++) {
      const mi = beta * m[i]! + (1 - beta) * g[i]!;
      m[i] = mi;
      p[i] = p[i]! * decay - lr * Math.sign(mi);
    }
  }
}

export class Signum extends SignSGD {
  override readonly name: string = 'signum';
  constructor(params: Params, options: OptimizerOptions = {}) {
    super(params, options, options.momentum ?? 0.9);
  }
}

registerOptimizer({
  name: 'signsgd',
  summary: 'signSGD: p ← p − lr·sign(g) (Bernstein et al. 2018); decoupled weight decay',
  create: (params, options) => new SignSGD(params, options),
});

registerOptimizer({
  name: 'signum',
  summary: 'signum: sign of the momentum m ← β·m + (1−β)·g, β = momentum (default 0.9); decoupled weight decay',
  create: (params, options) => new Signum(params, options),
});
