// The unigram entropy of a token stream: the loss (nats per token) of the best model that ignores
// context. A language model has learned something once its validation loss falls below it.
import { DataError } from './errors.js';

export function unigramEntropy(tokens: Int32Array, vocabSize: number): number {
  if (!Number.isSafeInteger(vocabSize) || vocabSize <= 0) {
    throw new DataError(`unigramEntropy: vocabSize must be a positive whole number, got ${vocabSize}`, 'pass the tokenizer\'s vocabSize');
  }
  if (tokens.length === 0) throw new DataError('unigramEntropy: the token stream is empty', 'pass a non-empty split');
  const counts = new Float64Array(vocabSize);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t < 0 || t >= vocabSize) throw new DataError(`unigramEntropy: id ${t} at position ${i} is outside [0, ${vocabSize})`, 'pass the vocabSize of the tokenizer that produced the ids');
    counts[t]!++;
  }
  const n = tokens.length;
  let h = 0;
  for (let v = 0; v < vocabSize; v++) {
    const c = counts[v]!;
    if (c > 0) h -= (c / n) * Math.log(c / n);
  }
  return h;
}
