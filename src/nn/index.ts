// fathom/nn: Module, Parameter and the layers transformers are built from.
export { Module, Parameter } from './module.js';
export { normalParameter, truncatedNormalParameter, weightParameter, constantParameter, weightInit } from './init.js';
export type { InitOptions, InitScheme, WeightInit } from './init.js';
export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Embedding } from './embedding.js';
export { LayerNorm, RMSNorm } from './norm.js';
export { CausalSelfAttention } from './attention.js';
export type { SelfAttentionOptions, LayerCache, AttentionContext } from './attention.js';
export { MLP, SwiGLU } from './mlp.js';
export type { FeedForwardOptions } from './mlp.js';
