// Answer extraction as in the answer-matching paper (arXiv:2507.02856, §3): free-form answers from
// the last <answer>…</answer> block, else the last \boxed{…}, else "the answer is …"; MCQ letters
// from the last <answer>, else "the answer is X", else the last standalone capital letter among
// the options. Nothing extractable is `unparsed`, a status of its own, never a wrong answer.
import type { ExtractedStage } from './types.js';

const unparsed: ExtractedStage = { status: 'unparsed', answer: null, method: null };

/** Content of the last `\boxed{…}`, with nested braces balanced. */
export function lastBoxed(text: string): string | undefined {
  const start = text.lastIndexOf('\\boxed{');
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start + 6; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start + 7, i);
  }
  return undefined;
}

function lastAnswerTag(text: string): string | undefined {
  const close = text.toLowerCase().lastIndexOf('</answer>');
  if (close < 0) return undefined;
  const open = text.toLowerCase().lastIndexOf('<answer>', close);
  return open < 0 ? undefined : text.slice(open + 8, close);
}

const ANSWER_IS = /the (?:final )?answer is[:\s]*([^\n]+)/gi;

function lastAnswerIs(text: string): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(ANSWER_IS)) last = m[1];
  return last?.replace(/\s*[.。]\s*$/, '').replace(/^\*\*|\*\*$/g, '');
}

export function extractFreeform(text: string): ExtractedStage {
  const tag = lastAnswerTag(text);
  if (tag !== undefined && tag.trim()) {
    const boxed = lastBoxed(tag);
    return { status: 'ok', answer: (boxed ?? tag).trim(), method: 'answer-tag' };
  }
  const boxed = lastBoxed(text);
  if (boxed !== undefined && boxed.trim()) return { status: 'ok', answer: boxed.trim(), method: 'boxed' };
  const is = lastAnswerIs(text);
  if (is !== undefined && is.trim()) return { status: 'ok', answer: is.trim(), method: 'answer-is' };
  return unparsed;
}

export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The letter of an MCQ answer among `n` options. */
export function extractLetter(text: string, n: number): ExtractedStage {
  const valid = LETTERS.slice(0, n);
  const letterIn = (s: string): string | undefined => {
    const m = /^\s*\(?\s*([A-Z])\s*\)?(?:[.:)\s]|$)/.exec(s.trim());
    return m && valid.includes(m[1]!) ? m[1] : undefined;
  };
  const tag = lastAnswerTag(text);
  if (tag !== undefined) {
    const l = letterIn(tag);
    if (l) return { status: 'ok', answer: l, method: 'answer-tag' };
  }
  let is: string | undefined;
  for (const m of text.matchAll(/the (?:correct |final )?answer is[:\s]*\(?([A-Z])\b/gi)) is = m[1]!.toUpperCase();
  if (is && valid.includes(is)) return { status: 'ok', answer: is, method: 'answer-is' };
  let last: string | undefined;
  for (const m of text.matchAll(/(?<![A-Za-z])([A-Z])(?![A-Za-z])/g)) if (valid.includes(m[1]!)) last = m[1];
  return last ? { status: 'ok', answer: last, method: 'last-capital' } : unparsed;
}

/** `<answer>1</answer>` / `<answer>0</answer>` of a matcher or judge; undefined when absent. */
export function extractBinary(text: string): boolean | undefined {
  const tag = lastAnswerTag(text);
  const v = tag?.trim();
  if (v === '1') return true;
  if (v === '0') return false;
  return undefined;
}
