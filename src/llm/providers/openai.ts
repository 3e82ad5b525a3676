// OpenAI-compatible chat completions through the official `openai` client: OpenAI itself, vLLM,
// SGLang, llama.cpp's server, Ollama, `fathom serve` — any base URL. The client's own retries are
// off (the request layer retries, with accounting); its errors are classified for that layer.
import type OpenAI from 'openai';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { ProviderFailure, classifyTransport, kindOfStatus, parseRetryAfter } from '../failure.js';
import { WIRE_MARK, keepAliveFetch } from '../http.js';
import { registerProviderType } from '../registry.js';
import type { FinishReason, Generation, GenerateRequest, Provider, TokenLogprob, WireMark } from '../types.js';

export const openaiShape = {
  baseUrl: z.string().url().optional().describe('API base URL, e.g. http://127.0.0.1:8000/v1 (default: $OPENAI_BASE_URL, else OpenAI)'),
  apiKey: z.string().optional().describe('API key (default: the variable named by apiKeyEnv)'),
  apiKeyEnv: z.string().default('OPENAI_API_KEY').describe('environment variable holding the API key'),
  headers: z.record(z.string(), z.string()).optional().describe('extra HTTP headers'),
  logprobs: z.boolean().default(true).describe('whether the server returns log-probabilities when asked'),
};

function finishReason(reason: string | null | undefined, refusal: string | null | undefined): FinishReason {
  if (refusal || reason === 'content_filter') return 'refusal';
  if (reason === 'stop' || reason === 'tool_calls' || reason === 'function_call') return 'stop';
  if (reason === 'length') return 'length';
  return 'other';
}

type Sdk = typeof OpenAI;
// Loaded at a provider's first request: the client library is ≈ 3 MB of V8 heap, which commands
// that call no model (training) would otherwise carry through every full collection.
let sdk: Promise<Sdk> | undefined;
const loadSdk = (): Promise<Sdk> => (sdk ??= import('openai').then((m) => m.default));

