// fathom/train: the trainer, its config, checkpoints (safetensors + JSON state) and validation loss.
export { trainConfigSchema, modelConfig, totalSteps, MODEL_PRESETS } from './config.js';
export type { TrainConfig } from './config.js';
export { train } from './trainer.js';
export type { TrainData, TrainOptions, TrainResult } from './trainer.js';
export { evalLoss } from './evaluate.js';
export type { EvalOptions } from './evaluate.js';
export { saveCheckpoint, loadCheckpoint, loadWeights, resolveCheckpoint, writeAtomic, weightsFile, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint.js';
export type { CheckpointState, LoadedCheckpoint } from './checkpoint.js';
export { encodeSafetensors, decodeSafetensors, readSafetensors } from '../io/safetensors.js';
export type { NamedTensor, SafetensorsFile } from '../io/safetensors.js';
export { prepareTrainData } from './data.js';
export type { PreparedData } from './data.js';
export { compareRuns, binCurve, stepsToTarget } from './compare.js';
export type { Comparison, CurveSummary } from './compare.js';
export { charSplit, trainCharLm, runTorchCharLm } from './charlm.js';
export type { CharData, CharLmOptions, PeerResult } from './charlm.js';
