// The provider registry (CONVENTIONS.md 2): each provider type registers once with its options
// schema and a factory. A providers file names instances of these types; the request-layer
// options (concurrency, rate limits, retries, timeout, pricing) are common to every type.
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { Registry } from '../registry.js';
import type { Provider } from './types.js';

/** Options of the request layer, accepted by every provider instance. */
export const requestOptionsShape = {
  concurrency: z.number().int().positive().default(8).describe('requests in flight at once to this provider'),
  rpm: z.number().positive().optional().describe('requests per minute (token bucket); unset: unlimited'),
  tpm: z.number().positive().optional().describe('tokens per minute, prompt estimate plus max tokens (token bucket); unset: unlimited'),
  maxRetries: z.number().int().nonnegative().default(4).describe('retries after a 429, 5xx, timeout, connection reset or truncated body (0: none)'),
  backoffMs: z.number().nonnegative().default(500).describe('first retry delay; doubles per retry, with jitter'),
  maxBackoffMs: z.number().nonnegative().default(30_000).describe('cap of the exponential backoff'),
  maxRetryAfterMs: z.number().nonnegative().default(120_000).describe('longest Retry-After honoured; a longer one ends the request as an error'),
  timeoutMs: z.number().positive().default(120_000).describe('per-request timeout'),
  cache: z.boolean().default(true).describe('read and write the content-addressed request cache'),
  pricing: z.strictObject({
    inputPerMTok: z.number().nonnegative(),
    outputPerMTok: z.number().nonnegative(),
  }).optional().describe('USD per million input / output tokens, for cost accounting'),
};

export type RequestOptions = z.output<z.ZodObject<typeof requestOptionsShape>>;

/** What a provider type can return beyond text; drives the "needs log-probabilities" errors. */
export interface ProviderCapabilities {
  /** Chat log-probabilities of the sampled tokens, with alternatives (MC-verify). */
  logprobs?: boolean;
  /** Prompt log-probabilities of raw completions with echo (MC-cloze). */
  promptLogprobs?: boolean;
  /** Where the capability depends on the server behind the provider. */
  note?: string;
}

export interface ProviderType {
  type: string;
  summary: string;
  capabilities?: ProviderCapabilities;
  /** Options of this type, beside `type` and the request options. */
  shape: z.ZodRawShape;
  create(name: string, options: Record<string, unknown>): Provider;
}

const types = new Registry<ProviderType>('llm: provider type', (t) => t.type);

/** Registers a provider type with a typed factory; registering a type twice throws. */
export function registerProviderType<S extends z.ZodRawShape>(def: {
  type: string;
  summary: string;
  capabilities?: ProviderCapabilities;
  shape: S;
  create(name: string, options: z.output<z.ZodObject<S>>): Provider;
}): void {
  types.register(def as unknown as ProviderType);
}

export function providerTypes(): ProviderType[] {
  return types.all();
}

/** "openai (vLLM, llama.cpp server), gguf" — the registered types offering a capability, for error hints. */
export function typesWith(capability: 'logprobs' | 'promptLogprobs'): string {
  const names = types.all().filter((t) => t.capabilities?.[capability]).map((t) => (t.capabilities?.note ? `${t.type} (${t.capabilities.note})` : t.type));
  return names.length ? names.join(', ') : 'none registered';
}

export function providerType(type: string, where: string): ProviderType {
  return types.get(type, (_, names, guess) => new ConfigError(`${where}: unknown provider type "${type}" (registered: ${names.join(', ')})`, guess ? `did you mean "${guess}"?` : 'use one of the registered types'));
}

/** The full schema of one provider instance of `type`. */
export function instanceSchema(t: ProviderType) {
  return z.strictObject({ type: z.literal(t.type), ...t.shape, ...requestOptionsShape });
}