function failureOf(err: unknown, signal: AbortSignal, OpenAI: Sdk): ProviderFailure {
  if (err instanceof ProviderFailure) return err;
  if (err instanceof OpenAI.APIUserAbortError || signal.aborted) return new ProviderFailure('timeout', 'no response within the request timeout');
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new ProviderFailure('timeout', err.message);
  if (err instanceof OpenAI.APIConnectionError) return classifyTransport(err.cause ?? err, false);
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const headers = err.headers;
    const retryAfterMs = headers ? parseRetryAfter((n) => headers.get(n)) : undefined;
    return new ProviderFailure(kindOfStatus(err.status), `HTTP ${err.status}: ${err.message}`, { status: err.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  return classifyTransport(err, false);
}

/** The sampling parameters both endpoints take, in the API's names (unset ones left out). */
function sampling(p: NonNullable<GenerateRequest['params']>) {
  return {
    ...(p.temperature === undefined ? {} : { temperature: p.temperature }),
    ...(p.maxTokens === undefined ? {} : { max_tokens: p.maxTokens }),
    ...(p.topP === undefined ? {} : { top_p: p.topP }),
    ...(p.stop === undefined ? {} : { stop: p.stop }),
    ...(p.seed === undefined ? {} : { seed: p.seed }),
  };
}

/** The first choice of a completion or chat response; a body that is not one is a bad_response. */
function firstChoice<C>(res: { choices?: C[] } | null | undefined): C {
  if (typeof res !== 'object' || res === null) throw new ProviderFailure('bad_response', 'the response body is not a JSON object', { retryable: false });
  const choice = Array.isArray(res.choices) ? res.choices[0] : undefined;
  if (!choice) throw new ProviderFailure('bad_response', 'the response has no choices', { retryable: false });
  return choice;
}

export function openaiProvider(name: string, o: z.output<z.ZodObject<typeof openaiShape>>): Provider {
  const baseURL = o.baseUrl ?? process.env.OPENAI_BASE_URL;
  const apiKey = o.apiKey ?? process.env[o.apiKeyEnv];
  if (!apiKey && !baseURL) {
    throw new ConfigError(`provider "${name}" (openai): no API key ($${o.apiKeyEnv} is unset) and no base URL`, `set ${o.apiKeyEnv}, or give baseUrl (or OPENAI_BASE_URL) for a local server`);
  }
  // Local servers take any key; the client insists on one.
  let connected: Promise<{ Sdk: Sdk; client: OpenAI }> | undefined;
  const connect = (): Promise<{ Sdk: Sdk; client: OpenAI }> => (connected ??= loadSdk().then((Sdk) => ({
    Sdk,
    client: new Sdk({
      apiKey: apiKey || 'no-key', ...(baseURL ? { baseURL } : {}), maxRetries: 0, timeout: 24 * 3600_000, fetch: keepAliveFetch(),
      ...(o.headers ? { defaultHeaders: o.headers } : {}),
    }),
  })));
  /** A raw completion (/v1/completions); with `echo`, the prompt's token log-probabilities too. */
  async function complete(request: GenerateRequest, prompt: string, signal: AbortSignal, fetchOptions: NonNullable<OpenAI.RequestOptions['fetchOptions']>): Promise<Generation> {
    const p = request.params ?? {};
    const { Sdk, client } = await connect();
    let res: OpenAI.Completions.Completion;
    try {
      res = await client.completions.create({
        model: request.model,
        prompt,
        ...sampling(p),
        ...(p.echo ? { echo: true } : {}),
        ...(p.logprobs || p.echo ? { logprobs: Math.max(1, p.topLogprobs ?? 1) } : {}),
      }, { signal, maxRetries: 0, fetchOptions });
    } catch (err) {
      throw failureOf(err, signal, Sdk);
    }
    const choice = firstChoice(res);
    const full = choice.text ?? '';
    const generation: Generation = {
      text: p.echo && full.startsWith(prompt) ? full.slice(prompt.length) : full,
      finishReason: finishReason(choice.finish_reason, null),
      usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
    };
    const lp = choice.logprobs;
    if (p.echo) {
      if (!lp || !Array.isArray(lp.tokens) || !Array.isArray(lp.token_logprobs) || !Array.isArray(lp.text_offset)) {
        throw new ProviderFailure('bad_response', 'the server returned no prompt log-probabilities for echo (it may not support echo with logprobs; vLLM does)', { retryable: false });
      }
      // Prompt tokens are those that start inside the prompt; the rest were generated.
      generation.promptLogprobs = [];
      for (let i = 0; i < lp.tokens.length; i++) {
        const offset = lp.text_offset[i]!;
        if (offset >= prompt.length) break;
        generation.promptLogprobs.push({ token: lp.tokens[i]!, logprob: lp.token_logprobs[i] ?? null, offset });
      }
    }
    return generation;
  }

  return {
    name,
    type: 'openai',
    logprobs: o.logprobs,
    promptLogprobs: o.logprobs,
    async generate(request: GenerateRequest, signal: AbortSignal, wire?: WireMark): Promise<Generation> {
      const p = request.params ?? {};
      if (wire) wire.sent = false;
      const fetchOptions = (wire ? { [WIRE_MARK]: wire } : {}) as NonNullable<OpenAI.RequestOptions['fetchOptions']>;
      if (request.prompt !== undefined) return complete(request, request.prompt, signal, fetchOptions);
      const { Sdk, client } = await connect();
      let res: OpenAI.Chat.Completions.ChatCompletion;
      try {
        res = await client.chat.completions.create({
          model: request.model,
          messages: request.messages,
          ...sampling(p),
          ...(p.logprobs ? { logprobs: true, ...(p.topLogprobs === undefined ? {} : { top_logprobs: p.topLogprobs }) } : {}),
        }, { signal, maxRetries: 0, fetchOptions });
      } catch (err) {
        throw failureOf(err, signal, Sdk);
      }
      const choice = firstChoice(res);
      const message = choice.message as { content?: string | null; refusal?: string | null } | undefined;
      const text = message?.content ?? message?.refusal ?? '';
      const generation: Generation = {
        text,
        finishReason: finishReason(choice.finish_reason, message?.refusal),
        usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
      };
      const content = choice.logprobs?.content;
      if (p.logprobs && Array.isArray(content)) {
        generation.logprobs = content.map((t): TokenLogprob => ({
          token: t.token,
          logprob: t.logprob,
          ...(Array.isArray(t.top_logprobs) && t.top_logprobs.length ? { top: t.top_logprobs.map((a) => ({ token: a.token, logprob: a.logprob })) } : {}),
        }));
      }
      return generation;
    },
  };
}

registerProviderType({
  type: 'openai',
  summary: 'OpenAI-compatible chat completions (OpenAI, vLLM, SGLang, llama.cpp server, Ollama, fathom serve)',
  capabilities: { logprobs: true, promptLogprobs: true, note: 'chat logprobs: OpenAI, vLLM, llama.cpp server; completions echo: vLLM' },
  shape: openaiShape,
  create: openaiProvider,
});
