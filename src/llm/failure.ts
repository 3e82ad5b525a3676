// Provider failures: the one exception type providers throw, with the cause classified so the
// request layer can decide to retry (429, 5xx, timeouts, connection resets, truncated bodies)
// and so an eval records "error: rate_limit after 5 attempts" instead of scoring a 0.
import type { FailureKind, LlmError } from './types.js';

export class ProviderFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; retryable?: boolean } = {},
  ) {
    super(message);
    this.name = 'ProviderFailure';
  }

  /** Retryable unless the provider said otherwise: transient kinds only. */
  get retryable(): boolean {
    return this.options.retryable ?? RETRYABLE.has(this.kind);
  }

  toError(): LlmError {
    return { kind: this.kind, message: this.message, ...(this.options.status === undefined ? {} : { status: this.options.status }) };
  }
}

const RETRYABLE = new Set<FailureKind>(['rate_limit', 'server', 'timeout', 'connection', 'bad_response']);

/**
 * Milliseconds to wait from `retry-after-ms` (OpenAI's extension) or `Retry-After` (seconds or an
 * HTTP date); undefined when absent or unreadable.
 */
export function parseRetryAfter(get: (name: string) => string | null | undefined, now = Date.now()): number | undefined {
  const ms = get('retry-after-ms');
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = get('retry-after');
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Kind of an HTTP error status. */
export function kindOfStatus(status: number): FailureKind {
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  return 'client';
}

const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);

/** Classifies a low-level error (fetch, socket, JSON) that is not an HTTP status. */
export function classifyTransport(err: unknown, aborted: boolean): ProviderFailure {
  if (aborted) return new ProviderFailure('timeout', 'no response within the request timeout');
  const chain: unknown[] = [];
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) chain.push(e);
  for (const e of chain) {
    if (e instanceof SyntaxError) return new ProviderFailure('bad_response', `malformed JSON in the response (${e.message})`);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return new ProviderFailure('connection', `connection failed (${code})`);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/terminated|socket|other side closed|ECONNRESET|fetch failed|connection/i.test(message)) return new ProviderFailure('connection', `connection failed (${message})`);
  if (/timed? ?out/i.test(message)) return new ProviderFailure('timeout', message);
  return new ProviderFailure('provider', message, { retryable: false });
}
