// Every op module, imported for its registrations (declarations + reference kernels) and
// re-exported as the functional API.
export * from './binary.js';
export * from './unary.js';
export * from './reduce.js';
export * from './layout.js';
export * from './matmul.js';
export * from './linear.js';
export * from './indexing.js';
export * from './softmax.js';
export * from './loss.js';
export * from './norm.js';
export * from './attention.js';
export * from './packed-attention.js';
export * from './rope.js';
export * from './dropout.js';
export * from './adamw-step.js';
