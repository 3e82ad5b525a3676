// fathom/models/generate: KV-cache decoding and sampling (greedy, temperature, top-k, top-p,
// repetition penalty), stop strings, per-token log-probabilities, batched prompts.
export { generate, DecodeSession } from './generate.js';
export type { GenerateOptions, Generation, TokenEvent, TopLogprob, FinishReason } from './generate.js';
export { chooseToken, logSoftmax, topEntries, resolveSampling } from './sampling.js';
export type { SamplingOptions, ResolvedSampling } from './sampling.js';
export { StopText } from './stop.js';
