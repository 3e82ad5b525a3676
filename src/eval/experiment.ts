// The `answer-matching` reproduce experiment (shared/papers/01-answer-matching.md). Quick and
// offline: the bundled demo set is answered by three scripted candidates that write correct
// answers in varied surface forms (number words, other units, other date formats), wrong answers
// (the distractors) and sometimes no parsable answer; the same stored responses are graded by
// normalised exact match, the rule matcher, an alias-aware scripted matcher standing in for an LLM
// matcher, and the cascade; each grader is compared with the known truth (Scott's π, accuracy
// per candidate, Kendall τ of the candidate ranking). With the paper's data folder present the
// released MMLU-Pro agreement is recomputed too. Full budget, with FATHOM_EVAL_CANDIDATE and
// FATHOM_EVAL_MATCHER set (provider:model; FATHOM_EVAL_PROVIDERS, FATHOM_EVAL_DATASET optional),
// also runs the real free-form + matcher and cascade protocols on that dataset.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LlmPool, scriptedProvider, type GenerateRequest } from '../llm/index.js';
import { barPlot, type Row } from '../report/index.js';
import { registerExperiment, type Comparison, type ExperimentContext, type ExperimentResult } from '../reproduce/registry.js';
import { agreementStats, kendallTau, pairwiseAgreement } from './agreement.js';
import { DEMO_SET, type DemoItem } from './data/demo.js';
import { rescoreEval, startEval } from './evaluate.js';
import { binarize, readItemIds, readRatings } from './ratings.js';
import { normalizeAnswer, ruleVerdict } from './rules.js';
import { hashString, rng } from './stats.js';
import { evalConfigSchema } from './task.js';
import type { Stages } from './types.js';

interface Persona { name: string; pCorrect: number; pVariant: number; pUntagged: number }

const PERSONAS: Persona[] = [
  { name: 'precise', pCorrect: 0.85, pVariant: 0.15, pUntagged: 0 },
  { name: 'verbose', pCorrect: 0.75, pVariant: 0.7, pUntagged: 0.05 },
  { name: 'sloppy', pCorrect: 0.55, pVariant: 0.5, pUntagged: 0.15 },
];

const byQuestion = new Map(DEMO_SET.map((d) => [d.question, d]));
const byReference = new Map<string, DemoItem[]>();
for (const d of DEMO_SET) byReference.set(d.reference, [...(byReference.get(d.reference) ?? []), d]);

/** What persona `p` answers to item `d`, and whether that is right (the truth the graders are judged against). */
export function personaAnswer(p: Persona, d: DemoItem, seed: number): { text: string; correct: boolean } {
  const r = rng(hashString(`${seed}:${p.name}:${d.id}`));
  const correct = r() < p.pCorrect;
  const variant = r() < p.pVariant;
  const pool = correct ? (variant && d.aliases.length ? d.aliases : [d.reference]) : d.options.filter((o) => o !== d.reference);
  const answer = pool[Math.floor(r() * pool.length)]!;
  const text = r() < p.pUntagged ? `I believe it is ${answer}, more or less.` : `Working it through step by step. <answer>${answer}</answer>`;
  return { text, correct };
}

/** The stand-in matcher: accepts the reference and its listed aliases, and what the rules accept. */
function aliasMatcher(request: GenerateRequest): string {
  const prompt = request.messages.at(-1)?.content ?? '';
  const m = /Question: ([\s\S]*?)\n\nReference answer: ([\s\S]*?)\n\nResponse: ([\s\S]*?)\n\nRules:/.exec(prompt);
  if (!m) return 'I cannot read this request.';
  const item = byQuestion.get(m[1]!) ?? byReference.get(m[2]!)?.[0];
  const response = normalizeAnswer(m[3]!);
  const accepted = item ? [item.reference, ...item.aliases].map(normalizeAnswer) : [normalizeAnswer(m[2]!)];
  const rule = ruleVerdict(m[3]!, m[2]!);
  return `<answer>${accepted.includes(response) || (rule.decided && rule.match) ? 1 : 0}</answer>`;
}

const GRADERS = ['exact', 'rules', 'match', 'cascade'] as const;

