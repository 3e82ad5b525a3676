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
  /**
   * Completion requests only: return the prompt's own token log-probabilities
   * (`echo` + `logprobs` of OpenAI-compatible /v1/completions, as vLLM serves it).
   */
  echo?: boolean;
}

export interface GenerateRequest {
  model: string;
  /** Chat messages; empty for a raw completion (`prompt`). */
  messages: Message[];
  /** A raw text completion instead of chat (no chat template), e.g. to score a continuation. */
  prompt?: string;
  params?: GenerationParams;
}

/** One prompt token's log-probability (null for the first token) and its character offset in the prompt. */
export interface PromptTokenLogprob {
  token: string;
  logprob: number | null;
  offset: number;
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
  /** With `echo`: the prompt's tokens and their log-probabilities. */
  promptLogprobs?: PromptTokenLogprob[];
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

/**
 * The outcome of one logical request: `ok` (maybe from the cache), `refused`, or `error` after
 * retries. `attempts` counts tries; `requests` the tries that reached the provider (a try cut off
 * by the timeout before its request was written is an attempt but not a request).
 */
export type LlmOutcome =
  | { status: 'ok' | 'refused'; generation: Generation; cached: boolean; attempts: number; requests: number }
  | { status: 'error'; error: LlmError; attempts: number; requests: number };

/** Whether one call's request was written to the wire; undefined: the provider cannot tell. */
export interface WireMark {
  sent?: boolean;
}

/** A provider: one backend that turns a request into a generation or throws a ProviderFailure. */
export interface Provider {
  /** The configured name, e.g. 'openai' or 'local-vllm'; part of the cache key. */
  readonly name: string;
  /** The provider type from the registry, e.g. 'openai-compatible'. */
  readonly type: string;
  /** Whether `logprobs` requests are honoured (chat: the sampled tokens and their alternatives). */
  readonly logprobs: boolean;
  /** Whether raw completions with `echo` return the prompt's log-probabilities. */
  readonly promptLogprobs?: boolean;
  /**
   * One call. A provider that can tell whether its request reached the wire sets `wire.sent`
   * (false before the call); one that cannot leaves it undefined and every call counts as sent.
   */
  generate(request: GenerateRequest, signal: AbortSignal, wire?: WireMark): Promise<Generation>;
  /** Loads what `model` needs (a local model file) before the first request; throws a FathomError if it cannot. */
  prepare?(model: string): Promise<void>;
}
