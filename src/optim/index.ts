// fathom/optim: optimizers over one flat parameter buffer (one registry), parameter groups,
// gradient clipping, learning-rate schedules, and weight averaging (./averaging).
export { FlatParameters } from './flat.js';
export type { ParameterRange } from './flat.js';
export { defaultGroupRules, noDecay, resolveGroups } from './groups.js';
export type { GroupRule, NoDecayPolicy, ParamGroup } from './groups.js';
export {
  FlatOptimizer, createOptimizer, registerOptimizer, registeredOptimizers, encodeOptimizerState, decodeOptimizerState,
} from './optimizer.js';
export type { Optimizer, OptimizerOptions, OptimizerSpec, OptimizerState, EncodedOptimizerState, Params } from './optimizer.js';
export { SGD } from './sgd.js';
export { SignSGD, Signum } from './sign.js';
export { Adam } from './adam.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions } from './adamw.js';
export { clipGradNorm } from './clip.js';
export { learningRate, scheduleSchema } from './schedule.js';
export type { ScheduleConfig } from './schedule.js';
export { encodeArray, decodeArray } from './serialize.js';
export type { EncodedArray } from './serialize.js';
export * from './averaging/index.js';