async function offline(ctx: ExperimentContext) {
  const store = ctx.run.store;
  const pool = new LlmPool({ store });
  pool.add(scriptedProvider('matcher', aliasMatcher), { concurrency: 64 });
  const truth = new Map<string, Map<string, boolean>>();
  const rows: Row[] = [];
  const agreementRows: Row[] = [];
  const accuracies: Record<string, number[]> = { truth: [] };
  const graded: Record<string, { truth: string[]; grader: string[] }> = {};
  let saved = 0;
  let cascadeVerdicts = 0;
  const progress = ctx.progress('candidates × graders', PERSONAS.length * GRADERS.length, 'runs');
  for (const p of PERSONAS) {
    const answers = new Map(DEMO_SET.map((d) => [d.id, personaAnswer(p, d, ctx.seed)]));
    truth.set(p.name, new Map([...answers].map(([id, a]) => [id, a.correct])));
    pool.add(scriptedProvider(p.name, (req) => answers.get(byQuestion.get(/Question: ([^\n]*)/.exec(req.messages.at(-1)?.content ?? '')?.[1] ?? '')?.id ?? '')?.text ?? 'I do not know.'), { concurrency: 64 });
    const base = evalConfigSchema.parse({ name: `answer-matching: ${p.name}`, dataset: { path: 'demo' }, scorer: 'exact', candidate: { model: `${p.name}:seed-${ctx.seed}` }, matcher: { model: 'matcher:aliases' }, seed: ctx.seed });
    const first = await startEval(store, base, { pool });
    progress.tick();
    const runIds: Record<string, string> = { exact: first.runId };
    for (const g of GRADERS.slice(1)) {
      runIds[g] = (await rescoreEval(store, first.runId, { scorer: g }, { pool })).runId;
      progress.tick();
    }
    const trueAcc = [...answers.values()].filter((a) => a.correct).length / answers.size;
    accuracies.truth!.push(trueAcc);
    const row: Record<string, string | number> = { candidate: p.name, truth: trueAcc };
    for (const g of GRADERS) {
      const items = store.items(runIds[g]!);
      let correct = 0;
      for (const it of items) {
        const s = it.stages as unknown as Stages;
        // Unparsed answers are their own status; for the comparison with the truth they count as not right.
        const label = s.score?.status === 'ok' && s.score.value === 1 ? '1' : '0';
        if (label === '1') correct++;
        (graded[g] ??= { truth: [], grader: [] }).truth.push(answers.get(it.itemId)!.correct ? '1' : '0');
        graded[g].grader.push(label);
        if (g === 'cascade' && s.verdict && s.verdict.method !== 'none') {
          cascadeVerdicts++;
          if (s.verdict.method.startsWith('rule:')) saved++;
        }
      }
      row[g] = correct / items.length;
      (accuracies[g] ??= []).push(correct / items.length);
    }
    rows.push(row);
  }
  progress.done();
  for (const g of GRADERS) {
    const s = agreementStats(graded[g]!.truth, graded[g]!.grader);
    agreementRows.push({ grader: g, items: graded[g]!.truth.length, raw: s.raw, scottsPi: s.scottsPi, cohensKappa: s.cohensKappa, rankingTau: kendallTau(accuracies.truth!, accuracies[g]!) });
  }
  return { rows, agreementRows, saved, cascadeVerdicts };
}

function sharedAgreement(): Row[] | undefined {
  const dir = resolve(process.env.FATHOM_SHARED_DATA ?? join(process.cwd(), '../shared/data'), 'answer-matching/mmlu_pro');
  if (!existsSync(dir)) return undefined;
  const raw = [
    ...readRatings({ itemField: 'question_id', spec: `human A=${join(dir, 'human_annotator_2907.jsonl')}#rating_match` }).ratings,
    ...readRatings({ itemField: 'question_id', spec: `human B=${join(dir, 'human_annotator_strat1shash.jsonl')}#rating_match` }).ratings,
    ...readRatings({ itemField: 'question_id', spec: `DeepSeek-V3=${join(dir, 'mmlu_pro_combined_samples_to_annotate2.jsonl')}#score_deepseek-chat-v3-0324` }).ratings,
  ];
  const keep = readItemIds(join(dir, 'mmlu_pro_human_filtered_ids.txt'));
  const ratings = binarize(raw, ['human A,human B=1-2:0,4-5:1,3:drop']).filter((r) => keep.has(r.item));
  return pairwiseAgreement(ratings, { seed: 0 }).map((p) => ({ pair: `${p.raterA} vs ${p.raterB}`, items: p.items, scottsPi: p.scottsPi, low: p.scottsPiCi?.low ?? null, high: p.scottsPiCi?.high ?? null }));
}

