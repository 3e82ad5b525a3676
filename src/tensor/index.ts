// fathom/tensor: Tensor, autograd, the op registry and its backends (reference TypeScript and,
// when built, native C++). Importing this module registers every op's reference kernel and then
// tries to load the native backend, which registers its own kernels.
export * from './types.js';
export { Tensor, tensor, full, zeros, ones, scalar, arange, zerosLike, onesLike } from './tensor.js';
export type { NestedArray, CreateOptions, BackwardOptions } from './tensor.js';
export { IndexTensor, indices } from './index-tensor.js';
export { noGrad, isGradEnabled } from './autograd.js';
export {
  defineOp, registerKernel, getOp, listOps, hasKernel, runKernel,
  registerBackend, getBackend, setBackend, withBackend, backendStatus, BACKENDS,
  profileReport, resetProfile,
} from './registry.js';
export type { BackendName, BackendInfo, Kernel, GradRule, GradContext, OpSpec, ProfileRow } from './registry.js';
export type * from './op-attrs.js';
export * from './ops/index.js';
export { sizeOf, fmtShape, broadcastShapes } from './shape.js';
export { Rng } from './rng.js';
export { memoryStatus, gcMode } from './memory.js';
export { recycleStatus } from './recycle.js';
import { loadNativeBackend } from './load-native.js';

await loadNativeBackend();
