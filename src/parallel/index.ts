// fathom/parallel: the AxoNN 4D performance model and planner (shared/papers/08-axonn.md) and
// launch configurations for the engines that train at that scale.
export { divisors, clusterSchema, engineSchema, linearLayers, modelShapeSchema, overlapSchema, parameterCount } from './shape.js';
export type { Cluster, Engine, LinearLayer, ModelShape, Overlap } from './shape.js';
export { placement, ringSeconds } from './collectives.js';
export type { CollectiveKind, Dim, Placement, Split } from './collectives.js';
export { activationBytes, collectiveTotals, COLLECTIVES, evaluateSplit, isDropped, splitProblem } from './model.js';
export type { CollectiveCost, CollectiveName, DropReason, Dropped, Evaluation, LayerCost, MemoryBreakdown, PhaseTime, PlanInputs } from './model.js';
export { evaluateChosen, factorizations, parsePlanInput, plan, planInputSchema, splitLabel } from './planner.js';
export type { DropSummary, PlanInput, PlanResult } from './planner.js';
export { CLUSTER_PRESETS, MODEL_PRESETS, resolvePreset } from './presets.js';
export type { ClusterPreset, ModelPreset } from './presets.js';
export { LAUNCH_ENGINES, launchConfig } from './launch.js';
export type { LaunchConfig, LaunchEngine } from './launch.js';
