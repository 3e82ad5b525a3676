// Parameter initialisers: normal(0, 0.02) as GPT-2/nanoGPT, its scaled variant for residual
// projections (GPT-2 §2.3: 1/√(2·layers)), truncated normal, and constants.
import { Rng } from '../tensor/index.js';
import type { DType } from '../tensor/index.js';
import { Parameter } from './module.js';

export interface InitOptions {
  rng?: Rng;
  dtype?: DType;
}

/** A parameter drawn from N(0, std²). */
export function normalParameter(shape: readonly number[], std: number, options: InitOptions = {}): Parameter {
  const rng = options.rng ?? new Rng(0);
  return new Parameter(rng.normal(shape, 0, std, { dtype: options.dtype ?? 'float32' }));
}

/** A parameter drawn from N(0, std²) truncated to ±3 std (the "scaled truncated normal" option). */
export function truncatedNormalParameter(shape: readonly number[], std: number, options: InitOptions = {}): Parameter {
  const rng = options.rng ?? new Rng(0);
  return new Parameter(rng.truncatedNormal(shape, 0, std, -3 * std, 3 * std, { dtype: options.dtype ?? 'float32' }));
}

/** A parameter filled with `value`. */
export function constantParameter(shape: readonly number[], value: number, dtype: DType = 'float32'): Parameter {
  const p = normalParameter(shape, 0, { dtype });
  p.data.fill(value);
  return p;
}
