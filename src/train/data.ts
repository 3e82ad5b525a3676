// The trainer's view of a corpus: prepareTokens from the data layer, with the workspace's token
// cache unless the config names another, and the unigram entropy of the corpus — the loss of the
// best model that ignores context, the bar a trained model's validation loss must clear.
import { join } from 'node:path';
import { prepareTokens, unigramEntropy } from '../data/index.js';
import type { CorpusSpec } from '../data/index.js';
import type { TrainConfig } from './config.js';
import type { TrainData } from './trainer.js';

export interface PreparedData extends TrainData {
  /** Unigram entropy of the whole corpus (train + val), nats per token. */
  unigramEntropy: number;
  tokenizer: string;
}

export function prepareTrainData(data: TrainConfig['data'], workspace?: string): PreparedData {
  const spec: CorpusSpec = { corpus: data.corpus, tokenizer: data.tokenizer, valFraction: data.valFraction };
  if (data.format) spec.format = data.format;
  if (data.field) spec.field = data.field;
  const cacheDir = data.cacheDir ?? (workspace ? join(workspace, 'cache', 'tokens') : undefined);
  if (cacheDir) spec.cacheDir = cacheDir;
  const s = prepareTokens(spec);
  const all = new Int32Array(s.train.length + s.val.length);
  all.set(s.train);
  all.set(s.val, s.train.length);
  return {
    train: s.train, val: s.val, vocabSize: s.vocabSize, source: `${s.source} (${data.tokenizer === 'byte' ? 'byte' : data.tokenizer})`,
    unigramEntropy: unigramEntropy(all, s.vocabSize), tokenizer: data.tokenizer,
  };
}
