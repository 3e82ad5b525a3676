// fathom/optim: optimizers over one flat parameter buffer.
export { FlatParameters } from './flat.js';
export type { ParameterRange } from './flat.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions, AdamWState } from './adamw.js';
