// Parameter groups: which parameters get weight decay and which learning-rate scale. The default
// follows common LM practice (nanoGPT, OLMo, Llama recipes): matrices decay; norms, biases and
// embeddings (token and position tables) do not. A group is a set of ranges of the flat buffer.
import { FathomError } from '../errors.js';
import type { Parameter } from '../nn/index.js';
import type { FlatParameters } from './flat.js';

/** A rule assigning parameters to a group; the first rule that matches a parameter wins. */
export interface GroupRule {
  name: string;
  /** A predicate, or a regular expression tested against the parameter's name. */
  match: ((name: string, p: Parameter) => boolean) | RegExp;
  /** Weight decay for this group (default: the optimizer's). */
  weightDecay?: number;
  /** Multiplies the scheduled learning rate for this group (default 1). */
  lrScale?: number;
}

/** Which parameters are exempt from weight decay by default. */
export type NoDecayPolicy = 'norms-biases-embeddings' | 'norms-biases' | 'none';

const EMBEDDING = /(^|\.)(wte|wpe|embed|embedding|embeddings|tok_embeddings)(\.|$)/;

/** The predicate for a no-decay policy: `'norms-biases'` is nanoGPT's rank < 2 rule. */
export function noDecay(policy: NoDecayPolicy): (name: string, p: Parameter) => boolean {
  switch (policy) {
    case 'norms-biases-embeddings': return (name, p) => p.ndim < 2 || EMBEDDING.test(name);
    case 'norms-biases': return (_, p) => p.ndim < 2;
    case 'none': return () => false;
  }
}

/** The default rules: one no-decay group by `policy`; every other parameter falls in 'decay'. */
export function defaultGroupRules(policy: NoDecayPolicy = 'norms-biases-embeddings'): GroupRule[] {
  return [{ name: 'no_decay', match: noDecay(policy), weightDecay: 0 }];
}

/** A resolved group: its settings and the [start, end) ranges of the flat buffer it covers. */
export interface ParamGroup {
  readonly name: string;
  readonly weightDecay: number;
  readonly lrScale: number;
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  /** Parameter names, for inspection. */
  readonly params: readonly string[];
}

function matches(rule: GroupRule, name: string, p: Parameter): boolean {
  return rule.match instanceof RegExp ? rule.match.test(name) : rule.match(name, p);
}

/** The rule index each parameter falls under (rules.length = the default 'decay' group). */
export function ruleIndex(rules: readonly GroupRule[], name: string, p: Parameter): number {
  const i = rules.findIndex((r) => matches(r, name, p));
  return i < 0 ? rules.length : i;
}

/** Resolves rules against a flat buffer; adjacent ranges of one group merge. Empty groups are dropped. */
export function resolveGroups(flat: FlatParameters, rules: readonly GroupRule[], weightDecay: number): ParamGroup[] {
  for (const r of rules) {
    if (r.weightDecay !== undefined && !(Number.isFinite(r.weightDecay) && r.weightDecay >= 0)) {
      throw new FathomError(`parameter group '${r.name}': weightDecay ${r.weightDecay} is not a number ≥ 0`, 'use e.g. 0 or 0.1');
    }
    if (r.lrScale !== undefined && !(Number.isFinite(r.lrScale) && r.lrScale >= 0)) {
      throw new FathomError(`parameter group '${r.name}': lrScale ${r.lrScale} is not a number ≥ 0`, 'use e.g. 1 or 0.1');
    }
  }
  const all: GroupRule[] = [...rules, { name: 'decay', match: () => true }];
  const ranges: Array<Array<[number, number]>> = all.map(() => []);
  const names: string[][] = all.map(() => []);
  for (const r of flat.ranges) {
    const i = ruleIndex(rules, r.name, r.param);
    const list = ranges[i]!;
    const last = list.at(-1);
    if (last && last[1] === r.offset) last[1] = r.offset + r.size;
    else list.push([r.offset, r.offset + r.size]);
    names[i]!.push(r.name);
  }
  return all
    .map((rule, i) => ({ name: rule.name, weightDecay: rule.weightDecay ?? weightDecay, lrScale: rule.lrScale ?? 1, ranges: ranges[i]!, params: names[i]! }))
    .filter((g) => g.ranges.length > 0);
}
