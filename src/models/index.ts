// fathom/models: the transformer (gpt2 and llama layouts).
export { Transformer, Block, KVCache, resolveConfig, countParameters } from './transformer.js';
export type { TransformerConfig, ResolvedConfig, ForwardOptions } from './transformer.js';
