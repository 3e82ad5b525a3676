// Evaluating averaged weights without disturbing training: copy them into the flat parameter
// buffer, run `fn`, then restore the raw weights bit for bit.
import type { FlatParameters } from '../flat.js';

export function withWeights<T>(flat: FlatParameters, weights: ArrayLike<number>, fn: () => T): T {
  const raw = flat.data.slice();
  flat.data.set(weights);
  try {
    return fn();
  } finally {
    flat.data.set(raw);
  }
}
