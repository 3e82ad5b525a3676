// The HTTP transport under the official SDKs: a `fetch` on node:http(s) with a keep-alive agent
// (the request layer's semaphore bounds the sockets in use; idle ones are kept for reuse), which
// also records, per attempt, whether the request reached the wire. The
// request layer counts only requests that were written, so its request count is exactly what the
// server saw: an attempt cut off by the timeout while still waiting for a socket is neither a
// request nor a retry.
import http from 'node:http';
import https from 'node:https';
import type { WireMark } from './types.js';

/** The key under which a WireMark travels in the fetch options the SDKs pass through to `fetch`. */
export const WIRE_MARK = Symbol.for('fathom.llm.wireMark');

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(`keep-alive fetch: request bodies of type ${Object.prototype.toString.call(body)} are not supported (only strings and bytes)`);
}

/** Statuses whose responses carry no body (the Response constructor rejects one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch for the SDKs' `fetch` option: buffered request and response bodies (chat completions
 * are small JSON), a keep-alive agent per protocol, and the WireMark of `init[WIRE_MARK]` set when
 * the request is written.
 */
export function keepAliveFetch(): typeof fetch {
  // No socket cap here: the request layer's concurrency limit is the cap, and a second one
  // would only queue requests invisibly. LIFO reuse keeps the hot sockets warm.
  const agentOptions: http.AgentOptions = { keepAlive: true, maxFreeSockets: 1024, scheduling: 'lifo' };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const keepAliveFetchImpl = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => new Promise<Response>((resolve, reject) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const mark = (init as Record<symbol, unknown>)[WIRE_MARK] as WireMark | undefined;
    let body: string | Uint8Array | undefined;
    try {
      body = bodyOf(init.body);
    } catch (err) {
      reject(err);
      return;
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(new TypeError(`keep-alive fetch: unsupported protocol ${url.protocol} in ${url.href}`));
      return;
    }
    let settled = false;
    const onAbort = (): void => {
      req.destroy(abortReason(signal!) as Error);
    };
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const req = (secure ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => finish(() => reject(err)));
      res.on('aborted', () => finish(() => reject(Object.assign(new Error('the server closed the connection mid-response'), { code: 'ECONNRESET' }))));
      res.on('end', () => finish(() => {
        const status = res.statusCode ?? 0;
        const out = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        try {
          resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: out }));
        } catch (err) {
          reject(err);
        }
      }));
    });
    req.on('finish', () => {
      if (mark) mark.sent = true;
    });
    req.on('error', (err) => finish(() => reject(err)));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
  return keepAliveFetchImpl as typeof fetch;
}
