// Token (or position) embedding table: a lookup whose backward is a scatter-add into the table.
import { embedding } from '../tensor/index.js';
import type { IndexTensor, Tensor } from '../tensor/index.js';
import { weightParameter } from './init.js';
import type { InitOptions } from './init.js';
import { Module } from './module.js';
import type { Parameter } from './module.js';

export class Embedding extends Module {
  readonly weight: Parameter; // [num, dim]

  constructor(readonly numEmbeddings: number, readonly dim: number, options: InitOptions & { /** Init std (default 0.02, as GPT-2). */ std?: number } = {}) {
    super();
    this.weight = weightParameter([numEmbeddings, dim], options.std ?? 0.02, options);
  }

  /** ids [...] → [..., dim] */
  forward(ids: IndexTensor): Tensor {
    return embedding(this.weight, ids);
  }
}
