// The prompts of the answer-matching paper (arXiv:2507.02856, appendix): the free-form candidate
// prompt, the matcher prompt with its rules, the MCQ prompt, the reference-free judge and the
// choices-only probe. Built by plain string concatenation: no template engine on the hot path.
import type { Message } from '../llm/index.js';
import { LETTERS } from './extract.js';
import type { Sample } from './types.js';

const category = (s: Sample): string => (s.category ? `The following is a question about ${s.category}.\n` : '');

export function freeformPrompt(s: Sample): Message[] {
  return [{
    role: 'user',
    content: `${category(s)}Question: ${s.question}\n\nThink step by step, then give your final answer between <answer> and </answer>. Keep the final answer concise: the answer alone, without explanation.`,
  }];
}

const lettered = (options: readonly string[]): string => options.map((o, i) => `${LETTERS[i]}. ${o}`).join('\n');

export function mcqPrompt(s: Sample): Message[] {
  const options = s.options ?? [];
  return [{
    role: 'user',
    content: `${category(s)}Question: ${s.question}\n\nOptions:\n${lettered(options)}\n\nThink step by step, then give the letter of the correct option between <answer> and </answer>, e.g. <answer>${LETTERS[0]}</answer>.`,
  }];
}

/** The prompted choices-only probe: the options without the question. */
export function choicesOnlyPrompt(s: Sample): Message[] {
  const options = s.options ?? [];
  return [{
    role: 'user',
    content: `These are the options of a multiple-choice question; the question itself is hidden.\n\nOptions:\n${lettered(options)}\n\nWhich option is most likely the correct answer? Give its letter between <answer> and </answer>.`,
  }];
}

/** The matcher: equivalence to the reference, not correctness (the paper's rules). */
export function matcherPrompt(question: string, reference: string, response: string): Message[] {
  return [{
    role: 'user',
    content: `Your task is to judge whether a response to a question matches a reference answer.

Question: ${question}

Reference answer: ${reference}

Response: ${response}

Rules:
- The response matches if it carries at least the information of the reference answer. A more specific response is fine; a paraphrase or an equivalent form (another unit, notation or wording) is fine.
- Numbers match when they are within 1% relative error of each other.
- A range never matches a single value, and a single value never matches a range.
- The response must commit to one answer; hedging between several answers does not match.
- Do not judge whether the reference is correct, and do not solve the question yourself: judge only whether the response is equivalent to the reference.

Reply with <answer>1</answer> if the response matches the reference, else <answer>0</answer>.`,
  }];
}

/** LLM-as-a-judge without a reference. */
export function judgePrompt(question: string, response: string): Message[] {
  return [{
    role: 'user',
    content: `Your task is to judge whether a response to a question is correct, to the best of your knowledge.

Question: ${question}

Response: ${response}

Reply with <answer>1</answer> if the response is correct, else <answer>0</answer>.`,
  }];
}
