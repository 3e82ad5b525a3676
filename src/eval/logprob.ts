// The log-probability protocols of the answer-matching paper's MCQ variants (arXiv:2507.02856,
// §2; as lm-evaluation-harness scores multiple choice):
//   mc-cloze   each option's log-likelihood as the continuation of "Question: …\nAnswer:"
//              (a raw completion with echo: the prompt's token log-probabilities), the likeliest
//              option is the answer — the model never sees the other options;
//   mc-verify  for each option, "is this proposed answer correct?" and P(Yes)/(P(Yes)+P(No))
//              from the first token's top log-probabilities; the option most believed wins.
// Both need log-probabilities; a provider without them is a usage error before any request.
// The per-option scores are the stored response (JSON), so rescoring needs no new requests.
import type { GenerateRequest, Generation, LlmOutcome } from '../llm/index.js';
import { LETTERS } from './extract.js';
import { responseStage } from './runner.js';
import { registerSolver } from './solvers.js';
import type { ExtractedStage, ResponseStage, Sample, SolverGenerate } from './types.js';

/** What a log-probability solver stores as its response text. */
export interface OptionScores {
  protocol: 'mc-cloze' | 'mc-verify';
  /** One score per option: a log-likelihood (cloze) or P(Yes | yes or no) (verify). */
  scores: number[];
  /** Cloze: tokens per option, for length-normalised variants. */
  tokens?: number[];
}

export const clozeContext = (s: Sample): string => `${s.category ? `The following is a question about ${s.category}.\n` : ''}Question: ${s.question}\nAnswer:`;

export function verifyPrompt(s: Sample, option: string): string {
  return `${s.category ? `The following is a question about ${s.category}.\n` : ''}Question: ${s.question}\nProposed answer: ${option}\n\nIs the proposed answer correct? Reply with only Yes or No.`;
}

/** Sum of the log-probabilities of the prompt tokens that start at or after `from` (the continuation). */
export function continuationLogprob(g: Generation, from: number): { logprob: number; tokens: number } | undefined {
  const lp = g.promptLogprobs;
  if (!lp || lp.length === 0) return undefined;
  let logprob = 0;
  let tokens = 0;
  for (const t of lp) {
    if (t.offset < from) continue;
    if (t.logprob === null) return undefined; // the continuation cannot be the first token of the prompt
    logprob += t.logprob;
    tokens++;
  }
  return tokens > 0 ? { logprob, tokens } : undefined;
}

/** P(Yes) / (P(Yes) + P(No)) from the first sampled token and its alternatives. */
export function yesProbability(g: Generation): number | undefined {
  const first = g.logprobs?.[0];
  if (!first) return undefined;
  const candidates = first.top && first.top.length ? first.top : [{ token: first.token, logprob: first.logprob }];
  let yes = 0;
  let no = 0;
  for (const c of candidates) {
    const word = c.token.trim().toLowerCase();
    if (word === 'yes') yes += Math.exp(c.logprob);
    else if (word === 'no') no += Math.exp(c.logprob);
  }
  return yes + no > 0 ? yes / (yes + no) : undefined;
}

/** Runs one request per option and folds the outcomes into one response stage. */
async function perOption(
  sample: Sample,
  generate: SolverGenerate,
  protocol: OptionScores['protocol'],
  request: (option: string) => Omit<GenerateRequest, 'model'>,
  score: (g: Generation) => { value: number; tokens?: number } | string,
): Promise<ResponseStage> {
  const options = sample.options ?? [];
  const outs: LlmOutcome[] = await Promise.all(options.map((o) => generate(request(o))));
  const attempts = outs.reduce((n, o) => n + o.attempts, 0);
  const requests = outs.reduce((n, o) => n + o.requests, 0);
  const failed = outs.find((o) => o.status === 'error');
  if (failed) return { ...responseStage(failed), attempts, requests };
  const scores: number[] = [];
  const tokens: number[] = [];
  for (let i = 0; i < outs.length; i++) {
    const out = outs[i]!;
    if (out.status === 'error') continue; // unreachable: errors returned above
    if (out.status === 'refused') return { ...responseStage(out), attempts, requests };
    const s = score(out.generation);
    if (typeof s === 'string') {
      return { status: 'error', text: null, finishReason: null, error: { kind: 'bad_response', message: `${protocol}: option ${LETTERS[i]}: ${s}` }, attempts, requests, cached: false };
    }
    scores.push(s.value);
    if (s.tokens !== undefined) tokens.push(s.tokens);
  }
  const text: OptionScores = { protocol, scores, ...(tokens.length ? { tokens } : {}) };
  return { status: 'ok', text: JSON.stringify(text), finishReason: 'stop', error: null, attempts, requests, cached: outs.every((o) => o.status !== 'error' && o.cached) };
}

/** The letter of the highest score; a tie for the top is unparsed (no single answer). */
export function extractArgmax(text: string, sample: Sample): ExtractedStage {
  let parsed: OptionScores;
  try {
    parsed = JSON.parse(text) as OptionScores;
  } catch {
    return { status: 'unparsed', answer: null, method: null };
  }
  const scores = parsed.scores;
  if (!Array.isArray(scores) || scores.length !== (sample.options?.length ?? -1) || scores.some((x) => typeof x !== 'number' || Number.isNaN(x))) {
    return { status: 'unparsed', answer: null, method: null };
  }
  const best = Math.max(...scores);
  const at = scores.flatMap((x, i) => (x === best ? [i] : []));
  if (at.length !== 1) return { status: 'unparsed', answer: null, method: 'tie' };
  return { status: 'ok', answer: LETTERS[at[0]!]!, method: parsed.protocol };
}

registerSolver({
  name: 'mc-cloze',
  summary: 'MC-cloze: each option scored by its log-likelihood after the question (completions with echo); the likeliest is the answer',
  needs: 'options',
  requires: 'promptLogprobs',
  prompt: (s) => [{ role: 'user', content: clozeContext(s) }],
  extract: extractArgmax,
  solve(sample, generate) {
    const context = clozeContext(sample);
    return perOption(sample, generate, 'mc-cloze',
      (option) => ({ messages: [], prompt: `${context} ${option}`, params: { temperature: 0, maxTokens: 1, echo: true } }),
      (g) => {
        const c = continuationLogprob(g, context.length);
        return c ? { value: c.logprob, tokens: c.tokens } : 'the provider returned no prompt log-probabilities for the option';
      });
  },
});

registerSolver({
  name: 'mc-verify',
  summary: 'MC-verify: for each option, "is this answer correct?"; the option with the highest P(Yes) is the answer',
  needs: 'options',
  requires: 'logprobs',
  prompt: (s) => [{ role: 'user', content: verifyPrompt(s, (s.options ?? [])[0] ?? '') }],
  extract: extractArgmax,
  solve(sample, generate) {
    return perOption(sample, generate, 'mc-verify',
      (option) => ({ messages: [{ role: 'user', content: verifyPrompt(sample, option) }], params: { temperature: 0, maxTokens: 1, logprobs: true, topLogprobs: 20 } }),
      (g) => {
        const p = yesProbability(g);
        return p === undefined ? 'no "Yes" or "No" among the first token\'s log-probabilities' : { value: p };
      });
  },
});
