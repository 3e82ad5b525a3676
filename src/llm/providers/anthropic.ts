// Anthropic's Messages API through the official SDK (its own retries off; the request layer
// retries). System messages become the `system` field; the API offers no log-probabilities.
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { ProviderFailure, classifyTransport, kindOfStatus, parseRetryAfter } from '../failure.js';
import { registerProviderType } from '../registry.js';
import type { FinishReason, Generation, GenerateRequest, Provider } from '../types.js';

export const anthropicShape = {
  baseUrl: z.string().url().optional().describe('API base URL (default: $ANTHROPIC_BASE_URL, else Anthropic)'),
  apiKey: z.string().optional().describe('API key (default: the variable named by apiKeyEnv)'),
  apiKeyEnv: z.string().default('ANTHROPIC_API_KEY').describe('environment variable holding the API key'),
  defaultMaxTokens: z.number().int().positive().default(1024).describe('max_tokens when a request sets none (the API requires one)'),
};

type Sdk = typeof Anthropic;
// Loaded at a provider's first request: the client library is ≈ 6 MB of V8 heap, which commands
// that call no model (training) would otherwise carry through every full collection.
let sdk: Promise<Sdk> | undefined;
const loadSdk = (): Promise<Sdk> => (sdk ??= import('@anthropic-ai/sdk').then((m) => m.default));

function failureOf(err: unknown, signal: AbortSignal, Anthropic: Sdk): ProviderFailure {
  if (err instanceof ProviderFailure) return err;
  if (err instanceof Anthropic.APIUserAbortError || signal.aborted) return new ProviderFailure('timeout', 'no response within the request timeout');
  if (err instanceof Anthropic.APIConnectionTimeoutError) return new ProviderFailure('timeout', err.message);
  if (err instanceof Anthropic.APIConnectionError) return classifyTransport(err.cause ?? err, false);
  if (err instanceof Anthropic.APIError && typeof err.status === 'number') {
    const headers = err.headers;
    const retryAfterMs = headers ? parseRetryAfter((n) => headers.get(n)) : undefined;
    // 529 "overloaded" is Anthropic's transient server state.
    return new ProviderFailure(kindOfStatus(err.status), `HTTP ${err.status}: ${err.message}`, { status: err.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  return classifyTransport(err, false);
}

const FINISH: Record<string, FinishReason> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', refusal: 'refusal', model_context_window_exceeded: 'length' };

export function anthropicProvider(name: string, o: z.output<z.ZodObject<typeof anthropicShape>>): Provider {
  const apiKey = o.apiKey ?? process.env[o.apiKeyEnv];
  const baseURL = o.baseUrl ?? process.env.ANTHROPIC_BASE_URL;
  if (!apiKey) throw new ConfigError(`provider "${name}" (anthropic): no API key ($${o.apiKeyEnv} is unset)`, `set ${o.apiKeyEnv} or give apiKey in the providers file`);
  let connected: Promise<{ Sdk: Sdk; client: Anthropic }> | undefined;
  const connect = (): Promise<{ Sdk: Sdk; client: Anthropic }> =>
    (connected ??= loadSdk().then((Sdk) => ({ Sdk, client: new Sdk({ apiKey, ...(baseURL ? { baseURL } : {}), maxRetries: 0, timeout: 24 * 3600_000 }) })));
  return {
    name,
    type: 'anthropic',
    logprobs: false,
    async generate(request: GenerateRequest, signal: AbortSignal): Promise<Generation> {
      const p = request.params ?? {};
      const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
      const messages = request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
      const { Sdk, client } = await connect();
      let res: Anthropic.Messages.Message;
      try {
        res = await client.messages.create({
          model: request.model,
          max_tokens: p.maxTokens ?? o.defaultMaxTokens,
          messages,
          ...(system ? { system } : {}),
          ...(p.temperature === undefined ? {} : { temperature: p.temperature }),
          ...(p.topP === undefined ? {} : { top_p: p.topP }),
          ...(p.stop === undefined ? {} : { stop_sequences: p.stop }),
        }, { signal, maxRetries: 0 });
      } catch (err) {
        throw failureOf(err, signal, Sdk);
      }
      if (!res || !Array.isArray(res.content)) throw new ProviderFailure('bad_response', 'the response has no content blocks', { retryable: false });
      const text = res.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      return {
        text,
        finishReason: FINISH[res.stop_reason ?? ''] ?? 'other',
        usage: { inputTokens: res.usage?.input_tokens ?? 0, outputTokens: res.usage?.output_tokens ?? 0 },
      };
    },
  };
}

registerProviderType({
  type: 'anthropic',
  summary: 'Anthropic Messages API (official SDK); no log-probabilities',
  shape: anthropicShape,
  create: anthropicProvider,
});
