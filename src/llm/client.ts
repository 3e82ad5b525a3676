// The request layer in front of a provider: cache lookup, concurrency limit, request and token
// rate limits, per-request timeout, retries with exponential backoff and jitter (honouring
// Retry-After), and usage accounting. `generate` never throws for a provider failure: it returns
// an outcome with status `ok`, `refused` or `error` (with the cause), as evaluations need.
import { cacheKey, type RequestCache, type UsageLedger } from './cache.js';
import { ProviderFailure } from './failure.js';
import { realSleep, Semaphore, TokenBucket, type Sleep } from './limits.js';
import { typesWith, type RequestOptions } from './registry.js';
import type { GenerateRequest, Generation, LlmOutcome, Provider, WireMark } from './types.js';

/** A timer firing later than this means the process was stalled, not that the server was slow. */
const STALL_SLACK_MS = 50;

export interface ClientDeps {
  cache?: RequestCache | undefined;
  ledger?: UsageLedger | undefined;
  sleep?: Sleep;
  /** Uniform [0, 1) for jitter; injectable so tests can pin delays. */
  random?: () => number;
  /** Milliseconds clock of the rate-limit buckets; injectable with `sleep` for tests. */
  now?: () => number;
}

/** Rough prompt size in tokens (4 characters a token), for the tokens-per-minute bucket only. */
function estimateTokens(request: GenerateRequest): number {
  let chars = 0;
  for (const m of request.messages) chars += m.content.length + 4;
  return Math.ceil(chars / 4) + (request.params?.maxTokens ?? 256);
}

/** Why `provider` cannot serve `request` (log-probabilities it does not offer), or undefined. */
export function missingCapability(provider: Provider, request: GenerateRequest): string | undefined {
  if (request.params?.logprobs && !provider.logprobs) {
    return `provider "${provider.name}" (${provider.type}) offers no token log-probabilities; providers that do: ${typesWith('logprobs')}`;
  }
  if (request.prompt !== undefined && request.params?.echo && !provider.promptLogprobs) {
    return `provider "${provider.name}" (${provider.type}) offers no prompt log-probabilities (completions with echo); providers that do: ${typesWith('promptLogprobs')}`;
  }
  return undefined;
}

export class LlmClient {
  private readonly slots: Semaphore;
  private readonly requestBucket: TokenBucket | undefined;
  private readonly tokenBucket: TokenBucket | undefined;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(readonly provider: Provider, readonly options: RequestOptions, private readonly deps: ClientDeps = {}) {
    this.slots = new Semaphore(options.concurrency);
    this.sleep = deps.sleep ?? realSleep;
    this.random = deps.random ?? Math.random;
    this.requestBucket = options.rpm === undefined ? undefined : new TokenBucket(options.rpm, deps.now, this.sleep);
    this.tokenBucket = options.tpm === undefined ? undefined : new TokenBucket(options.tpm, deps.now, this.sleep);
  }

  /** The usage ledger this client adds to (shared by the clients of one pool). */
  get ledger(): UsageLedger | undefined {
    return this.deps.ledger;
  }

  /** The request cache this client reads and writes, when caching is on. */
  get cache(): RequestCache | undefined {
    return this.options.cache ? this.deps.cache : undefined;
  }

