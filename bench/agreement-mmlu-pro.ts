// Agreement on the answer-matching paper's released MMLU-Pro grades (../shared/data/answer-matching/
// mmlu_pro): the recorded DeepSeek-V3 matcher verdicts as a rater against the two human graders
// (ratings 1–5 binarised: ≥4 match, ≤2 no match, 3 dropped), on the 493 human-filtered items and
// on all 802, beside the values recomputed from the released data (README of that folder).
// Run: node --import tsx bench/agreement-mmlu-pro.ts [data folder]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pairwiseAgreement } from '../src/eval/agreement.js';
import { binarize, readItemIds, readRatings } from '../src/eval/ratings.js';

const dir = resolve(process.argv[2] ?? join(process.cwd(), '../shared/data/answer-matching/mmlu_pro'));
if (!existsSync(dir)) {
  console.log(`agreement-mmlu-pro: the data folder ${dir} is absent, so nothing was measured.`);
  console.log('Pass the folder holding mmlu_pro_combined_samples_to_annotate2.jsonl and the human_annotator_*.jsonl files as the first argument.');
  process.exit(0);
}

const t0 = performance.now();
const common = { itemField: 'question_id' };
const raw = [
  ...readRatings({ ...common, spec: `human A=${join(dir, 'human_annotator_2907.jsonl')}#rating_match` }).ratings,
  ...readRatings({ ...common, spec: `human B=${join(dir, 'human_annotator_strat1shash.jsonl')}#rating_match` }).ratings,
  ...readRatings({ ...common, spec: `DeepSeek-V3 matcher=${join(dir, 'mmlu_pro_combined_samples_to_annotate2.jsonl')}#score_deepseek-chat-v3-0324` }).ratings,
];
const ratings = binarize(raw, ['human A,human B=1-2:0,4-5:1,3:drop']);
const filtered = readItemIds(join(dir, 'mmlu_pro_human_filtered_ids.txt'));

const EXPECTED: Record<string, Record<string, number>> = {
  filtered: { 'human A|human B': 0.893, 'human A|DeepSeek-V3 matcher': 0.862, 'human B|DeepSeek-V3 matcher': 0.849 },
  all: { 'human A|human B': 0.765, 'human A|DeepSeek-V3 matcher': 0.707, 'human B|DeepSeek-V3 matcher': 0.681 },
};

for (const [subset, rows] of [['filtered', ratings.filter((r) => filtered.has(r.item))], ['all', ratings]] as const) {
  console.log(`\n${subset === 'filtered' ? `493 human-filtered items (${filtered.size} ids)` : 'all 802 items'}`);
  console.log('pair                                 items  raw    Scott π [95% CI]        Cohen κ [95% CI]        released π');
  for (const p of pairwiseAgreement(rows, { seed: 0 })) {
    const ci = (c: { low: number; high: number } | null) => (c ? `[${c.low.toFixed(3)}, ${c.high.toFixed(3)}]` : '[—]');
    const key = `${p.raterA}|${p.raterB}`;
    console.log(`${`${p.raterA} vs ${p.raterB}`.padEnd(36)} ${String(p.items).padStart(5)}  ${p.raw.toFixed(3)}  ${p.scottsPi?.toFixed(3) ?? '—'} ${ci(p.scottsPiCi).padEnd(16)}  ${p.cohensKappa?.toFixed(3) ?? '—'} ${ci(p.cohensKappaCi).padEnd(16)}  ${EXPECTED[subset]![key]?.toFixed(3) ?? '—'}`);
  }
}
console.log(`\n(1,000 bootstrap resamples over items per statistic; ${((performance.now() - t0) / 1000).toFixed(2)} s)`);
