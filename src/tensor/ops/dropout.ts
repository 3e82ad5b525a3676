// Inverted dropout (Srivastava et al. 2014): a seeded keep-mask scaled by 1/(1−p), composed from
// `mul`, so forward and backward reuse the same mask and runs reproduce bit for bit.
import { FathomError } from '../../errors.js';
import type { Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';
import { mul } from './binary.js';

/** Zeroes each element with probability p and scales the rest by 1/(1−p); identity when p = 0 or not training. */
export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw new FathomError(`dropout: probability ${p} is outside [0, 1)`, 'pass 0 ≤ p < 1');
  if (!training || p === 0) return x;
  return mul(x, rng.dropoutMask(x.shape, p, x.dtype));
}
