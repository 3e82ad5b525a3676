// An OpenAI-compatible HTTP server for fathom models (the API vLLM and llama.cpp's server speak):
// GET /v1/models, POST /v1/completions and /v1/chat/completions, with server-sent-event
// streaming, log-probabilities, n, stop and seed. Requests wait in a bounded queue (full → 503
// with Retry-After); admitted requests decode in turns, one token each per turn, so every stream
// advances together. Each request owns its random streams (seeded), so its output does not depend
// on what else is running. close() stops accepting, finishes what was admitted, then returns.
import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { FathomError } from '../errors.js';
import { DecodeSession } from '../models/generate/index.js';
import type { GenerateOptions, Generation, TokenEvent } from '../models/generate/index.js';
import { renderChat } from './chat.js';
import type { LanguageModel } from './model.js';
import { chatRequestSchema, completionRequestSchema, describeIssue, errorBody } from './openai.js';
import type { ChatRequest, CompletionRequest } from './openai.js';

export const serveOptionsSchema = z.strictObject({
  /** Interface to listen on; loopback unless exposing on purpose. */
  host: z.string().default('127.0.0.1').describe('interface to listen on (default loopback only)'),
  port: z.number().int().min(0).max(65535).default(8080).describe('TCP port (0 = any free port)'),
  /** Requests decoding at once; more wait in the queue. */
  maxActive: z.number().int().positive().default(8).describe('requests decoding at once'),
  /** Requests admitted (decoding + waiting); beyond this the server answers 503. */
  maxQueue: z.number().int().positive().default(64).describe('requests decoding or waiting; more get 503'),
  /** Largest request body accepted. */
  maxBodyBytes: z.number().int().positive().default(1 << 20).describe('largest request body in bytes'),
});
export type ServeOptions = z.output<typeof serveOptionsSchema>;

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly param: string | null = null, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

interface Job {
  session: DecodeSession;
  cancelled: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Admitted requests: at most maxActive decode in turns, the rest wait in order. */
class Scheduler {
  private readonly active: Job[] = [];
  private readonly waiting: Job[] = [];
  private running = false;
  private idle: Array<() => void> = [];

  constructor(private readonly maxActive: number, private readonly maxQueue: number) {}

  get load(): number {
    return this.active.length + this.waiting.length;
  }

  /** Throws a 503 when the queue is full (call right before `run`, with no await between). */
  checkRoom(): void {
    if (this.load >= this.maxQueue) throw new HttpError(503, `the server is busy (${this.load} requests queued, limit ${this.maxQueue})`, null, { 'Retry-After': '1' });
  }

