// The `goldfish` reproduce experiment (shared/papers/08-axonn.md; Hans et al. 2024, as used in
// AxoNN, arXiv:2502.08145): a small byte-level GPT trained for many epochs on a handful of
// moby-dick passages, once with the standard next-token loss and once with the Goldfish loss
// (hash-table strategy, k = 4, h = 13), same seed, same steps, same batches. The memorization
// probe then prompts each passage with all but its last 50 bytes and greedy-decodes 50: the paper
// finds that the standard loss reproduces such passages verbatim and the Goldfish loss almost
// never does, at a small cost in validation loss. Held-out windows of the same length are probed
// too, as the floor that no memorization gives.
import { GOLDFISH_DEFAULTS, prepareTokens } from '../data/index.js';
import { barPlot } from '../report/index.js';
import type { Row } from '../report/index.js';
import { registerExperiment } from '../reproduce/registry.js';
import type { Comparison, ExperimentContext, ExperimentResult } from '../reproduce/registry.js';
import { Transformer } from '../models/index.js';
import { parseConfig } from '../config/index.js';
import { loadWeights, train, trainConfigSchema } from '../train/index.js';
import type { TrainData } from '../train/index.js';
import { probeMemorization, sampleWindows } from './probe.js';
import type { ProbeResult } from './probe.js';

/** One budget of the experiment (the test runs a smaller one through runGoldfish). */
export interface GoldfishSetup {
  /** Training passages, each `contextLength` byte tokens. */
  passages: number;
  /** Copies of every passage in one epoch of the training stream. */
  repeats: number;
  /** Other moby-dick tokens spread between the copies, so the model also learns general text. */
  generalTokens: number;
  contextLength: number;
  /** Tokens extracted per passage (the paper: 50). */
  suffix: number;
  steps: number;
  layers: number;
  dim: number;
  heads: number;
  batch: number;
  lr: number;
  /** Validation batches for the final held-out loss. */
  evalBatches: number;
}

export const GOLDFISH_BUDGETS: Record<'quick' | 'full', GoldfishSetup> = {
  // 12 passages × 128 bytes, 16 copies each among 8,000 bytes of other text (32,576 tokens);
  // 1,000 steps of 8 windows of 128 ≈ 31 epochs, so each passage is seen ≈ 500 times.
  quick: { passages: 12, repeats: 16, generalTokens: 8000, contextLength: 128, suffix: 50, steps: 1000, layers: 2, dim: 64, heads: 4, batch: 8, lr: 3e-3, evalBatches: 16 },
  full: { passages: 16, repeats: 16, generalTokens: 32000, contextLength: 256, suffix: 50, steps: 2000, layers: 4, dim: 128, heads: 4, batch: 8, lr: 2e-3, evalBatches: 32 },
};

/** The Goldfish loss of the paper. */
export const PAPER_GOLDFISH = { strategy: 'hash-table', k: 4, h: GOLDFISH_DEFAULTS.h } as const;

export interface GoldfishCase {
  loss: 'standard' | 'goldfish';
  runId: string;
  /** Final training loss (on the passages; the Goldfish run's counts only the kept positions). */
  trainLoss: number;
  /** Held-out moby-dick loss (nats/byte). */
  valLoss: number;
  probe: ProbeResult;
  seconds: number;
}

export interface GoldfishOutcome {
  setup: GoldfishSetup;
  cases: GoldfishCase[];
  /** Extraction from held-out windows of the standard model: what no memorization looks like. */
  heldOut: ProbeResult;
  streamTokens: number;
}

/**
 * One epoch of training tokens: `repeats` copies of every passage, in passage order, each copy
 * preceded by an equal share of the general text. The hash-table mask depends only on the ids, so
 * every copy of a passage loses the same positions, as the paper's strategy intends.
 */
