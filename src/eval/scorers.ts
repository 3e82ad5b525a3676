// The scorer registry: each scorer turns an extracted answer into a verdict. Rule matchers
// (normalised exact, numeric with relative tolerance, letter, contains, all rules), the paper's
// LLM answer matcher, the cascade (rules decide the clear cases, the model the rest), and
// LLM-as-a-judge without a reference. A failed model call or an unreadable matcher output is a
// verdict with status `error`, never a mismatch.
import { UsageError } from '../errors.js';
import { Registry } from '../registry.js';
import type { Message } from '../llm/index.js';
import { LETTERS, extractBinary } from './extract.js';
import { judgePrompt, matcherPrompt } from './prompts.js';
import { normalizeAnswer, parseQuantity, ruleVerdict, withinTolerance } from './rules.js';
import type { ScoreContext, Scorer, VerdictStage } from './types.js';

const scorers = new Registry<Scorer>('eval: scorer', (s) => s.name);

export function registerScorer(scorer: Scorer): void {
  scorers.register(scorer);
}

export function getScorer(name: string): Scorer {
  return scorers.get(name, (_, names, guess) => new UsageError(`eval: unknown scorer "${name}" (registered: ${names.join(', ')})`, guess ? `did you mean "${guess}"?` : 'pick one of the registered scorers'));
}

export const registeredScorers = (): Scorer[] => scorers.all();

const verdict = (match: boolean, method: string): VerdictStage => ({ status: 'ok', match, method, raw: null, error: null });
const noVerdict = (status: VerdictStage['status'], method: string, message?: string): VerdictStage => ({
  status, match: null, method, raw: null, error: message ? { kind: 'provider', message } : null,
});

/** The free-form reference: the sample's, else the text of its correct option. */
export function referenceOf(ctx: Pick<ScoreContext, 'sample'>): string | undefined {
  const s = ctx.sample;
  if (s.reference !== undefined) return s.reference;
  if (s.options && s.answerIndex !== undefined) return s.options[s.answerIndex];
  return undefined;
}

/** Asks the matcher/judge model and reads its `<answer>0|1</answer>`. */
async function askModel(ctx: ScoreContext, messages: Message[], method: string): Promise<VerdictStage> {
  if (!ctx.matcher) return noVerdict('error', method, 'no matcher model is configured');
  const out = await ctx.matcher.client.generate({ model: ctx.matcher.model, messages, params: ctx.matcher.params }, { refresh: ctx.refresh });
  if (out.status === 'error') return { status: 'error', match: null, method, raw: null, error: out.error };
  const raw = out.generation.text;
  if (out.status === 'refused') return { status: 'error', match: null, method, raw, error: { kind: 'provider', message: 'the matcher refused to answer' } };
  const match = extractBinary(raw);
  if (match === undefined) return { status: 'error', match: null, method, raw, error: { kind: 'bad_response', message: 'the matcher output has no <answer>0</answer> or <answer>1</answer>' } };
  return { status: 'ok', match, method, raw, error: null };
}

registerScorer({
  name: 'exact', summary: 'normalised exact match against the reference', usesModel: false, needs: 'reference',
  async score(ctx) {
    const ref = referenceOf(ctx)!;
    return verdict(normalizeAnswer(ctx.extracted.answer!) === normalizeAnswer(ref), 'exact');
  },
});

registerScorer({
  name: 'numeric', summary: 'one number (same unit) within 1% relative error of the reference', usesModel: false, needs: 'reference',
  async score(ctx) {
    const a = parseQuantity(ctx.extracted.answer!);
    const r = parseQuantity(referenceOf(ctx)!);
    if (!r) return noVerdict('error', 'numeric', `the reference "${referenceOf(ctx)}" is not a number`);
    if (!a) return noVerdict('unparsed', 'numeric');
    return verdict(a.unit === r.unit && withinTolerance(a.value, r.value, 0.01), 'numeric');
  },
});

registerScorer({
  name: 'contains', summary: 'the normalised reference occurs in the normalised response', usesModel: false, needs: 'reference',
  async score(ctx) {
    return verdict(` ${normalizeAnswer(ctx.response.text ?? '')} `.includes(` ${normalizeAnswer(referenceOf(ctx)!)} `), 'contains');
  },
});

registerScorer({
  name: 'rules', summary: 'exact, numeric and range rules; what no rule decides counts as no match', usesModel: false, needs: 'reference',
  async score(ctx) {
    const v = ruleVerdict(ctx.extracted.answer!, referenceOf(ctx)!);
    return v.decided ? verdict(v.match, v.method) : verdict(false, 'no-rule');
  },
});

registerScorer({
  name: 'letter', summary: 'the extracted letter equals the correct option\'s', usesModel: false, needs: 'answer',
  async score(ctx) {
    return verdict(ctx.extracted.answer === LETTERS[ctx.sample.answerIndex!], 'letter');
  },
});

registerScorer({
  name: 'match', summary: 'the paper\'s LLM answer matcher: question, reference and response', usesModel: true, needs: 'reference',
  score: (ctx) => askModel(ctx, matcherPrompt(ctx.sample.question, referenceOf(ctx)!, ctx.extracted.answer!), 'llm'),
});

registerScorer({
  name: 'cascade', summary: 'rules decide the clear cases, the LLM matcher the rest', usesModel: true, needs: 'reference',
  async score(ctx) {
    const v = ruleVerdict(ctx.extracted.answer!, referenceOf(ctx)!);
    if (v.decided) return verdict(v.match, `rule:${v.method}`);
    return askModel(ctx, matcherPrompt(ctx.sample.question, referenceOf(ctx)!, ctx.extracted.answer!), 'llm');
  },
});

registerScorer({
  name: 'judge', summary: 'LLM-as-a-judge without a reference: is the response correct?', usesModel: true, needs: 'none',
  score: (ctx) => askModel(ctx, judgePrompt(ctx.sample.question, ctx.response.text ?? ''), 'judge'),
});
