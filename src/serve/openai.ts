// The request bodies of the OpenAI completions and chat completions APIs that fathom serves, as
// zod schemas (unknown keys are 400s naming the key), and the response objects in the shapes the
// official clients parse. Sampling extensions top_k and repetition_penalty follow vLLM's names.
import { z } from 'zod';

const stop = z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional();

const common = {
  model: z.string().min(1),
  /** Tokens to generate at most (OpenAI's completions default is 16; chat runs to the context). */
  max_tokens: z.number().int().nonnegative().nullable().optional(),
  max_completion_tokens: z.number().int().nonnegative().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  top_k: z.number().int().nonnegative().nullable().optional(),
  repetition_penalty: z.number().positive().nullable().optional(),
  n: z.number().int().min(1).max(16).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  stop,
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
  // Accepted only at their neutral values: a request that relies on them is an error, not ignored.
  presence_penalty: z.literal(0).nullable().optional(),
  frequency_penalty: z.literal(0).nullable().optional(),
};

export const completionRequestSchema = z.strictObject({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).length(1), z.array(z.number().int().nonnegative()).min(1)]),
  /** Alternatives per token (0–20; null/absent = no log-probabilities). */
  logprobs: z.number().int().min(0).max(20).nullable().optional(),
  echo: z.literal(false).nullable().optional(),
});
export type CompletionRequest = z.output<typeof completionRequestSchema>;

export const chatRequestSchema = z.strictObject({
  ...common,
  messages: z.array(z.strictObject({
    role: z.enum(['system', 'user', 'assistant', 'developer']),
    content: z.union([z.string(), z.array(z.strictObject({ type: z.literal('text'), text: z.string() }))]),
    name: z.string().optional(),
  })).min(1),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
});
export type ChatRequest = z.output<typeof chatRequestSchema>;

/** The error body OpenAI clients read (`error.message`). */
export function errorBody(message: string, type = 'invalid_request_error', param: string | null = null): unknown {
  return { error: { message, type, param, code: null } };
}

/** A zod failure as one message naming the field. */
export function describeIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0]!;
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const at = path ? `${path}.${key}` : key;
    return { message: `unknown field '${at}' (fathom serves: ${at.startsWith('messages') ? 'role, content, name' : 'model, prompt/messages, max_tokens, temperature, top_p, top_k, repetition_penalty, n, stream, stop, seed, logprobs, top_logprobs'})`, param: at };
  }
  return { message: `'${path || 'body'}': ${issue.message.replace(/^Invalid input: /, '')}`, param: path || null };
}
