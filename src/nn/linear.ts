// Linear layer y = x·Wᵀ + b with PyTorch's [out, in] weight layout, computed as one GEMM with the
// transpose flag (no materialised transpose), the batch dims folded into M.
import { linear } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { constantParameter, weightParameter } from './init.js';
import type { InitOptions } from './init.js';
import { Module } from './module.js';
import type { Parameter } from './module.js';

export interface LinearOptions extends InitOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight init std (default 0.02, as GPT-2). */
  std?: number;
}

export class Linear extends Module {
  readonly weight: Parameter; // [out, in]
  readonly bias: Parameter | null; // [out]

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    this.weight = weightParameter([outFeatures, inFeatures], options.std ?? 0.02, options);
    this.bias = options.bias ?? true ? constantParameter([outFeatures], 0, options.dtype) : null;
  }

  /** [..., in] → [..., out] */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias); // [..., out], the bias fused into the GEMM
  }
}
