// Stochastic weight averaging (Izmailov et al. 2018): the uniform mean of the weights sampled
// every ν steps from a start step on, kept as a running mean θ̄ ← θ̄ + (θ − θ̄)/n in float64.
import { FathomError } from '../../errors.js';
import type { FloatArray } from '../../tensor/index.js';
import { checkEvery, checkSize, checkStateName, registerAverager } from './averager.js';
import type { Averager, AveragerState } from './averager.js';

export class SWA implements Averager {
  readonly name = 'swa';
  private avg: Float64Array | null = null;
  private n = 0;

  constructor(readonly size: number, readonly start = 0, readonly every = 1) {
    if (!Number.isInteger(start) || start < 0) throw new FathomError(`swa: start = ${start} is not a whole number ≥ 0`, 'start averaging at a step, e.g. 75% into training');
    checkEvery('swa', every);
  }

  update(step: number, w: FloatArray): void {
    if (step < this.start || step % this.every !== 0) return;
    checkSize('swa', this.size, w.length);
    this.n++;
    if (!this.avg) {
      this.avg = Float64Array.from(w);
      return;
    }
    const a = this.avg, n = this.n;
    for (let i = 0; i < a.length; i++) a[i] = a[i]! + (w[i]! - a[i]!) / n;
  }

  /** Weights averaged so far. */
  get count(): number {
    return this.n;
  }

  average(): Float32Array | null {
    return this.avg ? Float32Array.from(this.avg) : null;
  }

  state(): AveragerState {
    return { name: this.name, meta: { count: this.n }, buffers: this.avg ? [this.avg.slice()] : [] };
  }

  loadState(s: AveragerState): void {
    checkStateName('swa', this.name, s.name);
    this.n = s.meta.count ?? 0;
    const b = s.buffers[0];
    if (b) checkSize('swa', this.size, b.length);
    this.avg = b ? Float64Array.from(b) : null;
  }
}

registerAverager({
  name: 'swa',
  summary: 'uniform mean of the weights every ν steps from a start step (options: start, every)',
  create: (o, size) => new SWA(size, o.start ?? 0, o.every ?? 1),
});
