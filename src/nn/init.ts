// Parameter initialisers and the two weight-init schemes the models use:
// - `normal`: GPT-2/nanoGPT's N(0, 0.02²) for every weight matrix and embedding, with the
//   residual output projections (attention out, MLP down) scaled by 1/√(2·layers) (GPT-2 §2.3)
//   so the residual stream's variance doesn't grow with depth.
// - `scaled-truncated-normal`: the recurrent-depth paper's scheme (Geiping et al. 2025, after
//   Takase et al.'s small init): N(0, σ²) truncated at ±3σ with σ = √(2/(5·dim)) — variance 2/5
//   at the model's scale — and σ/√(2·layers) for the residual output projections.
// Biases start at 0 and norm scales at 1 in both.
import { FathomError } from '../errors.js';
import { Rng } from '../tensor/index.js';
import type { DType } from '../tensor/index.js';
import { Parameter } from './module.js';

export interface InitOptions {
  rng?: Rng;
  dtype?: DType;
  /** Draw weights from N(0, std²) truncated to ±3 std instead of the plain normal (default false). */
  truncated?: boolean;
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

/** A weight drawn as `options.truncated` says: N(0, std²), or that normal truncated to ±3 std. */
export function weightParameter(shape: readonly number[], std: number, options: InitOptions = {}): Parameter {
  return options.truncated ? truncatedNormalParameter(shape, std, options) : normalParameter(shape, std, options);
}

/** A parameter filled with `value`. */
export function constantParameter(shape: readonly number[], value: number, dtype: DType = 'float32'): Parameter {
  const p = normalParameter(shape, 0, { dtype });
  p.data.fill(value);
  return p;
}

export type InitScheme = 'normal' | 'scaled-truncated-normal';

/** What a scheme gives a model of a given width and depth. */
export interface WeightInit {
  /** Std of every weight matrix and embedding table. */
  std: number;
  /** Std of the residual output projections (attention out, MLP down). */
  residualStd: number;
  /** Truncate the draws at ±3 std. */
  truncated: boolean;
}

const SCHEMES: Record<InitScheme, (dim: number, layers: number) => WeightInit> = {
  'normal': (_dim, layers) => ({ std: 0.02, residualStd: 0.02 / Math.sqrt(2 * layers), truncated: false }),
  'scaled-truncated-normal': (dim, layers) => {
    const std = Math.sqrt(2 / (5 * dim));
    return { std, residualStd: std / Math.sqrt(2 * layers), truncated: true };
  },
};

/** The init scheme's stds for a model `dim` wide and `layers` deep. */
export function weightInit(scheme: InitScheme, dim: number, layers: number): WeightInit {
  const make = SCHEMES[scheme] as ((dim: number, layers: number) => WeightInit) | undefined;
  if (!make) throw new FathomError(`init: unknown scheme '${String(scheme)}'`, `use one of ${Object.keys(SCHEMES).join(', ')}`);
  return make(dim, layers);
}
