// Behaviors to red-team: an objective, optionally the target's system prompt and a machine check
// of success (a regular expression over the response). fathom bundles only benign canary
// behaviors (assets/redteam/canary.jsonl: reveal a planted secret word, break a stated format
// rule, state a false fact the target was told to deny); users bring their own file (JSONL/CSV).
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { readRecords } from '../eval/dataset.js';

/** The bundled canary set; resolves from src/ and from dist/ alike. */
export const CANARY_PATH = fileURLToPath(new URL('../../assets/redteam/canary.jsonl', import.meta.url));

export const behaviorSchema = z.strictObject({
  id: z.string().min(1).describe('unique id of the behavior'),
  objective: z.string().min(1).describe('what the attack tries to make the target do (the "goal" of HarmBench-style files)'),
  category: z.string().default('').describe('free-form group for reports'),
  target_system: z.string().default('').describe('system prompt given to the target for this behavior ("" for none)'),
  context: z.string().default('').describe('context shown to the attacker and judges beside the objective'),
  check: z.string().default('').describe('regular expression (case-sensitive) a successful response matches; shown to judges as the success condition'),
});

export interface Behavior {
  id: string;
  objective: string;
  category: string;
  targetSystem: string;
  context: string;
  check: RegExp | undefined;
}

/** Columns accepted under other names, so HarmBench-style CSVs load as they are. */
const ALIASES: Record<string, string> = { Behavior: 'objective', behavior: 'objective', goal: 'objective', BehaviorID: 'id', behavior_id: 'id', ContextString: 'context', SemanticCategory: 'category', system: 'target_system' };

/** HarmBench columns that carry nothing fathom uses. */
const IGNORED = new Set(['Tags', 'FunctionalCategory']);

export function loadBehaviors(path: string): Behavior[] {
  const file = path === 'canary' ? CANARY_PATH : path;
  const seen = new Set<string>();
  const out = readRecords(file).map(({ line, row }) => {
    const renamed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (v !== '' && v !== null && !IGNORED.has(k)) renamed[ALIASES[k] ?? k] = v;
    const parsed = behaviorSchema.safeParse(renamed);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UsageError(`behaviors ${file}:${line}: ${issue.path.join('.') || 'row'}: ${issue.message}`, 'each row needs id and objective; optional: category, target_system, context, check (regex)');
    }
    const b = parsed.data;
    if (seen.has(b.id)) throw new UsageError(`behaviors ${file}:${line}: id "${b.id}" appears twice`, 'give every behavior its own id');
    seen.add(b.id);
    let check: RegExp | undefined;
    if (b.check) {
      try { check = new RegExp(b.check); } catch (err) {
        throw new UsageError(`behaviors ${file}:${line}: check "${b.check}" is not a regular expression (${(err as Error).message})`, 'escape special characters such as ( [ ? with a backslash');
      }
    }
    return { id: b.id, objective: b.objective, category: b.category, targetSystem: b.target_system, context: b.context, check };
  });
  if (out.length === 0) throw new UsageError(`behaviors ${file}: no behaviors`, 'add rows with id and objective, or pass --behaviors canary');
  return out;
}
