// The solver registry: how a sample becomes the candidate's prompt and how the answer comes back
// out of the response. Free-form generation (answer matching), MCQ, and the prompted choices-only
// probe (options without the question).
import { UsageError } from '../errors.js';
import { Registry } from '../registry.js';
import { extractFreeform, extractLetter } from './extract.js';
import { choicesOnlyPrompt, freeformPrompt, mcqPrompt } from './prompts.js';
import type { Solver } from './types.js';

const solvers = new Registry<Solver>('eval: solver', (s) => s.name);

export function registerSolver(solver: Solver): void {
  solvers.register(solver);
}

export function getSolver(name: string): Solver {
  return solvers.get(name, (_, names, guess) => new UsageError(`eval: unknown solver "${name}" (registered: ${names.join(', ')})`, guess ? `did you mean "${guess}"?` : 'pick one of the registered solvers'));
}

export const registeredSolvers = (): Solver[] => solvers.all();

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
