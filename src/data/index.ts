// fathom's data layer: tokenizers (byte-level; byte-level BPE trained here or loaded from a
// Hugging Face tokenizer.json), corpora (embedded moby-dick and sotu, text and JSONL files), the
// train/validation split with a binary token cache, the training batch sampler, and the Goldfish
// loss mask (../shared/papers/08-axonn.md).
export { byteTokenizer, charTokenizerJson } from './tokenizer.js';
export type { Tokenizer, EncodeOptions } from './tokenizer.js';
export { loadTokenizer, saveTokenizer, HfTokenizer } from './hf-tokenizer.js';
export { trainBpe } from './bpe-train.js';
export type { TrainBpeOptions } from './bpe-train.js';
export { prepareTokens, resolveTokenizer, encodeDocuments, corpusSpecSchema } from './tokens.js';
export type { CorpusSpec, CorpusSpecInput, TokenSplits } from './tokens.js';
export { readCorpus, corpusText, EMBEDDED_CORPORA, DOCUMENT_SEPARATOR } from './corpus.js';
export type { Corpus, CorpusFormat } from './corpus.js';
export { readTokenCache, writeTokenCache, cachePath } from './token-cache.js';
export { BatchSampler } from './sampler.js';
export type { SamplerState, SamplerOptions, SamplerMode, Batch } from './sampler.js';
export { goldfishMask, goldfishBatchMask, goldfishHash, goldfishTable, GOLDFISH_STRATEGIES, GOLDFISH_DEFAULTS } from './goldfish.js';
export type { GoldfishStrategy, GoldfishOptions } from './goldfish.js';
export { unigramEntropy } from './entropy.js';
export { DataError } from './errors.js';
