// The shapes every provider speaks: chat messages in, one generation out, and the outcome of a
// request after the request layer (cache, limits, retries) — a result with a status, never a throw.

export type Role = 'system' | 'user' | 'assistant';

export interface Message {
  role: Role;
  content: string;
}

/** Generation parameters. Every one of them is part of the cache key. */
export interface GenerationParams {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  /** Ask for the sampled tokens' log-probabilities (where the provider offers them). */
  logprobs?: boolean;
  /** How many alternatives per position to return with `logprobs` (OpenAI: 0–20). */
  topLogprobs?: number;
}

export interface GenerateRequest {
  model: string;
  messages: Message[];
  params?: GenerationParams;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top?: { token: string; logprob: number }[];
}

export type FinishReason = 'stop' | 'length' | 'refusal' | 'other';

/** What a provider returns for one successful call. */
export interface Generation {
  text: string;
  finishReason: FinishReason;
  usage: { inputTokens: number; outputTokens: number };
  logprobs?: TokenLogprob[];
}

/**
 * Why a request failed, as a small closed set so reports can count causes:
 * rate_limit (429), server (5xx), timeout (no answer within the per-request timeout),
 * connection (reset, refused, closed mid-body), bad_response (truncated or malformed JSON,
 * empty choices), client (4xx other than 429: a bad key, an unknown model), not_found (replay
 * has no recording for this request), provider (any other provider failure).
 */
export type FailureKind = 'rate_limit' | 'server' | 'timeout' | 'connection' | 'bad_response' | 'client' | 'not_found' | 'provider';

export interface LlmError {
  kind: FailureKind;
  message: string;
  /** HTTP status, when there was one. */
  status?: number;
}

/** The outcome of one logical request: `ok` (maybe from the cache), `refused`, or `error` after retries. */
export type LlmOutcome =
  | { status: 'ok' | 'refused'; generation: Generation; cached: boolean; attempts: number }
  | { status: 'error'; error: LlmError; attempts: number };

/** A provider: one backend that turns a request into a generation or throws a ProviderFailure. */
export interface Provider {
  /** The configured name, e.g. 'openai' or 'local-vllm'; part of the cache key. */
  readonly name: string;
  /** The provider type from the registry, e.g. 'openai-compatible'. */
  readonly type: string;
  /** Whether `logprobs` requests are honoured. */
  readonly logprobs: boolean;
  generate(request: GenerateRequest, signal: AbortSignal): Promise<Generation>;
}
