// fathom/llm: providers behind one registry, and the request layer every evaluation uses —
// content-addressed cache, concurrency and rate limits, retries with backoff, timeouts, accounting.
import './providers/openai.js';
import './providers/anthropic.js';
import './providers/replay.js';
import './providers/scripted.js';
import './providers/gguf.js';
import './providers/fathom.js';

export type { FailureKind, FinishReason, GenerateRequest, Generation, GenerationParams, LlmError, LlmOutcome, Message, PromptTokenLogprob, Provider, Role, TokenLogprob, WireMark } from './types.js';
export { ProviderFailure, parseRetryAfter, classifyTransport, kindOfStatus } from './failure.js';
export { registerProviderType, providerTypes, requestOptionsShape, typesWith } from './registry.js';
export type { ProviderCapabilities, ProviderType, RequestOptions } from './registry.js';
export { Semaphore, TokenBucket, realSleep } from './limits.js';
export type { Sleep } from './limits.js';
export { RequestCache, UsageLedger, cacheKey, canonicalJson, runUsage } from './cache.js';
export type { UsageCounters } from './cache.js';
export { LlmClient, missingCapability } from './client.js';
export { keepAliveFetch, WIRE_MARK } from './http.js';
export { LlmPool, parseModelSpec, readProvidersFile } from './pool.js';
export type { PoolOptions } from './pool.js';
export { scriptedProvider, fillReply, wordTokens } from './providers/scripted.js';
export { ggufProvider, loadLlamaLibrary, checkModelFile, NODE_LLAMA_CPP_VERSION } from './providers/gguf.js';
export type { ScriptedRespond } from './providers/scripted.js';