  /** Delay before retry number `retry` (1-based): base·2^(retry−1), capped, times a jitter in [0.5, 1). */
  backoff(retry: number): number {
    const raw = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (retry - 1));
    return raw * (0.5 + 0.5 * this.random());
  }

  /** One logical request. `refresh` skips the cache read (the new answer is still written). */
  async generate(request: GenerateRequest, opts: { refresh?: boolean } = {}): Promise<LlmOutcome> {
    const { provider, options } = this;
    const priced = options.pricing !== undefined;
    const ledger = this.deps.ledger;
    const cache = options.cache ? this.deps.cache : undefined;
    const key = cache ? cacheKey(provider.name, request) : '';
    if (cache && !opts.refresh) {
      const hit = cache.get(key);
      if (hit) {
        ledger?.add(provider.name, request.model, priced, { cacheHits: 1 });
        return { status: hit.finishReason === 'refusal' ? 'refused' : 'ok', generation: hit, cached: true, attempts: 0, requests: 0 };
      }
    }
    const missing = missingCapability(provider, request);
    if (missing) {
      ledger?.add(provider.name, request.model, priced, { errors: 1 });
      return { status: 'error', error: { kind: 'client', message: missing }, attempts: 0, requests: 0 };
    }
    const estimate = estimateTokens(request);
    let requests = 0; // attempts whose request reached the provider
    for (let attempt = 1; ; attempt++) {
      if (this.requestBucket) await this.requestBucket.take(1);
      if (this.tokenBucket) await this.tokenBucket.take(estimate);
      let failure: ProviderFailure;
      const wire: WireMark = {};
      await this.slots.acquire();
      try {
        const generation = await this.callWithTimeout(request, wire);
        requests++;
        const { inputTokens, outputTokens } = generation.usage;
        this.tokenBucket?.adjust(estimate - (inputTokens + outputTokens));
        const cost = options.pricing ? (inputTokens * options.pricing.inputPerMTok + outputTokens * options.pricing.outputPerMTok) / 1e6 : 0;
        ledger?.add(provider.name, request.model, priced, { requests: 1, retries: requests > 1 ? 1 : 0, inputTokens, outputTokens, cost });
        cache?.put(key, provider.name, request.model, generation);
        return { status: generation.finishReason === 'refusal' ? 'refused' : 'ok', generation, cached: false, attempts: attempt, requests };
      } catch (err) {
        failure = err instanceof ProviderFailure ? err : new ProviderFailure('provider', err instanceof Error ? err.message : String(err), { retryable: false });
        // Counted only if it reached the wire, so the ledger's requests are exactly the server's.
        if (wire.sent !== false) {
          requests++;
          ledger?.add(provider.name, request.model, priced, { requests: 1, retries: requests > 1 ? 1 : 0 });
        }
      } finally {
        this.slots.release();
      }
      const fail = (message = failure.message): LlmOutcome => {
        ledger?.add(provider.name, request.model, priced, { errors: 1 });
        return { status: 'error', error: { ...failure.toError(), message }, attempts: attempt, requests };
      };
      if (!failure.retryable) return fail();
      if (attempt > options.maxRetries) return fail(`${failure.message} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})`);
      const retryAfter = failure.options.retryAfterMs;
      if (retryAfter !== undefined && retryAfter > options.maxRetryAfterMs) {
        return fail(`${failure.message} (the server asked to wait ${(retryAfter / 1000).toFixed(1)} s, more than maxRetryAfterMs ${options.maxRetryAfterMs})`);
      }
      await this.sleep(Math.max(retryAfter ?? 0, this.backoff(attempt)));
    }
  }

  /**
   * One provider call that ends by `timeoutMs` even if the provider ignores the abort signal.
   * The timeout counts time this process was running: when the timer fires late because the
   * process itself was stalled (a blocked event loop, a starved CPU), responses that arrived
   * meanwhile are still unread, so the stalled time is given back (at most `timeoutMs` in all)
   * and pending I/O runs before the request is abandoned. Without this, a loaded machine turns
   * answered requests into timeouts and retries.
   */
  private async callWithTimeout(request: GenerateRequest, wire: WireMark): Promise<Generation> {
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      let due = performance.now() + timeoutMs;
      let credit = timeoutMs;
      const check = (): void => {
        const now = performance.now();
        const late = now - due;
        if (late > STALL_SLACK_MS && credit > 0) {
          const extra = Math.min(late, credit);
          credit -= extra;
          due = now + extra;
          timer = setTimeout(check, extra);
          return;
        }
        controller.abort();
        reject(new ProviderFailure('timeout', `no response within ${timeoutMs} ms`));
      };
      timer = setTimeout(check, timeoutMs);
    });
    try {
      return await Promise.race([this.provider.generate(request, controller.signal, wire), timeout]);
    } catch (err) {
      if (controller.signal.aborted) throw new ProviderFailure('timeout', `no response within ${timeoutMs} ms`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
