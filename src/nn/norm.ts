// Normalisation layers: LayerNorm (GPT-2) and RMSNorm (Llama), both over the last axis, using the
// fused kernels.
import { layerNorm, rmsNorm } from '../tensor/index.js';
import type { DType, Tensor } from '../tensor/index.js';
import { constantParameter } from './init.js';
import { Module } from './module.js';
import type { Parameter } from './module.js';

export class LayerNorm extends Module {
  readonly weight: Parameter; // [dim]
  readonly bias: Parameter | null; // [dim]

  constructor(readonly dim: number, options: { eps?: number; bias?: boolean; dtype?: DType } = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.weight = constantParameter([dim], 1, options.dtype);
    this.bias = options.bias ?? true ? constantParameter([dim], 0, options.dtype) : null;
  }

  readonly eps: number;

  /** [..., dim] → [..., dim] */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}

export class RMSNorm extends Module {
  readonly weight: Parameter; // [dim]
  readonly eps: number;

  constructor(readonly dim: number, options: { eps?: number; dtype?: DType } = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.weight = constantParameter([dim], 1, options.dtype);
  }

  /** [..., dim] → [..., dim] */
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }
}
