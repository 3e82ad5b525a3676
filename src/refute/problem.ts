// REFUTE problem records (arXiv:2502.19414): the original dataset's JSONL fields, unchanged, or a
// directory per problem (FORMAT.md). Both load to the same `RefuteProblem`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { FathomError, UsageError } from '../errors.js';
import type { CppStd, Lang } from '../sandbox/index.js';

/** A problem that does not load: names the file/record and the field, with a fix. */
export class ProblemFormatError extends FathomError {}

/** A counterexample: a generator program whose stdout is the input, or the input itself. */
export type Counterexample = { kind: 'program'; lang: Lang; source: string } | { kind: 'input'; text: string };

export interface NamedCounterexample {
  name: string;
  counterexample: Counterexample;
}

/** Output comparison: tokens (yes/no case-insensitive, optional float tolerance) or a testlib-style program. */
export interface CheckerSpec {
  float_tolerance?: number;
  lang?: Lang;
  code?: string;
}

const text = z.string().nullish();
const checkerSchema = z.strictObject({
  float_tolerance: z.number().nonnegative().optional(),
  lang: z.enum(['cpp', 'python']).optional(),
  code: z.string().optional(),
}).refine((c) => (c.code === undefined) === (c.lang === undefined), { message: 'a custom checker needs both "lang" and "code"' });

export const problemSchema = z.object({
  problem_id: z.union([z.string().min(1), z.number()]).transform(String),
  statement: z.string(),
  input: text,
  output: text,
  example_input: text,
  example_output: text,
  note: text,
  time_limit: z.coerce.number().positive(),
  memory_limit: z.coerce.number().positive(),
  rating: z.coerce.number().nullish(),
  tags: z.union([z.array(z.string()), z.string()]).nullish(),
  wrong_code: z.string().min(1),
  wrong_code_lang: z.string().min(1),
  correct_cpp: text,
  correct_python: text,
  validator: z.string().min(1),
  checker: checkerSchema.nullish(),
}).passthrough()
  .refine((p) => !!p.correct_cpp || !!p.correct_python, { message: 'needs "correct_cpp" or "correct_python"', path: ['correct_cpp'] });

type Parsed = z.infer<typeof problemSchema>;

export interface RefuteProblem {
  problem_id: string;
  statement: string;
  input?: string | null;
  output?: string | null;
  example_input?: string | null;
  example_output?: string | null;
  note?: string | null;
  /** Milliseconds. */
  time_limit: number;
  /** Megabytes. */
  memory_limit: number;
  rating?: number | null;
  tags?: string[] | string | null;
  wrong_code: string;
  wrong_code_lang: string;
  correct_cpp?: string | null;
  correct_python?: string | null;
  /** Python: reads an input on stdin, exits 0 iff it is valid. */
  validator: string;
  checker?: CheckerSpec | null;
  /** fathom-only (directory layout): counterexamples known to refute `wrong_code`. */
  known_counterexamples?: NamedCounterexample[];
  /** fathom-only (directory layout): valid inputs on which `wrong_code` is right. */
  decoys?: NamedCounterexample[];
  /** Fields of the original record fathom does not use, kept as they were. */
  [extra: string]: unknown;
}

export const KNOWN_FIELDS = new Set(['problem_id', 'statement', 'input', 'output', 'example_input', 'example_output', 'note', 'time_limit', 'memory_limit', 'rating', 'tags', 'wrong_code', 'wrong_code_lang', 'correct_cpp', 'correct_python', 'validator', 'checker', 'known_counterexamples', 'decoys']);

/**
 * A judge's language name ("GNU C++17 (64)", "C++ 20", "PyPy 3-64", "Python 3", "cpp") as
 * fathom's language and C++ standard; null when fathom cannot run it (like the authors' parse_lang:
 * any C++ is C++, Python 3 and PyPy 3 are Python, Python 2 is not supported).
 */
export function parseLang(name: string): { lang: Lang; std: CppStd } | null {
  const s = name.toLowerCase().trim();
  if (s === 'py' || s === 'python' || s === 'pypy' || /^(python|pypy)\s*3/.test(s) || /pypy\s*3/.test(s)) return { lang: 'python', std: 'c++20' };
  if (/c\+\+|cpp|g\+\+|clang/.test(s)) {
    const v = /(?:c\+\+|cpp|g\+\+)\s*(\d\d|2a|2b|1z|1y)/.exec(s)?.[1];
    const std: CppStd = v === '14' || v === '11' || v === '1y' ? 'c++14' : v === '17' || v === '1z' ? 'c++17' : v === '23' || v === '2b' ? 'c++23' : 'c++20';
    return { lang: 'cpp', std };
  }
  return null;
}