  /** Runs a session to the end. */
  run(job: Omit<Job, 'resolve' | 'reject'>): Promise<void> {
    this.checkRoom();
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...job, resolve, reject } as Job);
      void this.loop();
    });
  }

  /** Resolves when nothing is admitted. */
  drained(): Promise<void> {
    return this.load === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.load > 0) {
      while (this.active.length < this.maxActive && this.waiting.length > 0) this.active.push(this.waiting.shift()!);
      for (const job of [...this.active]) {
        let more = false;
        try {
          more = !job.cancelled && job.session.step();
        } catch (err) {
          job.reject(err);
        }
        if (!more) {
          this.active.splice(this.active.indexOf(job), 1);
          job.resolve();
        }
      }
      await new Promise((r) => setImmediate(r)); // let sockets flush and new requests arrive
    }
    this.running = false;
    for (const r of this.idle.splice(0)) r();
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON (${(err as Error).message})`);
  }
}

const newId = (prefix: string): string => `${prefix}-${randomBytes(12).toString('hex')}`;

/** The text of token `id` (and its UTF-8 bytes) for log-probability listings. */
function tokenText(lm: LanguageModel, id: number): string {
  return lm.tokenizer ? lm.tokenizer.decode([id]) : `<${id}>`;
}

export interface FathomServer {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting, lets admitted requests finish, then closes every connection. */
  close(): Promise<void>;
}

/** Starts serving `models` (names must be distinct). */
export async function serve(models: readonly LanguageModel[], options: Partial<ServeOptions> = {}): Promise<FathomServer> {
  const o = serveOptionsSchema.parse(options);
  const byName = new Map<string, LanguageModel>();
  for (const m of models) {
    if (byName.has(m.name)) throw new FathomError(`serve: two models are named '${m.name}'`, 'serve checkpoints with distinct folder names, or name them with --name');
    byName.set(m.name, m);
  }
  const scheduler = new Scheduler(o.maxActive, o.maxQueue);
  const created = Math.floor(Date.now() / 1000);
  let closing = false;

  const findModel = (name: string): LanguageModel => {
    const lm = byName.get(name);
    if (!lm) throw new HttpError(400, `model '${name}' is not served here (models: ${[...byName.keys()].join(', ')})`, 'model');
    return lm;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (closing) throw new HttpError(503, 'the server is shutting down', null, { 'Retry-After': '5', Connection: 'close' });
    if (req.method === 'GET' && path === '/v1/models') {
      send(res, 200, { object: 'list', data: [...byName.values()].map((m) => ({ id: m.name, object: 'model', created, owned_by: 'fathom', context_length: m.model.config.contextLength })) });
      return;
    }
    if (req.method === 'GET' && path === '/health') {
      send(res, 200, { status: 'ok', load: scheduler.load });
      return;
    }
    const chat = path === '/v1/chat/completions';
    if (path !== '/v1/completions' && !chat) throw new HttpError(404, `no route ${req.method} ${path} (serving GET /v1/models, POST /v1/completions, POST /v1/chat/completions)`);
    if (req.method !== 'POST') throw new HttpError(405, `${path} takes POST`);
    const body = await readBody(req, o.maxBodyBytes);
    const parsed = (chat ? chatRequestSchema : completionRequestSchema).safeParse(body);
    if (!parsed.success) {
      const { message, param } = describeIssue(parsed.error);
      throw new HttpError(400, message, param);
    }
    await complete(chat, parsed.data as CompletionRequest | ChatRequest, req, res);
  }

  async function complete(chat: boolean, r: CompletionRequest | ChatRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const lm = findModel(r.model);
    const ctx = lm.model.config.contextLength;
    let prompt: Int32Array;
    let promptText = '';
    let stops = typeof r.stop === 'string' ? [r.stop] : r.stop ?? [];
    if (chat) {
      const messages = (r as ChatRequest).messages.map((m) => ({
        role: m.role === 'developer' ? 'system' as const : m.role,
        content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join(''),
      }));
      if (!lm.tokenizer) throw new HttpError(400, `model '${lm.name}' has no tokenizer, so it cannot chat`, 'model');
      prompt = lm.tokenizer.encode(renderChat(lm.chatTemplate, messages));
      stops = [...stops, ...lm.chatTemplate.stop];
    } else {
      const p = (r as CompletionRequest).prompt;
      if (typeof p === 'string' || typeof p[0] === 'string') {
        if (!lm.tokenizer) throw new HttpError(400, `model '${lm.name}' has no tokenizer; send the prompt as token ids`, 'prompt');
        promptText = typeof p === 'string' ? p : (p[0] as string);
        prompt = lm.tokenizer.encode(promptText);
      } else {
        prompt = Int32Array.from(p as number[]);
        const bad = prompt.find((id) => id >= lm.model.config.vocabSize);
        if (bad !== undefined) throw new HttpError(400, `prompt token ${bad} is outside the vocabulary (0..${lm.model.config.vocabSize - 1})`, 'prompt');
      }
    }
    if (prompt.length === 0) throw new HttpError(400, 'the prompt is empty', chat ? 'messages' : 'prompt');
    if (prompt.length >= ctx) throw new HttpError(400, `the prompt has ${prompt.length} tokens but model '${lm.name}' has a context of ${ctx}, leaving no room to generate`, chat ? 'messages' : 'prompt');
    if (stops.length && !lm.tokenizer) throw new HttpError(400, `model '${lm.name}' has no tokenizer, so it cannot match stop strings`, 'stop');
    const n = r.n ?? 1;
    const topN = chat ? ((r as ChatRequest).logprobs ? (r as ChatRequest).top_logprobs ?? 0 : undefined) : (r as CompletionRequest).logprobs ?? undefined;
    const maxTokens = r.max_completion_tokens ?? r.max_tokens ?? (chat ? ctx - prompt.length : 16);
    const id = newId(chat ? 'chatcmpl' : 'cmpl');
    const stream = r.stream === true;
    const tok = lm.tokenizer;
    const generationOptions: GenerateOptions = {
      maxTokens,
      temperature: r.temperature ?? 1,
      topP: r.top_p ?? 1,
      topK: r.top_k ?? 0,
      repetitionPenalty: r.repetition_penalty ?? 1,
      seed: r.seed ?? randomInt(2 ** 31),
      stopTokens: lm.stopTokens,
      ...(stops.length ? { stop: stops } : {}),
      ...(topN !== undefined ? { logprobs: topN } : {}),
      ...(tok ? { decode: (ids: ArrayLike<number>) => tok.decode(ids) } : {}),
    };
    const object = chat ? 'chat.completion' : 'text_completion';
    const base = { id, object: stream ? (chat ? 'chat.completion.chunk' : 'text_completion') : object, created: Math.floor(Date.now() / 1000), model: lm.name };
    // text_offset: where each token's text starts, counted from the start of the prompt (as OpenAI
    // does), running on per sequence across streamed chunks.
    const promptChars = promptText.length;
    const offsets = new Map<number, number>();
    const completionLogprobs = (events: Array<{ token: number; logprob: number; top: Array<{ token: number; logprob: number }> }>, sequence = 0): unknown => {
      if (chat) {
        return { content: events.map((e) => ({ token: tokenText(lm, e.token), logprob: e.logprob, bytes: [...Buffer.from(tokenText(lm, e.token))], top_logprobs: e.top.map((t) => ({ token: tokenText(lm, t.token), logprob: t.logprob, bytes: [...Buffer.from(tokenText(lm, t.token))] })) })) };
      }
      return {
        tokens: events.map((e) => tokenText(lm, e.token)),
        token_logprobs: events.map((e) => e.logprob),
        top_logprobs: events.map((e) => Object.fromEntries(e.top.map((t) => [tokenText(lm, t.token), t.logprob]))),
        text_offset: events.map((e) => {
          const at = offsets.get(sequence) ?? promptChars;
          offsets.set(sequence, at + tokenText(lm, e.token).length);
          return at;
        }),
      };
    };

    const sequences = Array.from({ length: n }, () => Int32Array.from(prompt));
    let onToken: ((e: TokenEvent) => void) | undefined;
    // Built (and so validated) before any byte of a streamed answer is sent.
    const session = new DecodeSession(lm.model, sequences, { ...generationOptions, ...(stream ? { onToken: (e: TokenEvent) => onToken?.(e) } : {}) });
    scheduler.checkRoom();
    if (stream) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      const write = (data: unknown): void => {
        res.write(`data: ${JSON.stringify(data)}\n\n`);
      };
      if (chat) for (let i = 0; i < n; i++) write({ ...base, choices: [{ index: i, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
      onToken = (e) => {
        const lp = topN !== undefined && e.logprob !== undefined ? completionLogprobs([{ token: e.token, logprob: e.logprob, top: e.top ?? [] }], e.sequence) : null;
        if (!e.text && !lp) return;
        write({ ...base, choices: [chat ? { index: e.sequence, delta: { content: e.text }, logprobs: lp, finish_reason: null } : { index: e.sequence, text: e.text, logprobs: lp, finish_reason: null }] });
      };
    }
    const job = { session, cancelled: false };
    res.on('close', () => {
      if (!res.writableFinished) job.cancelled = true; // the client went away: stop decoding for it
    });
    const done = scheduler.run(job);
    try {
      await done;
    } catch (err) {
      if (stream && res.headersSent) {
        res.write(`data: ${JSON.stringify(errorBody(err instanceof Error ? err.message : String(err), 'server_error'))}\n\n`);
        res.end();
        return;
      }
      throw err;
    }
    if (job.cancelled) return;
    const results: Generation[] = session.results();
    const completionTokens = results.reduce((a, g) => a + g.tokens.length, 0);
    const usage = { prompt_tokens: prompt.length, completion_tokens: completionTokens, total_tokens: prompt.length + completionTokens };
    if (stream) {
      for (const [i, g] of results.entries()) {
        res.write(`data: ${JSON.stringify({ ...base, choices: [chat ? { index: i, delta: {}, logprobs: null, finish_reason: g.finishReason } : { index: i, text: '', logprobs: null, finish_reason: g.finishReason }] })}\n\n`);
      }
      if (r.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    send(res, 200, {
      ...base,
      choices: results.map((g, i) => ({
        index: i,
        ...(chat ? { message: { role: 'assistant', content: g.text } } : { text: tok ? g.text : '', ...(tok ? {} : { token_ids: g.tokens }) }),
        logprobs: g.logprobs ? completionLogprobs(g.logprobs, i) : null,
        finish_reason: g.finishReason,
      })),
      usage,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : err instanceof FathomError ? 400 : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (res.headersSent) {
        res.end();
        return;
      }
      send(res, status, errorBody(message, status === 503 ? 'server_busy' : status >= 500 ? 'server_error' : 'invalid_request_error', err instanceof HttpError ? err.param : null), err instanceof HttpError ? err.headers : {});
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new FathomError(`serve: cannot listen on ${o.host}:${o.port} (${err.code ?? err.message})`, err.code === 'EADDRINUSE' ? 'pick another --port, or stop the process using it' : 'check --host and --port')));
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    async close() {
      closing = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await scheduler.drained();
      server.closeAllConnections();
      await closed;
    },
  };
}
