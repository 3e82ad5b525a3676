// Feed-forward blocks: GPT-2's MLP (Linear → GELU-tanh → Linear, 4× width) and Llama's SwiGLU
// (Shazeer 2020): down(silu(gate(x)) · up(x)).
import { gelu, mul, silu } from '../tensor/index.js';
import type { DType, Rng, Tensor } from '../tensor/index.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export interface FeedForwardOptions {
  bias?: boolean;
  /** Init std of the input projections (default 0.02). */
  std?: number;
  /** Init std of the output projection (default: std; scaled for residual branches). */
  projStd?: number;
  /** Truncate the weight draws at ±3 std (default false). */
  truncated?: boolean;
  dtype?: DType;
  rng?: Rng;
}

function linearOptions(options: FeedForwardOptions, std = options.std): ConstructorParameters<typeof Linear>[2] {
  return {
    bias: options.bias ?? true,
    ...(options.dtype ? { dtype: options.dtype } : {}),
    ...(options.rng ? { rng: options.rng } : {}),
    ...(options.truncated !== undefined ? { truncated: options.truncated } : {}),
    ...(std !== undefined ? { std } : {}),
  };
}

export class MLP extends Module {
  readonly fc: Linear; // [C] → [hidden]
  readonly proj: Linear; // [hidden] → [C]

  constructor(dim: number, hidden = 4 * dim, options: FeedForwardOptions = {}) {
    super();
    this.fc = new Linear(dim, hidden, linearOptions(options));
    this.proj = new Linear(hidden, dim, linearOptions(options, options.projStd));
  }

  /** [..., C] → [..., C] */
  forward(x: Tensor): Tensor {
    return this.proj.forward(gelu(this.fc.forward(x), 'tanh')); // [..., hidden] → [..., C]
  }
}

export class SwiGLU extends Module {
  readonly gate: Linear; // [C] → [hidden]
  readonly up: Linear; // [C] → [hidden]
  readonly down: Linear; // [hidden] → [C]

  constructor(dim: number, hidden: number, options: FeedForwardOptions = {}) {
    super();
    const o = { ...options, bias: options.bias ?? false };
    this.gate = new Linear(dim, hidden, linearOptions(o));
    this.up = new Linear(dim, hidden, linearOptions(o));
    this.down = new Linear(hidden, dim, linearOptions(o, options.projStd));
  }

  /** [..., C] → [..., C] */
  forward(x: Tensor): Tensor {
    return this.down.forward(mul(silu(this.gate.forward(x)), this.up.forward(x))); // [..., hidden] → [..., C]
  }
}
