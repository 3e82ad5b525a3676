// fathom/eval: Task {dataset, solver, scorer} evaluations with every stage stored, answer
// matching and its cascade, MCQ and the choices-only probe, reference-free judging, agreement
// statistics and rankings (answer-matching paper, arXiv:2507.02856).
export type { ExtractedStage, PromptStage, ResponseStage, Sample, ScoreContext, ScoreStage, Scorer, Solver, SolverGenerate, StageStatus, Stages, Task, VerdictStage } from './types.js';
export { extractBinary, extractFreeform, extractLetter, lastBoxed, LETTERS } from './extract.js';
export { isRange, normalizeAnswer, parseQuantity, ruleVerdict, withinTolerance } from './rules.js';
export type { Quantity, RuleVerdict } from './rules.js';
export { choicesOnlyPrompt, freeformPrompt, judgePrompt, matcherPrompt, mcqPrompt } from './prompts.js';
export { getSolver, registerSolver, registeredSolvers } from './solvers.js';
export { clozeContext, continuationLogprob, extractArgmax, verifyPrompt, yesProbability } from './logprob.js';
export type { OptionScores } from './logprob.js';
export { getScorer, referenceOf, registerScorer, registeredScorers } from './scorers.js';
export { datasetSchema, loadDataset, parseCsv, readRecords, toSamples } from './dataset.js';
export type { DatasetConfig } from './dataset.js';
export { accuracy, bootstrap, hashString, rng, shuffled } from './stats.js';
export type { AccuracySummary, Interval } from './stats.js';
export { checkTask, runTask } from './runner.js';
export { PROBE_DEFAULTS, optionFeatures, trainChoicesOnlyProbe } from './probe.js';
export type { ProbeOptions, ProbeResult } from './probe.js';
export { extractRating, filterPrompt, rateQuestion } from './filter.js';
export type { FilterStage } from './filter.js';
export type { ModelRef, RunMode, RunTaskOptions, RunTaskResult } from './runner.js';
export { assembleTask, buildPool, evalConfigSchema, redactConfig } from './task.js';
export type { AssembledTask, EvalConfig } from './task.js';
export { rescoreEval, resumeEval, retryEval, startEval, summarize } from './evaluate.js';
export type { EvalHooks, EvalOutcome, EvalSummary } from './evaluate.js';
export { DEMO_SET, numberWords } from './data/demo.js';
export type { DemoItem } from './data/demo.js';
