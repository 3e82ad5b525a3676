// Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_: scale every gradient by
// min(1, max / (‖g‖ + 1e-6)). Returns the norm before clipping, which is what trainers log.
import { FathomError } from '../errors.js';
import type { FlatParameters } from './flat.js';

export function clipGradNorm(flat: FlatParameters, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new FathomError(`clipGradNorm: maxNorm ${maxNorm} must be > 0`, 'pass e.g. 1.0, or skip clipping');
  const norm = flat.gradNorm();
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    const g = flat.grad;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  }
  return norm;
}
