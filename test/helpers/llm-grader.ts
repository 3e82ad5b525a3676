// A deterministic candidate-and-matcher for the fault-injecting server: the candidate answers
// "What is a + b?" correctly except for every seventh item, and the matcher compares the
// response with the reference the way an exact matcher would, reading both from its prompt.
import type { ChatBody } from './llm-server.js';
import { lastUserMessage } from './llm-server.js';

export function arithmeticItems(n: number): { id: string; question: string; reference: string }[] {
  return Array.from({ length: n }, (_, i) => ({ id: `q${String(i).padStart(4, '0')}`, question: `What is ${i} + ${i + 1}?`, reference: String(2 * i + 1) }));
}

export function gradingAnswer(body: ChatBody): string {
  const text = lastUserMessage(body);
  const matcher = /Reference answer: (.*)\n\nResponse: (.*)\n/.exec(text);
  if (matcher) return `Comparing. <answer>${matcher[1]!.trim() === matcher[2]!.trim() ? 1 : 0}</answer>`;
  const q = /What is (\d+) \+ (\d+)\?/.exec(text);
  if (!q) return 'I do not know.';
  const a = Number(q[1]);
  const sum = a + Number(q[2]);
  return `Adding them gives <answer>${a % 7 === 3 ? sum + 1 : sum}</answer>`;
}

/** Whether the candidate's answer to item i is right. */
export const candidateRight = (i: number): boolean => i % 7 !== 3;
