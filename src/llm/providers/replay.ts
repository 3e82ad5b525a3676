// `replay`: answers from a recorded JSONL, for re-scoring and tests. A row is either
// `{messages: [...], response: "..."}`, `{prompt: "...", response: "..."}` (matched against the
// last user message), or an item exported by `fathom runs export --what items` (its stored
// prompt and response stages). A request with no recording ends as a `not_found` error.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { canonicalJson } from '../cache.js';
import { ProviderFailure } from '../failure.js';
import { registerProviderType } from '../registry.js';
import type { Generation, GenerateRequest, Message, Provider } from '../types.js';

export const replayShape = {
  file: z.string().min(1).describe('JSONL of recorded responses'),
};

const lastUser = (messages: readonly Message[]): string | undefined => [...messages].reverse().find((m) => m.role === 'user')?.content;

interface Recording {
  messages?: Message[];
  prompt?: string;
  response: string;
}

function recordingOf(row: unknown): Recording | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const r = row as Record<string, unknown>;
  if (typeof r.response === 'string') {
    if (Array.isArray(r.messages)) return { messages: r.messages as Message[], response: r.response };
    if (typeof r.prompt === 'string') return { prompt: r.prompt, response: r.response };
  }
  const stages = r.stages as { prompt?: { messages?: unknown }; response?: { text?: unknown; status?: unknown } } | undefined;
  if (stages && Array.isArray(stages.prompt?.messages) && typeof stages.response?.text === 'string' && stages.response.status !== 'error') {
    return { messages: stages.prompt.messages as Message[], response: stages.response.text };
  }
  return undefined;
}

export function replayProvider(name: string, o: z.output<z.ZodObject<typeof replayShape>>): Provider {
  let text: string;
  try {
    text = readFileSync(o.file, 'utf8');
  } catch (err) {
    throw new ConfigError(`provider "${name}" (replay): cannot read ${o.file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path of the recorded JSONL');
  }
  const byMessages = new Map<string, string>();
  const byPrompt = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new ConfigError(`provider "${name}" (replay): ${o.file} line ${i + 1} is not JSON (${(err as Error).message})`, 'write one JSON object per line');
    }
    const rec = recordingOf(row);
    if (!rec) throw new ConfigError(`provider "${name}" (replay): ${o.file} line ${i + 1} has no recording`, 'give {messages, response}, {prompt, response}, or an item exported by `fathom runs export --what items`');
    if (rec.messages) {
      byMessages.set(canonicalJson(rec.messages), rec.response);
      const user = lastUser(rec.messages);
      if (user !== undefined && !byPrompt.has(user)) byPrompt.set(user, rec.response);
    } else if (rec.prompt !== undefined) byPrompt.set(rec.prompt, rec.response);
  });
  return {
    name,
    type: 'replay',
    logprobs: false,
    async generate(request: GenerateRequest): Promise<Generation> {
      const response = byMessages.get(canonicalJson(request.messages)) ?? byPrompt.get(lastUser(request.messages) ?? '');
      if (response === undefined) throw new ProviderFailure('not_found', `replay ${o.file} has no recording of this request`, { retryable: false });
      return { text: response, finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
    },
  };
}

registerProviderType({
  type: 'replay',
  summary: 'answers from a recorded JSONL (re-scoring, tests)',
  shape: replayShape,
  create: replayProvider,
});
