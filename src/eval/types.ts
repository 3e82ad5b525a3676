// The shapes of an evaluation (inspect_ai's split: a Task is {dataset, solver, scorer}): samples,
// the stages stored per item — sample, prompt, response, extracted answer, verdict, score — each
// with a status, and the Solver and Scorer interfaces that produce them.
import type { GenerateRequest, GenerationParams, LlmClient, LlmError, LlmOutcome, Message } from '../llm/index.js';
import type { FilterStage } from './filter.js';

/** One evaluation item. */
export interface Sample {
  id: string;
  question: string;
  /** Free-form reference answer. */
  reference?: string;
  /** Multiple-choice options, lettered A, B, C... */
  options?: string[];
  /** Index of the correct option. */
  answerIndex?: number;
  category?: string;
}

/** Every stage ends in one of these; an item's status is its score's (or its last stage's) status. */
export type StageStatus = 'ok' | 'unparsed' | 'error' | 'refused';

export interface PromptStage { status: 'ok'; messages: Message[] }

export interface ResponseStage {
  status: 'ok' | 'refused' | 'error';
  text: string | null;
  finishReason: string | null;
  error: LlmError | null;
  /** Tries, and the tries that reached the provider (see LlmOutcome). */
  attempts: number;
  requests: number;
  cached: boolean;
}

export interface ExtractedStage { status: 'ok' | 'unparsed'; answer: string | null; method: string | null }

export interface VerdictStage {
  status: StageStatus;
  /** true: the answer matches (or the judge accepts it); null when there is no verdict. */
  match: boolean | null;
  /** Which rule or model decided, e.g. 'exact', 'numeric', 'llm', 'letter'. */
  method: string;
  /** The matcher model's raw output, when a model decided. */
  raw: string | null;
  error: LlmError | null;
}

export interface ScoreStage { status: StageStatus; value: number | null }

export interface Stages {
  sample: Sample;
  /** The question filter's rating, when a filter model is configured (see filter.ts). */
  filter?: FilterStage;
  prompt?: PromptStage;
  response?: ResponseStage;
  extracted?: ExtractedStage;
  verdict?: VerdictStage;
  score?: ScoreStage;
}

/** What a scorer can use: the sample, the response and its extraction, and the matcher model. */
export interface ScoreContext {
  sample: Sample;
  response: ResponseStage;
  extracted: ExtractedStage;
  /** The matcher/judge model, for scorers that need one. */
  matcher: { client: LlmClient; model: string; params: GenerationParams } | undefined;
  /** Bypass the cache (retrying a failed verdict). */
  refresh: boolean;
}

export interface Scorer {
  name: string;
  summary: string;
  /** Whether it calls the matcher model (then a matcher must be configured). */
  usesModel: boolean;
  /** What of the sample it needs: a free-form reference, a correct option, or nothing. */
  needs: 'reference' | 'answer' | 'none';
  score(ctx: ScoreContext): Promise<VerdictStage>;
}

/** One candidate request made by a solver; the candidate's model and generation parameters are filled in. */
export type SolverGenerate = (request: Omit<GenerateRequest, 'model'>) => Promise<LlmOutcome>;

export interface Solver {
  name: string;
  summary: string;
  needs: 'question' | 'options';
  /** What the candidate's provider must offer beyond text (checked before any request). */
  requires?: 'logprobs' | 'promptLogprobs';
  /** The messages sent to the candidate model (for a solver with `solve`, the one stored as the prompt stage). */
  prompt(sample: Sample): Message[];
  /** Pulls the answer out of the response text. */
  extract(text: string, sample: Sample): ExtractedStage;
  /**
   * A solver that makes its own requests (several per item, log-probabilities) instead of one
   * generation from `prompt`; it returns the response stage, whose text `extract` reads.
   */
  solve?(sample: Sample, generate: SolverGenerate): Promise<ResponseStage>;
}

export interface Task {
  name: string;
  samples: Sample[];
  solver: Solver;
  scorer: Scorer;
}
