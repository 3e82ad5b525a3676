// Learning-rate schedules as pure functions of the 0-based step: constant, linear warmup + cosine
// (nanoGPT's get_lr), warmup-stable-decay (Hägele et al. 2024: hold, then linear cool-down over
// the last `decayFraction` of training) and linear decay to a floor. Warmup is linear from
// lr/warmup at step 0 to lr at step warmup − 1, as nanoGPT.
import { z } from 'zod';
import { FathomError } from '../errors.js';

export const scheduleSchema = z.strictObject({
  kind: z.enum(['constant', 'cosine', 'wsd', 'linear']).default('cosine')
    .describe('constant | cosine (warmup + cosine to minLr) | wsd (warmup, stable, linear decay) | linear (warmup + linear decay to minLr)'),
  warmup: z.number().int().min(0).default(100).describe('linear warmup steps'),
  minLr: z.number().min(0).default(1e-4).describe('floor the decay ends at (cosine, wsd, linear)'),
  decayFraction: z.number().gt(0).max(1).default(0.2).describe('wsd: the fraction of training spent decaying'),
});

export type ScheduleConfig = z.output<typeof scheduleSchema>;

/** lr(step) for a peak `lr` and `total` steps. */
export function learningRate(s: ScheduleConfig, lr: number, step: number, total: number): number {
  if (s.kind !== 'constant' && s.minLr > lr) {
    throw new FathomError(`schedule: minLr ${s.minLr} is above the peak lr ${lr}`, 'lower schedule.minLr or raise the learning rate');
  }
  if (step < s.warmup) return (lr * (step + 1)) / s.warmup;
  if (s.kind === 'constant') return lr;
  const after = Math.max(1, total - s.warmup);
  const r = Math.min(1, (step - s.warmup) / after);
  switch (s.kind) {
    case 'cosine': return s.minLr + 0.5 * (1 + Math.cos(Math.PI * r)) * (lr - s.minLr);
    case 'linear': return lr - r * (lr - s.minLr);
    case 'wsd': {
      const decaySteps = Math.max(1, Math.round(s.decayFraction * total));
      const start = total - decaySteps;
      if (step < start) return lr;
      return lr - Math.min(1, (step - start) / decaySteps) * (lr - s.minLr);
    }
  }
}
