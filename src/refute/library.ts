// Where problems live: the workspace's imported problems (`fathom refute import`), fathom's
// bundled problems (assets/refute/), or a path given directly.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean, UsageError } from '../errors.js';
import { loadProblems, parseProblem, type RefuteProblem } from './problem.js';

/** fathom's bundled problems (same path from src/refute and dist/refute). */
export const BUNDLED_DIR = fileURLToPath(new URL('../../assets/refute/', import.meta.url));

const problemsDir = (workspace: string) => join(workspace, 'refute', 'problems');
const fileFor = (workspace: string, id: string) => join(problemsDir(workspace), `${encodeURIComponent(id)}.json`);

/** Stores problems in the workspace (one JSON file each, replacing a same-id problem); returns the ids replaced. */
export function saveProblems(workspace: string, problems: readonly RefuteProblem[]): { saved: number; replaced: string[]; dir: string } {
  const dir = problemsDir(workspace);
  mkdirSync(dir, { recursive: true });
  const replaced: string[] = [];
  for (const p of problems) {
    const file = fileFor(workspace, p.problem_id);
    if (existsSync(file)) replaced.push(p.problem_id);
    writeFileSync(file, `${JSON.stringify(p, null, 2)}\n`);
  }
  return { saved: problems.length, replaced, dir };
}

/** The ids of the workspace's imported problems. */
export function importedProblemIds(workspace: string): string[] {
  const dir = problemsDir(workspace);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => decodeURIComponent(f.slice(0, -5))).sort();
}

/** The bundled problems (empty when fathom ships none). */
export function bundledProblems(): RefuteProblem[] {
  return existsSync(BUNDLED_DIR) ? loadProblems(BUNDLED_DIR) : [];
}

/**
 * One problem by path (a problem directory, a .json/.jsonl file holding exactly one record, or
 * `file.jsonl#id`), by id among the workspace's imported problems, or by id among the bundled ones.
 */
export function resolveProblem(spec: string, workspace: string): RefuteProblem {
  const [path, wantedId] = spec.includes('#') ? [spec.slice(0, spec.lastIndexOf('#')), spec.slice(spec.lastIndexOf('#') + 1)] : [spec, undefined];
  if (existsSync(path)) {
    const all = loadProblems(path);
    if (wantedId !== undefined) {
      const p = all.find((x) => x.problem_id === wantedId);
      if (!p) throw new UsageError(`refute: no problem "${wantedId}" in ${path}`, `pick one of: ${all.slice(0, 10).map((x) => x.problem_id).join(', ')}${all.length > 10 ? ', ...' : ''}`);
      return p;
    }
    if (all.length !== 1) throw new UsageError(`refute: ${path} holds ${all.length} problems`, `name one as ${path}#<id>, e.g. ${path}#${all[0]?.problem_id ?? 'ID'}`);
    return all[0]!;
  }
  const file = fileFor(workspace, spec);
  if (existsSync(file)) return parseProblem(JSON.parse(readFileSync(file, 'utf8')), file);
  const bundled = bundledProblems();
  const p = bundled.find((x) => x.problem_id === spec);
  if (p) return p;
  const known = [...importedProblemIds(workspace), ...bundled.map((x) => x.problem_id)];
  const guess = didYouMean(spec, known);
  throw new UsageError(`refute: no problem "${spec}" (not a path, not imported into ${workspace}, not bundled)`,
    guess ? `did you mean "${guess}"?` : 'pass a problem directory or file, or import problems first with `fathom refute import <file.jsonl>`');
}
