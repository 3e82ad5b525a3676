// Validation loss: the mean cross-entropy over a fixed set of batches (the same ones at every
// evaluation, drawn by a sampler seeded independently of training), in eval mode, without a graph.
import { BatchSampler } from '../data/index.js';
import type { Transformer } from '../models/index.js';
import { indices, noGrad } from '../tensor/index.js';

export interface EvalOptions {
  batch: number;
  batches: number;
  seed: number;
}

export function evalLoss(model: Transformer, tokens: Int32Array, o: EvalOptions): number {
  const ctx = model.config.contextLength;
  const sampler = new BatchSampler(tokens, { batch: o.batch, ctx, seed: o.seed, mode: 'random' });
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let sum = 0;
      for (let i = 0; i < o.batches; i++) {
        const { inputs, targets } = sampler.next();
        const { loss } = model.forward(indices(inputs, [o.batch, ctx]), { targets: indices(targets, [o.batch, ctx]) });
        sum += loss!.item();
      }
      return sum / o.batches;
    });
  } finally {
    model.train(wasTraining);
  }
}
