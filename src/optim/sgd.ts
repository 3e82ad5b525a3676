// Stochastic gradient descent with optional momentum, as torch.optim.SGD (1.13): weight decay is
// coupled (added to the gradient), the momentum buffer starts as the first gradient (no
// dampening on step 1), heavy-ball uses the buffer as the step, Nesterov looks ahead
// (g + μ·buf). Sutskever et al. 2013; the SGD-vs-Adam comparison in shared/papers/03.
import { FathomError } from '../errors.js';
import { FlatOptimizer, checkNumber, registerOptimizer } from './optimizer.js';
import type { OptimizerOptions, Params } from './optimizer.js';

export class SGD extends FlatOptimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;

  constructor(params: Params, options: OptimizerOptions = {}) {
    super(params, options, { weightDecay: 0 });
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
    checkNumber('SGD', 'momentum', this.momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
    checkNumber('SGD', 'dampening', this.dampening, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new FathomError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0 (got momentum ${this.momentum}, dampening ${this.dampening})`, 'set momentum (e.g. 0.9) and dampening 0, or turn nesterov off');
    }
    if (this.momentum > 0) this.buffer('momentum');
  }

  protected update(start: number, end: number, lr: number, wd: number): void {
    const p = this.flat.data, g = this.flat.grad;
    const mu = this.momentum, damp = 1 - this.dampening, first = this.t === 1;
    if (mu === 0) {
      for (let i = start; i < end; i++) p[i] = p[i]! - lr * (g[i]! + wd * p[i]!);
      return;
    }
    const buf = this.buffer('momentum');
    for (let i = start; i < end; i++) {
      const d = g[i]! + wd * p[i]!;
      const b = first ? d : mu * buf[i]! + damp * d;
      buf[i] = b;
      p[i] = p[i]! - lr * (this.nesterov ? d + mu * b : b);
    }
  }
}

registerOptimizer({
  name: 'sgd',
  summary: 'SGD; momentum (heavy-ball), nesterov and dampening options; coupled weight decay (torch.optim.SGD)',
  create: (params, options) => new SGD(params, options),
});