export function trainingStream(passages: readonly Int32Array[], repeats: number, general: Int32Array): Int32Array {
  const copies = passages.length * repeats;
  const share = Math.floor(general.length / copies);
  const parts: Int32Array[] = [];
  for (let r = 0; r < repeats; r++) {
    passages.forEach((p, i) => {
      const k = r * passages.length + i;
      parts.push(general.subarray(k * share, (k + 1) * share), p);
    });
  }
  const out = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Trains the standard and the Goldfish model on the same passages and probes both. */
export async function runGoldfish(ctx: ExperimentContext, setup: GoldfishSetup): Promise<GoldfishOutcome> {
  const corpus = prepareTokens({ corpus: 'moby-dick', tokenizer: 'byte', valFraction: 0.1, cacheDir: `${ctx.run.store.workspace}/cache/tokens` });
  // Passages from the head of the training split, general text from its tail: disjoint.
  const general = corpus.train.subarray(corpus.train.length - setup.generalTokens);
  const passages = sampleWindows(corpus.train.subarray(0, corpus.train.length - setup.generalTokens), setup.passages, setup.contextLength, ctx.seed);
  const stream = trainingStream(passages, setup.repeats, general);
  const data: TrainData = { train: stream, val: corpus.val, vocabSize: corpus.vocabSize, source: `${setup.passages} moby-dick passages ×${setup.repeats} + ${setup.generalTokens} general tokens (byte)` };
  const cases: GoldfishCase[] = [];
  let standardModel: Transformer | null = null;
  for (const loss of ['standard', 'goldfish'] as const) {
    const config = parseConfig(trainConfigSchema, {
      name: `goldfish: ${loss} loss`,
      seed: ctx.seed,
      model: { layers: setup.layers, dim: setup.dim, heads: setup.heads, contextLength: setup.contextLength },
      batch: { size: setup.batch },
      budget: { steps: setup.steps },
      // No weight decay: the point is how much the loss lets the model memorize.
      optim: { name: 'adamw', lr: setup.lr, weightDecay: 0 },
      schedule: { kind: 'cosine', warmup: Math.max(1, Math.round(setup.steps / 50)), minLr: setup.lr / 10 },
      eval: { every: setup.steps, batches: setup.evalBatches },
      checkpoint: { every: 0, keep: 1 },
      goldfish: loss === 'goldfish' ? { ...PAPER_GOLDFISH, seed: GOLDFISH_DEFAULTS.seed } : { strategy: 'off' },
    }, 'goldfish experiment');
    const progress = ctx.progress(`goldfish: ${loss} loss`, setup.steps, 'steps');
    let trainLoss = Number.NaN;
    const result = await train({
      config, data, store: ctx.run.store, progress: false, handleSignals: false,
      onStep: (_, m) => { trainLoss = m.loss!; progress.tick(1, { loss: m.loss! }); },
    });
    progress.done();
    // Probe the saved checkpoint, as `fathom memorization` would.
    const saved = loadWeights(result.checkpoint, 'raw');
    const model = new Transformer(saved.model);
    model.loadStateDict(saved.weights.tensors);
    model.eval();
    const probe = probeMemorization(model, passages, { suffix: setup.suffix });
    if (loss === 'standard') standardModel = model;
    cases.push({ loss, runId: result.runId, trainLoss, valLoss: result.finalVal.val_loss!, probe, seconds: result.elapsed });
  }
  const heldOut = probeMemorization(standardModel!, sampleWindows(corpus.val, setup.passages, setup.contextLength, ctx.seed), { suffix: setup.suffix });
  return { setup, cases, heldOut, streamTokens: stream.length };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

registerExperiment({
  id: 'goldfish',
  system: 'Memorization (Goldfish loss)',
  paper: '08-axonn.md',
  title: 'Goldfish loss vs standard loss: verbatim extraction of repeated passages, and the validation-loss cost',
  budgets: {
    quick: '12 moby-dick passages of 128 bytes ×16 among 8 KB of other text, 2-layer d=64 GPT, 1,000 steps each with standard and Goldfish (k=4, h=13) loss; 50-byte suffix extraction',
    full: '16 passages of 256 bytes ×16 among 32 KB of other text, 4-layer d=128 GPT, 2,000 steps each',
  },
  run: (ctx) => goldfishExperiment(ctx, GOLDFISH_BUDGETS[ctx.budget]),
});

/** The experiment's report for one setup: runs both trainings, probes, and builds tables, plot and comparisons. */
export async function goldfishExperiment(ctx: ExperimentContext, setup: GoldfishSetup): Promise<ExperimentResult> {
  const out = await runGoldfish(ctx, setup);
  const [standard, goldfish] = out.cases as [GoldfishCase, GoldfishCase];
  const s = out.setup;
  ctx.run.log(s.steps, {
    exact_match_standard: standard.probe.exactMatchRate, exact_match_goldfish: goldfish.probe.exactMatchRate,
    rouge_l_standard: standard.probe.meanRougeL, rouge_l_goldfish: goldfish.probe.meanRougeL,
    val_loss_standard: standard.valLoss, val_loss_goldfish: goldfish.valLoss, exact_match_held_out: out.heldOut.exactMatchRate,
  });
  const rows: Row[] = [
    ...out.cases.map((c) => ({
      loss: c.loss, probed: 'training passages', exactMatch: c.probe.exactMatchRate, rougeL: c.probe.meanRougeL,
      matchedFraction: c.probe.meanMatchedFraction, trainLoss: c.trainLoss, valLoss: c.valLoss, run: c.runId,
    })),
    { loss: 'standard', probed: 'held-out windows', exactMatch: out.heldOut.exactMatchRate, rougeL: out.heldOut.meanRougeL, matchedFraction: out.heldOut.meanMatchedFraction, trainLoss: null, valLoss: null, run: standard.runId },
  ];
  const perPassage: Row[] = standard.probe.sequences.map((e, i) => {
    const g = goldfish.probe.sequences[i]!;
    return { passage: i, standardExact: e.exactMatch, standardRougeL: e.rougeL, standardMatched: e.matchedPrefix, goldfishExact: g.exactMatch, goldfishRougeL: g.rougeL, goldfishMatched: g.matchedPrefix };
  });
  const valCost = goldfish.valLoss - standard.valLoss;
  const comparisons: Comparison[] = [
    { metric: `exact-match extraction of ${s.suffix}-token suffixes, standard loss`, ours: pct(standard.probe.exactMatchRate), paper: 'high: repeated passages are reproduced verbatim', note: `run ${standard.runId}` },
    { metric: `exact-match extraction of ${s.suffix}-token suffixes, Goldfish loss (k=4, h=13)`, ours: pct(goldfish.probe.exactMatchRate), paper: '≈ 0% (no exact matches)', note: `run ${goldfish.runId}` },
    { metric: 'mean ROUGE-L, standard / Goldfish', ours: `${standard.probe.meanRougeL.toFixed(3)} / ${goldfish.probe.meanRougeL.toFixed(3)}`, paper: 'Goldfish close to the level of text never trained on', note: `held-out windows: ${out.heldOut.meanRougeL.toFixed(3)}` },
    { metric: 'held-out val loss, standard / Goldfish (nats/byte)', ours: `${standard.valLoss.toFixed(3)} / ${goldfish.valLoss.toFixed(3)} (${valCost >= 0 ? '+' : ''}${valCost.toFixed(3)})`, paper: 'a small cost (Goldfish trains on 1/k fewer tokens)' },
  ];
  return {
    summary: `A byte-level GPT (${s.layers} layers, d=${s.dim}, context ${s.contextLength}) was trained for ${s.steps} AdamW steps of ${s.batch} windows on a stream of ${s.passages} moby-dick passages of ${s.contextLength} bytes, each repeated ${s.repeats} times among ${s.generalTokens} bytes of other moby-dick text (${out.streamTokens} tokens, ≈${Math.round((s.steps * s.batch * s.contextLength) / out.streamTokens)} epochs, so each passage is seen ≈${Math.round((s.steps * s.batch * s.contextLength * s.repeats) / out.streamTokens)} times), once with the standard loss and once with the Goldfish loss (hash-table, k=4, h=13, table of ${GOLDFISH_DEFAULTS.tableSize.toLocaleString('en-US')}), with the same seed and batches. Each passage was then prompted with its first ${s.contextLength - s.suffix} bytes and greedily decoded for ${s.suffix}. Standard loss: ${pct(standard.probe.exactMatchRate)} exact matches, mean ROUGE-L ${standard.probe.meanRougeL.toFixed(3)}; Goldfish: ${pct(goldfish.probe.exactMatchRate)}, ${goldfish.probe.meanRougeL.toFixed(3)}; held-out windows (never trained on): ${pct(out.heldOut.exactMatchRate)}, ${out.heldOut.meanRougeL.toFixed(3)}. Validation loss on held-out moby-dick text: ${standard.valLoss.toFixed(3)} (standard) vs ${goldfish.valLoss.toFixed(3)} (Goldfish), ${valCost >= 0 ? `a cost of ${valCost.toFixed(3)} nats/byte for Goldfish` : `Goldfish ${(-valCost).toFixed(3)} nats/byte lower: at this scale the dropped tokens mostly reduce overfitting to the repeated passages, and no cost shows`}; with so little general text both models are far from a well-trained byte model, so this is the cost at this scale, not the paper's (${(standard.seconds + goldfish.seconds).toFixed(0)} s of training).`,
    tables: [
      { caption: `Extraction of the ${s.suffix}-byte suffixes of the training passages (and of held-out windows), and the losses`, rows },
      { caption: 'Per passage: exact match, ROUGE-L and suffix tokens matched before the first error', rows: perPassage },
    ],
    plots: [barPlot({
      title: 'Verbatim extraction: standard vs Goldfish loss', yLabel: 'rate / score',
      categories: ['exact match', 'mean ROUGE-L', 'matched fraction'],
      series: [
        { name: 'standard loss', values: [standard.probe.exactMatchRate, standard.probe.meanRougeL, standard.probe.meanMatchedFraction] },
        { name: 'Goldfish loss (k=4, h=13)', values: [goldfish.probe.exactMatchRate, goldfish.probe.meanRougeL, goldfish.probe.meanMatchedFraction] },
        { name: 'held-out windows', values: [out.heldOut.exactMatchRate, out.heldOut.meanRougeL, out.heldOut.meanMatchedFraction] },
      ],
      caption: `Extraction of ${s.suffix}-byte suffixes of the ${s.passages} training passages after ${s.steps} steps, and of held-out windows as the no-memorization floor.`,
    })],
    comparisons,
  };
}
