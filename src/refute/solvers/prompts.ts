// The solvers' prompts: plain Markdown files in src/refute/prompts/ (shipped with the package),
// filled by `{{name}}` substitution. REFUTE (arXiv:2502.19414) asks for a generator program, so
// every prompt ends by asking for one.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../errors.js';
import { correctSolution, wrongSolution, type RefuteProblem } from '../problem.js';

/** src/refute/prompts, found the same way from src/refute/solvers and dist/refute/solvers. */
export const PROMPTS_DIR = fileURLToPath(new URL('../../../src/refute/prompts/', import.meta.url));

const cache = new Map<string, string>();

/** The text of prompt `name` (without `.md`). */
export function promptText(name: string, dir: string = PROMPTS_DIR): string {
  const key = `${dir}\0${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    try {
      text = readFileSync(`${dir}${name}.md`, 'utf8');
    } catch (e) {
      throw new ConfigError(`refute: prompt file ${dir}${name}.md cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'reinstall fathom, or pass --prompts <dir> holding every prompt file');
    }
    cache.set(key, text);
  }
  return text;
}

/** Replaces every `{{name}}`; a placeholder without a value is an error, never left in the prompt. */
export function fill(template: string, vars: Record<string, string | number>, name = 'prompt'): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new ConfigError(`refute: ${name} uses {{${key}}}, which has no value`, `the placeholders available are: ${Object.keys(vars).sort().join(', ')}`);
    return String(v);
  });
}

export const fenceOf = (lang: 'cpp' | 'python'): string => (lang === 'cpp' ? 'cpp' : 'python');

/** The problem and its incorrect solution, as every solver shows them. */
export function problemPrompt(p: RefuteProblem, dir?: string): string {
  const wrong = wrongSolution(p);
  return fill(promptText('problem', dir), {
    problem_id: p.problem_id,
    statement: p.statement.trim(),
    input: (p.input ?? '(see the statement)').trim(),
    output: (p.output ?? '(see the statement)').trim(),
    example_input: (p.example_input ?? '').trimEnd(),
    example_output: (p.example_output ?? '').trimEnd(),
    note: p.note ? `\n## Note\n${p.note.trim()}\n` : '',
    time_limit_s: p.time_limit / 1000,
    memory_limit: p.memory_limit,
    wrong_lang: p.wrong_code_lang,
    wrong_fence: fenceOf(wrong.lang),
    wrong_code: p.wrong_code.trimEnd(),
  }, 'problem.md');
}

/** The correct solution's fields for with-correct.md. */
export function correctVars(p: RefuteProblem): Record<string, string> {
  const c = correctSolution(p);
  return { correct_lang: c.lang === 'cpp' ? 'C++' : 'Python 3', correct_fence: fenceOf(c.lang), correct_code: c.source.trimEnd() };
}
