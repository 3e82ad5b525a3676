// fathom/models: the transformer, in the gpt2 and llama layouts.
export { Transformer, Block, KVCache, countParameters } from './transformer.js';
export type { ForwardOptions } from './transformer.js';
export { resolveConfig } from './config.js';
export type { TransformerConfig, ResolvedConfig } from './config.js';
export type { InitScheme } from '../nn/index.js';
