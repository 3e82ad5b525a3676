// The solver registry: how a sample becomes the candidate's prompt and how the answer comes back
// out of the response. Free-form generation (answer matching), MCQ, and the prompted choices-only
// probe (options without the question).
import { UsageError, didYouMean } from '../errors.js';
import { extractFreeform, extractLetter } from './extract.js';
import { choicesOnlyPrompt, freeformPrompt, mcqPrompt } from './prompts.js';
import type { Solver } from './types.js';

const solvers = new Map<string, Solver>();

export function registerSolver(solver: Solver): void {
  if (solvers.has(solver.name)) throw new Error(`eval: solver "${solver.name}" is registered twice`);
  solvers.set(solver.name, solver);
}

export function getSolver(name: string): Solver {
  const s = solvers.get(name);
  if (s) return s;
  const names = [...solvers.keys()];
  const guess = didYouMean(name, names);
  throw new UsageError(`eval: unknown solver "${name}" (registered: ${names.join(', ')})`, guess ? `did you mean "${guess}"?` : 'pick one of the registered solvers');
}

export const registeredSolvers = (): Solver[] => [...solvers.values()];

registerSolver({
  name: 'freeform',
  summary: 'the question without options; the answer in <answer> tags, graded against the reference',
  needs: 'question',
  prompt: freeformPrompt,
  extract: (text) => extractFreeform(text),
});

registerSolver({
  name: 'mcq',
  summary: 'the question with lettered options; a single letter is extracted',
  needs: 'options',
  prompt: mcqPrompt,
  extract: (text, sample) => extractLetter(text, sample.options?.length ?? 0),
});

registerSolver({
  name: 'choices-only',
  summary: 'prompted shortcut probe: the options without the question; a single letter is extracted',
  needs: 'options',
  prompt: choicesOnlyPrompt,
  extract: (text, sample) => extractLetter(text, sample.options?.length ?? 0),
});
