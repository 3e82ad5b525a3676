// The question filter of the answer-matching paper (arXiv:2507.02856, §3 "filtering"): before
// free-form evaluation, an LLM rates each question 1–10 for whether it can be answered without
// its options and has a unique answer that a response can be matched against; items rated below
// the threshold are left out (the paper then also asked two humans, keeping items both rated
// ≥ 4 of 5). The rating is a stage stored per item, so it is asked once and can be audited.
import type { LlmError, Message } from '../llm/index.js';
import type { ModelRef } from './runner.js';
import { referenceOf } from './scorers.js';
import type { Sample } from './types.js';

export interface FilterStage {
  status: 'ok' | 'error' | 'refused';
  /** The rating 1–10; null when there is none. */
  score: number | null;
  threshold: number;
  /** score ≥ threshold; null when there is no rating. */
  kept: boolean | null;
  raw: string | null;
  error: LlmError | null;
}

export function filterPrompt(s: Sample): Message[] {
  const reference = referenceOf({ sample: s });
  return [{
    role: 'user',
    content: 'A question from a multiple-choice benchmark will be asked without its options, and the free-form response compared with the reference answer. '
      + 'Rate from 1 to 10 how suitable the question is for that:\n'
      + '10: the question alone asks for one specific answer, and a correct response can be checked against the reference.\n'
      + '5: answerable without options, but several different answers could be correct, or the reference is only one of them.\n'
      + '1: it depends on the options ("Which of the following…", "all of the above"), or it is ambiguous or unanswerable without them.\n\n'
      + `${s.category ? `Category: ${s.category}\n` : ''}Question: ${s.question}\n${reference !== undefined ? `Reference answer: ${reference}\n` : ''}\n`
      + 'Think briefly, then give the rating as a whole number between <score> and </score>.',
  }];
}

/** The last `<score>N</score>` with N a whole number from 1 to 10. */
export function extractRating(text: string): number | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(/<score>\s*(\d+)\s*<\/score>/gi)) last = m[1];
  const n = last === undefined ? NaN : Number(last);
  return Number.isInteger(n) && n >= 1 && n <= 10 ? n : undefined;
}

/** Asks the filter model for one item's rating; failures are a stage with status `error`, never a low score. */
export async function rateQuestion(sample: Sample, model: ModelRef, threshold: number, refresh: boolean): Promise<FilterStage> {
  const out = await model.client.generate({ model: model.model, messages: filterPrompt(sample), params: model.params }, { refresh });
  if (out.status === 'error') return { status: 'error', score: null, threshold, kept: null, raw: null, error: out.error };
  const raw = out.generation.text;
  if (out.status === 'refused') return { status: 'refused', score: null, threshold, kept: null, raw, error: { kind: 'provider', message: 'the filter model refused to rate the question' } };
  const score = extractRating(raw);
  if (score === undefined) return { status: 'error', score: null, threshold, kept: null, raw, error: { kind: 'bad_response', message: 'the filter output has no <score>N</score> with N from 1 to 10' } };
  return { status: 'ok', score, threshold, kept: score >= threshold, raw, error: null };
}
