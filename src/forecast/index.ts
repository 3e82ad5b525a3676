// fathom/forecast: forecasting evaluation that cannot leak (arXiv:2506.00723) scored the way
// ForecastBench scores (arXiv:2409.19839): question / resolution / forecast sets and importers,
// the leakage audit, Brier / log / Brier Index with the difficulty adjustment, calibration,
// a forecaster runner with date-restricted retrieval, and the betting-pitfall simulator.
export type { Forecast, ForecastSet, Question, QuestionKind, Resolution } from './schema.js';
export { ForecastDataError, dayOf, questionKey, timeOf } from './schema.js';
export { checkReferences, readForecasts, readForecastSet, readQuestions, readQuestionSet, readResolutions, readResolutionSet } from './import.js';
export type { Imported } from './import.js';
export { LOG_CLAMP, brier, brierIndex, equalWeight, logScore, matchOutcomes, perQuestion, scoreForecaster } from './score.js';
export type { ForecasterScore, GroupScore, QuestionScore, ScoreOptions, ScoredOutcome } from './score.js';
export { difficultyAdjusted, fitFixedEffects } from './difficulty.js';
export type { AdjustedScore, FixedEffects, PanelCell } from './difficulty.js';
export { audit, auditChecks } from './audit.js';
export type { AuditInput, AuditOptions, AuditReport, CheckSummary, ContextDocument, Finding, QuestionContext } from './audit.js';
export { dateMentions } from './dates.js';
export { DatedIndex, readDocuments, sotuDocuments } from './retrieval.js';
export type { DatedDocument, RetrievalResult, RetrievedDocument } from './retrieval.js';
export { parseProbability } from './parse.js';
export { contextsFromRun, forecastMessages, forecastRunSchema, forecastRunSummary, forecastsFromRun, resumeForecastRun, retryForecastRun, startForecastRun } from './runner.js';
export type { ForecastRunConfig, ForecastRunOutcome, ForecastRunSummary } from './runner.js';
export { LeakageError, evaluate, loadEvaluation, readContextFile } from './evaluate.js';
export type { Evaluation, EvaluationFiles, EvaluationInput } from './evaluate.js';
export { auditText, bettingPlot, evaluationHtml, evaluationText, reliabilityPlots } from './report.js';
export { simulateBetting } from './simulate.js';
export type { SimulationOptions, SimulationRow } from './simulate.js';
