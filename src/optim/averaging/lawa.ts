// LAWA, latest weight averaging (Kaddour 2022; Sanyal et al. 2023): every ν steps push a copy of
// θ onto a queue of the last L checkpoints; the average is their uniform mean. The paper's good
// setting is ν = 64–128, L = 20 (a window of about 1% of the budget).
import { FathomError } from '../../errors.js';
import type { FloatArray } from '../../tensor/index.js';
import { checkEvery, checkSize, checkStateName, registerAverager } from './averager.js';
import type { Averager, AveragerState } from './averager.js';

export class LAWA implements Averager {
  readonly name = 'lawa';
  private queue: Float32Array[] = [];

  constructor(readonly size: number, readonly length = 20, readonly every = 1) {
    if (!Number.isInteger(length) || length < 1) throw new FathomError(`lawa: length L = ${length} is not a whole number ≥ 1`, 'keep e.g. the last 20 checkpoints');
    checkEvery('lawa', every);
  }

  update(step: number, w: FloatArray): void {
    if (step % this.every !== 0) return;
    checkSize('lawa', this.size, w.length);
    const snapshot = this.queue.length === this.length ? this.queue.shift()! : new Float32Array(this.size);
    snapshot.set(w);
    this.queue.push(snapshot);
  }

  /** Checkpoints currently in the queue. */
  get count(): number {
    return this.queue.length;
  }

  average(): Float32Array | null {
    if (this.queue.length === 0) return null;
    const sum = new Float64Array(this.size);
    for (const q of this.queue) for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + q[i]!;
    const out = new Float32Array(this.size);
    const n = this.queue.length;
    for (let i = 0; i < out.length; i++) out[i] = sum[i]! / n;
    return out;
  }

  state(): AveragerState {
    return { name: this.name, meta: { count: this.queue.length }, buffers: this.queue.map((q) => q.slice()) };
  }

  loadState(s: AveragerState): void {
    checkStateName('lawa', this.name, s.name);
    if (s.buffers.length > this.length) throw new FathomError(`lawa.loadState: the state holds ${s.buffers.length} checkpoints but L = ${this.length}`, 'resume with the same lawa length');
    this.queue = s.buffers.map((b) => {
      checkSize('lawa', this.size, b.length);
      return Float32Array.from(b);
    });
  }
}

registerAverager({
  name: 'lawa',
  summary: 'uniform mean of the last L checkpoints taken every ν steps (options: length, every)',
  create: (o, size) => new LAWA(size, o.length ?? 20, o.every ?? 1),
});
