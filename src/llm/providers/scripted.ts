// `scripted`: deterministic answers for tests and offline experiments. From a providers file it
// takes rules — the first regular expression that matches the last user message picks the reply,
// with `$1`, `$<name>` filled from the match — and a default; from code it takes a function.
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { ProviderFailure } from '../failure.js';
import { registerProviderType } from '../registry.js';
import type { Generation, GenerateRequest, Provider } from '../types.js';

export const scriptedShape = {
  rules: z.array(z.strictObject({
    match: z.string().describe('regular expression tested against the last user message'),
    flags: z.string().default('').describe('regular expression flags, e.g. "i" or "s"'),
    reply: z.string().describe('the answer; $1, $2, $<name> are replaced by the match\'s groups'),
  })).default([]).describe('tried in order; the first match answers'),
  default: z.string().optional().describe('the answer when no rule matches (unset: a not_found error)'),
};

/** Rough token count, so usage accounting has something honest-looking to add up: 4 characters a token. */
export const approxTokens = (text: string): number => Math.ceil(text.length / 4);

/** Fills `$1`, `$<name>` and `$$` in a reply from a regular-expression match. */
export function fillReply(reply: string, match: RegExpExecArray): string {
  return reply.replace(/\$(\$|\d+|<([^>]+)>)/g, (whole, ref: string, name: string | undefined) => {
    if (ref === '$') return '$';
    if (name !== undefined) return match.groups?.[name] ?? '';
    return match[Number(ref)] ?? '';
  });
}

export type ScriptedRespond = (request: GenerateRequest) => string | Generation;

/** Words with their leading whitespace ("The", " answer", " is"), the scripted provider's tokens. */
export function wordTokens(text: string): { token: string; offset: number }[] {
  const out: { token: string; offset: number }[] = [];
  const re = /\s*\S+|\s+$/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ token: m[0], offset: m.index });
  return out;
}

/**
 * A scripted provider around a function (for code: tests, offline experiments). With
 * `logprobs`/`promptLogprobs` it honours those requests: a reply given as a string gets
 * deterministic log-probabilities — every sampled word certain (0, itself the only alternative),
 * every prompt word −1 — and a reply given as a Generation carries its own.
 */
export function scriptedProvider(name: string, respond: ScriptedRespond, options: { logprobs?: boolean; promptLogprobs?: boolean } = {}): Provider {
  return {
    name,
    type: 'scripted',
    logprobs: options.logprobs ?? false,
    promptLogprobs: options.promptLogprobs ?? false,
    async generate(request: GenerateRequest): Promise<Generation> {
      const out = respond(request);
      if (typeof out !== 'string') return out;
      const input = request.prompt !== undefined ? approxTokens(request.prompt) : request.messages.reduce((n, m) => n + approxTokens(m.content), 0);
      const generation: Generation = { text: out, finishReason: 'stop', usage: { inputTokens: input, outputTokens: approxTokens(out) } };
      if (request.params?.logprobs && options.logprobs) {
        generation.logprobs = wordTokens(out).map(({ token }) => ({ token, logprob: 0, top: [{ token, logprob: 0 }] }));
      }
      if (request.prompt !== undefined && request.params?.echo && options.promptLogprobs) {
        generation.promptLogprobs = wordTokens(request.prompt).map(({ token, offset }, i) => ({ token, logprob: i === 0 ? null : -1, offset }));
      }
      return generation;
    },
  };
}

export function scriptedRulesProvider(name: string, o: z.output<z.ZodObject<typeof scriptedShape>>): Provider {
  const rules = o.rules.map((r, i) => {
    try {
      return { re: new RegExp(r.match, r.flags), reply: r.reply };
    } catch (err) {
      throw new ConfigError(`provider "${name}" (scripted): rules[${i}].match is not a valid regular expression (${(err as Error).message})`, 'escape special characters such as ( [ ? with a backslash');
    }
  });
  return scriptedProvider(name, (request) => {
    const text = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    for (const rule of rules) {
      rule.re.lastIndex = 0;
      const m = rule.re.exec(text);
      if (m) return fillReply(rule.reply, m);
    }
    if (o.default !== undefined) return o.default;
    throw new ProviderFailure('not_found', 'no scripted rule matches this request and there is no default', { retryable: false });
  });
}

registerProviderType({
  type: 'scripted',
  summary: 'deterministic rule-based answers (tests, offline experiments)',
  shape: scriptedShape,
  create: scriptedRulesProvider,
});
