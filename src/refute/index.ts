// REFUTE (arXiv:2502.19414): can a model falsify a subtly wrong solution? Problem records
// (FORMAT.md), the counterexample verdict run in fathom's sandbox, and output checkers.
export {
  loadProblems, loadProblemDir, loadProblemsJsonl, parseProblem, parseLang, readCounterexample, correctSolution, wrongSolution, problemTags,
  ProblemFormatError, KNOWN_FIELDS, problemSchema,
} from './problem.js';
export type { RefuteProblem, Counterexample, NamedCounterexample, CheckerSpec } from './problem.js';
export { verifyCounterexample, solutionLimits, GENERATOR_LIMITS, VALIDATOR_LIMITS } from './verify.js';
export type { Verdict, VerifyResult, VerifyOptions, VerdictRun, RunRole, Refutation } from './verify.js';
export { check, compareTokens, CHECKER_LIMITS } from './checker.js';
export type { CheckResult } from './checker.js';
export { BUNDLED_DIR, bundledProblems, importedProblemIds, resolveProblem, saveProblems } from './library.js';
export { selfCheckProblem } from './selfcheck.js';
export type { SelfCheck } from './selfcheck.js';
export { runVerdictBench, BENCH_PROBLEM } from './bench.js';
export type { VerdictBenchResult } from './bench.js';