function describe(issues: z.ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? `"${i.path.join('.')}"` : 'record'}: ${i.message}`).join('; ');
}

/** Validates one record; `where` names it in errors (file:line or directory). */
export function parseProblem(raw: unknown, where: string): RefuteProblem {
  const r = problemSchema.safeParse(raw);
  if (!r.success) throw new ProblemFormatError(`refute: problem ${where} is not a valid REFUTE record: ${describe(r.error.issues)}`, 'see src/refute/FORMAT.md for the fields');
  const p = r.data as Parsed & Record<string, unknown>;
  if (!parseLang(p.wrong_code_lang)) throw new ProblemFormatError(`refute: problem ${p.problem_id} (${where}): wrong_code_lang "${p.wrong_code_lang}" is not C++ or Python 3`, 'fathom runs C++ (any standard) and Python 3/PyPy 3 solutions; drop this record');
  return stripNulls(p) as RefuteProblem;
}

function stripNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Reads a counterexample file: .py/.cpp are generator programs, anything else is the input itself. */
export function readCounterexample(path: string): Counterexample {
  const ext = extname(path).toLowerCase();
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`refute: cannot read the counterexample ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'pass a .py/.cpp generator or a plain input file');
  }
  if (ext === '.py') return { kind: 'program', lang: 'python', source: content };
  if (ext === '.cpp' || ext === '.cc' || ext === '.cxx') return { kind: 'program', lang: 'cpp', source: content };
  return { kind: 'input', text: content };
}

function readOpt(dir: string, name: string): string | undefined {
  const p = join(dir, name);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

function listCounterexamples(dir: string): NamedCounterexample[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort()
    .filter((f) => statSync(join(dir, f)).isFile() && !f.startsWith('.') && !f.endsWith('.md'))
    .map((f) => ({ name: f, counterexample: readCounterexample(join(dir, f)) }));
}

/** Loads one problem directory (FORMAT.md, layout 2) as one or more records. */
export function loadProblemDir(dir: string): RefuteProblem[] {
  const id = basename(dir);
  const metaPath = join(dir, 'problem.json');
  if (!existsSync(metaPath)) throw new ProblemFormatError(`refute: ${dir} has no problem.json`, 'a problem directory holds problem.json, statement.md, validator.py, correct.* and wrong.* (src/refute/FORMAT.md)');
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ProblemFormatError(`refute: ${metaPath} is not valid JSON (${(e as Error).message})`, 'fix the JSON syntax');
  }
  const base: Record<string, unknown> = { problem_id: id, ...meta };
  const texts: [string, string][] = [['statement', 'statement.md'], ['input', 'input.md'], ['output', 'output.md'], ['note', 'note.md'], ['example_input', 'example.in'], ['example_output', 'example.out'], ['validator', 'validator.py'], ['correct_cpp', 'correct.cpp'], ['correct_python', 'correct.py']];
  for (const [field, file] of texts) {
    const t = readOpt(dir, file);
    if (t !== undefined) base[field] = t;
  }
  const checkerPy = readOpt(dir, 'checker.py');
  const checkerCpp = readOpt(dir, 'checker.cpp');
  if (checkerPy !== undefined || checkerCpp !== undefined) {
    base.checker = { ...(meta.checker as object | undefined), ...(checkerCpp !== undefined ? { lang: 'cpp', code: checkerCpp } : { lang: 'python', code: checkerPy }) };
  }
  const single = ['wrong.cpp', 'wrong.py'].filter((f) => existsSync(join(dir, f)));
  const multiDir = join(dir, 'wrong');
  const multi = existsSync(multiDir) && statSync(multiDir).isDirectory()
    ? readdirSync(multiDir).filter((f) => /\.(cpp|py)$/.test(f)).sort() : [];
  if (single.length > 1) throw new ProblemFormatError(`refute: ${dir} has both wrong.cpp and wrong.py`, 'keep one, or move them to wrong/<variant>.cpp|py');
  if (single.length && multi.length) throw new ProblemFormatError(`refute: ${dir} has both wrong.* and wrong/`, 'move wrong.* into wrong/<variant>.*');
  if (!single.length && !multi.length) throw new ProblemFormatError(`refute: ${dir} has no incorrect solution`, 'add wrong.cpp or wrong.py (or wrong/<variant>.cpp|py)');
  const variants = single.length ? [{ file: join(dir, single[0]!), id: String(base.problem_id), sub: '' }]
    : multi.map((f) => ({ file: join(multiDir, f), id: `${String(base.problem_id)}-${f.replace(/\.(cpp|py)$/, '')}`, sub: f.replace(/\.(cpp|py)$/, '') }));
  return variants.map((v) => {
    const lang = v.file.endsWith('.py') ? 'python' : 'cpp';
    const declared = typeof meta.wrong_code_lang === 'string' ? meta.wrong_code_lang : undefined;
    const wrongLang = lang === 'python' ? 'Python 3' : declared && parseLang(declared)?.lang === 'cpp' ? declared : 'C++20';
    const record = parseProblem({ ...base, problem_id: v.id, wrong_code: readFileSync(v.file, 'utf8'), wrong_code_lang: wrongLang }, dir);
    record.known_counterexamples = listCounterexamples(join(dir, 'counterexamples', v.sub));
    record.decoys = listCounterexamples(join(dir, 'decoys', v.sub));
    return record;
  });
}

