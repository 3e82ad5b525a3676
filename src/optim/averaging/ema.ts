// Exponential moving average of the weights: every ν steps θ̄ ← β·θ̄ + (1 − β)·θ, starting from
// the first sampled θ (no zero-initialisation bias). The paper finds β = 0.9 with ν = 64–128
// good; EMA every step needs β close to 1. Accumulated in float64.
import { FathomError } from '../../errors.js';
import type { FloatArray } from '../../tensor/index.js';
import { checkEvery, checkSize, checkStateName, registerAverager } from './averager.js';
import type { Averager, AveragerState } from './averager.js';

export class EMA implements Averager {
  readonly name = 'ema';
  private avg: Float64Array | null = null;
  private updates = 0;

  constructor(readonly size: number, readonly beta = 0.9, readonly every = 1) {
    if (!(beta >= 0 && beta < 1)) throw new FathomError(`ema: beta = ${beta} is not in [0, 1)`, 'use e.g. beta 0.9 with every 64, or 0.999 with every 1');
    checkEvery('ema', every);
  }

  update(step: number, w: FloatArray): void {
    if (step % this.every !== 0) return;
    checkSize('ema', this.size, w.length);
    if (!this.avg) {
      this.avg = Float64Array.from(w);
    } else {
      const a = this.avg, b = this.beta;
      for (let i = 0; i < a.length; i++) a[i] = b * a[i]! + (1 - b) * w[i]!;
    }
    this.updates++;
  }

  average(): Float32Array | null {
    return this.avg ? Float32Array.from(this.avg) : null;
  }

  state(): AveragerState {
    return { name: this.name, meta: { updates: this.updates }, buffers: this.avg ? [this.avg.slice()] : [] };
  }

  loadState(s: AveragerState): void {
    checkStateName('ema', this.name, s.name);
    this.updates = s.meta.updates ?? 0;
    const b = s.buffers[0];
    if (b) checkSize('ema', this.size, b.length);
    this.avg = b ? Float64Array.from(b) : null;
  }
}

registerAverager({
  name: 'ema',
  summary: 'exponential moving average θ̄ ← β·θ̄ + (1−β)·θ every ν steps (options: beta, every)',
  create: (o, size) => new EMA(size, o.beta ?? 0.9, o.every ?? 1),
});
