// The local OpenAI-compatible stub of `fathom bench eval`: a plain node:http server that answers
// every chat completion with "The answer is <answer>a+b</answer>" (from "What is a + b?" in the
// last user message) after a fixed delay, as a fast inference server would. Run as its own
// process (`node stub.js <delayMs>` prints its URL), so its CPU is not the eval's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubServer {
  url: string;
  close(): Promise<void>;
}

function reply(body: string): string {
  let content = 'I do not know.';
  try {
    const parsed = JSON.parse(body) as { model?: string; messages?: { role: string; content: string }[] };
    const messages = parsed.messages ?? [];
    const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const m = /What is (\d+) \+ (\d+)/.exec(last);
    if (m) content = `The answer is <answer>${Number(m[1]) + Number(m[2])}</answer>`;
    return JSON.stringify({
      id: 'chatcmpl-stub', object: 'chat.completion', created: 0, model: parsed.model ?? 'stub',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: Math.ceil(last.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil((last.length + content.length) / 4) },
    });
  } catch {
    return '';
  }
}

export async function startStub(delayMs: number, port = 0): Promise<StubServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = req.method === 'POST' && req.url?.endsWith('/chat/completions') ? reply(Buffer.concat(chunks).toString('utf8')) : '';
      const send = (): void => {
        if (!out) {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"expected POST /v1/chat/completions with JSON"}}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/v1`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