/** Reads a JSONL file of original-format records. */
export function loadProblemsJsonl(path: string): RefuteProblem[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: RefuteProblem[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new ProblemFormatError(`refute: ${path}:${i + 1} is not valid JSON (${(e as Error).message})`, 'each line must be one JSON object');
    }
    out.push(parseProblem(raw, `${path}:${i + 1}`));
  });
  return out;
}

/**
 * Loads problems from a JSONL file (or a .json file holding one record or an array), one problem
 * directory, or a directory of problem directories. Ids must be unique.
 */
export function loadProblems(pathOrDir: string): RefuteProblem[] {
  if (!existsSync(pathOrDir)) throw new UsageError(`refute: ${pathOrDir} does not exist`, 'pass a .jsonl file, a problem directory or a directory of problem directories');
  let problems: RefuteProblem[];
  if (statSync(pathOrDir).isDirectory()) {
    if (existsSync(join(pathOrDir, 'problem.json'))) problems = loadProblemDir(pathOrDir);
    else {
      const dirs = readdirSync(pathOrDir).sort().map((d) => join(pathOrDir, d)).filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'problem.json')));
      if (!dirs.length) throw new ProblemFormatError(`refute: ${pathOrDir} holds no problem directories (none has problem.json)`, 'see src/refute/FORMAT.md for the layout');
      problems = dirs.flatMap(loadProblemDir);
    }
  } else if (pathOrDir.endsWith('.json')) {
    const raw = JSON.parse(readFileSync(pathOrDir, 'utf8')) as unknown;
    problems = (Array.isArray(raw) ? raw : [raw]).map((r, i) => parseProblem(r, `${pathOrDir}[${i}]`));
  } else problems = loadProblemsJsonl(pathOrDir);
  const seen = new Set<string>();
  for (const p of problems) {
    if (seen.has(p.problem_id)) throw new ProblemFormatError(`refute: problem id "${p.problem_id}" appears twice in ${pathOrDir}`, 'give every record a unique problem_id');
    seen.add(p.problem_id);
  }
  return problems;
}

/** The correct solution the harness runs: C++ when present (as the authors' harness), else Python. */
export function correctSolution(p: RefuteProblem): { lang: Lang; std: CppStd; source: string } {
  if (p.correct_cpp) return { lang: 'cpp', std: 'c++20', source: p.correct_cpp };
  return { lang: 'python', std: 'c++20', source: p.correct_python! };
}

/** The incorrect solution with its language resolved. */
export function wrongSolution(p: RefuteProblem): { lang: Lang; std: CppStd; source: string } {
  const l = parseLang(p.wrong_code_lang);
  if (!l) throw new ProblemFormatError(`refute: problem ${p.problem_id}: wrong_code_lang "${p.wrong_code_lang}" is not C++ or Python 3`, 'fathom runs C++ and Python 3 solutions');
  return { ...l, source: p.wrong_code };
}

/** Tags as a list, whichever form the record used. */
export function problemTags(p: RefuteProblem): string[] {
  if (!p.tags) return [];
  return Array.isArray(p.tags) ? p.tags : p.tags.split(',').map((t) => t.trim()).filter(Boolean);
}