async function real(ctx: ExperimentContext): Promise<Row[] | string> {
  const candidate = process.env.FATHOM_EVAL_CANDIDATE;
  const matcher = process.env.FATHOM_EVAL_MATCHER;
  if (!candidate || !matcher) return 'Not run: set FATHOM_EVAL_CANDIDATE and FATHOM_EVAL_MATCHER (provider:model), optionally FATHOM_EVAL_PROVIDERS (a providers file) and FATHOM_EVAL_DATASET (a JSONL/CSV; default: the demo set), to run the real protocols in the full budget.';
  const config = evalConfigSchema.parse({
    name: 'answer-matching: real', dataset: { path: process.env.FATHOM_EVAL_DATASET ?? 'demo' }, scorer: 'match',
    candidate: { model: candidate }, matcher: { model: matcher }, seed: ctx.seed,
    ...(process.env.FATHOM_EVAL_PROVIDERS ? { providersFile: process.env.FATHOM_EVAL_PROVIDERS } : {}),
  });
  const first = await startEval(ctx.run.store, config);
  const out: Row[] = [];
  for (const [scorer, s] of [['match', first.summary], ...(await Promise.all(['cascade', 'rules', 'exact'].map(async (g) => [g, (await rescoreEval(ctx.run.store, first.runId, { scorer: g })).summary] as const)))] as const) {
    out.push({ scorer, run: s.runId, accuracy: s.accuracy.accuracy, low: s.accuracy.ci?.low ?? null, high: s.accuracy.ci?.high ?? null, unparsed: s.accuracy.unparsed, errors: s.accuracy.errors, matcherCallsSaved: scorer === 'cascade' ? s.matcherCallsSaved : null });
  }
  return out;
}

registerExperiment({
  id: 'answer-matching',
  system: 'Evaluation',
  paper: '01-answer-matching.md',
  title: 'answer matching vs exact match and rules, and agreement with the truth',
  budgets: {
    quick: '60 demo items × 3 scripted candidates, graded 4 ways offline; released MMLU-Pro agreement when the data is present',
    full: 'the quick experiment, plus the real protocols with FATHOM_EVAL_CANDIDATE / FATHOM_EVAL_MATCHER',
  },
  async run(ctx): Promise<ExperimentResult> {
    const { rows, agreementRows, saved, cascadeVerdicts } = await offline(ctx);
    const shared = sharedAgreement();
    const realRows = ctx.budget === 'full' ? await real(ctx) : undefined;
    const pi = (g: string) => agreementRows.find((r) => r.grader === g)!.scottsPi as number | null;
    const comparisons: Comparison[] = [
      { metric: 'Scott\'s π, answer matcher vs truth (demo, scripted matcher)', ours: pi('match') ?? '—', paper: null, note: 'paper: matching agrees with humans about as well as humans with each other' },
      { metric: 'Scott\'s π, exact match vs truth (demo)', ours: pi('exact') ?? '—', paper: null },
      { metric: 'cascade: matcher calls saved', ours: `${saved} of ${cascadeVerdicts}`, paper: null },
    ];
    if (shared) {
      const get = (pair: string) => shared.find((r) => r.pair === pair)?.scottsPi as number | undefined;
      comparisons.push(
        { metric: 'MMLU-Pro (493 filtered): human A vs human B, Scott\'s π', ours: get('human A vs human B') ?? '—', paper: 0.893, note: 'recomputed from the released grades' },
        { metric: 'MMLU-Pro: DeepSeek-V3 matcher vs human A', ours: get('human A vs DeepSeek-V3') ?? '—', paper: 0.862 },
        { metric: 'MMLU-Pro: DeepSeek-V3 matcher vs human B', ours: get('human B vs DeepSeek-V3') ?? '—', paper: 0.849 },
      );
    }
    ctx.run.log(0, Object.fromEntries(agreementRows.map((r) => [`pi_${String(r.grader)}`, Number(r.scottsPi ?? Number.NaN)])));
    return {
      summary: `Three scripted candidates answered the 60-item demo set (arithmetic, units, dates) with correct answers in varied surface forms, distractors, and some untagged answers. The same stored responses were graded by normalised exact match, the rule matcher, an alias-aware scripted matcher standing in for an LLM matcher, and the cascade (rules first). Exact match and rules mark correct paraphrases (number words, other units and date formats) as wrong; the matcher does not. ${shared ? 'The released MMLU-Pro grades were re-scored for agreement.' : 'The MMLU-Pro data folder was absent, so the released agreement was not recomputed.'}${typeof realRows === 'string' ? ` ${realRows}` : ''}`,
      tables: [
        { caption: 'Accuracy per candidate as each grader sees it (truth: known correctness)', rows },
        { caption: 'Each grader against the truth (all candidates pooled); rankingTau: Kendall τ of the candidate ranking vs the true ranking', rows: agreementRows },
        ...(shared ? [{ caption: 'Released MMLU-Pro grades, 493 filtered items: Scott\'s π with 95% bootstrap CI', rows: shared }] : []),
        ...(Array.isArray(realRows) ? [{ caption: 'Real protocols (full budget)', rows: realRows }] : []),
      ],
      plots: [barPlot({ title: 'Accuracy per candidate by grader', categories: PERSONAS.map((p) => p.name), series: ['truth', ...GRADERS].map((g) => ({ name: g, values: rows.map((r) => Number(r[g])) })) })],
      comparisons,
    };
  },
});
