// A fault-injecting OpenAI-compatible server on loopback (a real node:http server), for tests and
// benches. Each request is keyed by its last user message; a script decides, from the key and how
// many times that key has been requested, whether to answer or to fail: 429 with Retry-After, 500,
// 503, a stall past the client's timeout, a truncated JSON body, empty choices, a reset socket.
// It counts every request, so tests can assert requests == items + retries.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; retryAfter?: string; retryAfterMs?: string }
  | { kind: 'stall'; ms: number }
  | { kind: 'truncated' }
  | { kind: 'empty' }
  | { kind: 'reset' }
  | { kind: 'refusal' };

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  max_tokens?: number;
  logprobs?: boolean;
  top_logprobs?: number;
}

export interface LlmServerOptions {
  /** The answer text of a successful request (default: echoes the last user message). */
  answer?: (body: ChatBody, key: string) => string;
  /** Which fault, if any, to inject for the `attempt`-th request (1-based) of `key`. */
  script?: (key: string, attempt: number, body: ChatBody) => Fault;
  /** Latency before answering a successful request. */
  delayMs?: number;
}

export interface LlmServer {
  url: string;
  /** Every request, in arrival order. */
  log: { key: string; attempt: number; fault: Fault['kind'] }[];
  /** Requests per key. */
  counts: Map<string, number>;
  readonly requests: number;
  close(): Promise<void>;
}

export const lastUserMessage = (body: ChatBody): string => [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';

export function chatCompletion(model: string, text: string, extra: { finish?: string; refusal?: string | null; logprobs?: unknown } = {}): Record<string, unknown> {
  return {
    id: 'chatcmpl-test', object: 'chat.completion', created: 0, model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: extra.refusal ?? null }, finish_reason: extra.finish ?? 'stop', logprobs: extra.logprobs ?? null }],
    usage: { prompt_tokens: 10, completion_tokens: Math.max(1, Math.ceil(text.length / 4)), total_tokens: 10 + Math.ceil(text.length / 4) },
  };
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export async function startLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const log: LlmServer['log'] = [];
  const counts = new Map<string, number>();
  const answer = options.answer ?? ((_, key) => key);
  const script = options.script ?? (() => ({ kind: 'ok' }) as Fault);
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      send(res, 404, JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      send(res, 400, JSON.stringify({ error: { message: 'bad JSON' } }));
      return;
    }
    const key = lastUserMessage(body);
    const attempt = (counts.get(key) ?? 0) + 1;
    counts.set(key, attempt);
    const fault = script(key, attempt, body);
    log.push({ key, attempt, fault: fault.kind });
    switch (fault.kind) {
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = fault.retryAfterMs;
        send(res, fault.status, JSON.stringify({ error: { message: `injected ${fault.status}`, type: 'test' } }), headers);
        return;
      }
      case 'stall':
        setTimeout(() => {
          if (!res.destroyed) send(res, 200, JSON.stringify(chatCompletion(body.model, answer(body, key))));
        }, fault.ms).unref();
        return;
      case 'truncated': {
        const full = JSON.stringify(chatCompletion(body.model, answer(body, key)));
        send(res, 200, full.slice(0, Math.floor(full.length / 2)));
        return;
      }
      case 'empty':
        send(res, 200, JSON.stringify({ ...chatCompletion(body.model, ''), choices: [] }));
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'refusal':
        send(res, 200, JSON.stringify(chatCompletion(body.model, '', { finish: 'content_filter', refusal: 'I cannot help with that.' })));
        return;
      case 'ok': {
        const text = answer(body, key);
        const logprobs = body.logprobs
          ? { content: [...text.slice(0, 8)].map((c, i) => ({ token: c, logprob: -0.1 * (i + 1), bytes: null, top_logprobs: [{ token: c, logprob: -0.1 * (i + 1), bytes: null }] })), refusal: null }
          : null;
        const out = JSON.stringify(chatCompletion(body.model, text, { logprobs }));
        if (options.delayMs) setTimeout(() => send(res, 200, out), options.delayMs);
        else send(res, 200, out);
      }
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    log,
    counts,
    get requests() {
      return log.length;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
