// The trained choices-only probe (answer-matching paper, arXiv:2507.02856, §2: a classifier that
// sees only the options, trained on one half of an MCQ set and tested on the other, beats chance
// on many benchmarks). The paper fine-tunes DeBERTa / Qwen3-4B; this is a small linear scorer
// trained with fathom's own engine: each option becomes hashed word and character-trigram counts
// plus its length relative to its siblings, a Linear layer gives it a score, a softmax over the
// item's options is trained with cross-entropy and AdamW. Accuracy on the held-out half is
// reported beside chance (the mean of 1/options) with a bootstrap CI over test items: a CI above
// chance means the options alone give the answer away.
import { Linear } from '../nn/index.js';
import { AdamW } from '../optim/index.js';
import { Rng, add, crossEntropy, indices, noGrad, reshape, tensor } from '../tensor/index.js';
import { UsageError } from '../errors.js';
import { bootstrap, hashString, rng, shuffled, type Interval } from './stats.js';
import type { Sample } from './types.js';

export interface ProbeOptions {
  /** Hash buckets for words and character trigrams (default 2,048). */
  buckets: number;
  /** Full-batch AdamW steps (default 200). */
  steps: number;
  lr: number;
  weightDecay: number;
  /** Seed of the split, the initialisation and the bootstrap. */
  seed: number;
}

export const PROBE_DEFAULTS: ProbeOptions = { buckets: 2048, steps: 200, lr: 0.05, weightDecay: 0.01, seed: 0 };

export interface ProbeResult {
  items: number;
  train: number;
  test: number;
  /** Held-out accuracy of the probe, its 95% bootstrap CI, and chance (mean 1/options over test items). */
  accuracy: number;
  ci: Interval | null;
  chance: number;
  /** Accuracy on the training half (how well the features fit at all). */
  trainAccuracy: number;
  /** The CI's lower bound is above chance. */
  aboveChance: boolean;
  steps: number;
  buckets: number;
  finalLoss: number;
}

const DENSE = 3; // relative length, is longest, is shortest

/** Features of one option among its siblings: hashed words and char trigrams (log counts), then dense length features. */
export function optionFeatures(option: string, siblings: readonly string[], buckets: number, out: Float32Array, at: number): void {
  const text = option.toLowerCase();
  const bump = (key: string): void => {
    const j = at + (hashString(key) % buckets);
    out[j] = out[j]! + 1;
  };
  for (const w of text.split(/[^\p{L}\p{N}]+/u)) if (w) bump(`w:${w}`);
  const padded = ` ${text} `;
  for (let i = 0; i + 3 <= padded.length; i++) bump(`c:${padded.slice(i, i + 3)}`);
  for (let j = at; j < at + buckets; j++) if (out[j]! > 0) out[j] = Math.log1p(out[j]!);
  const lengths = siblings.map((s) => s.length);
  const max = Math.max(...lengths), min = Math.min(...lengths);
  out[at + buckets] = max > 0 ? option.length / max : 0;
  out[at + buckets + 1] = option.length === max && min !== max ? 1 : 0;
  out[at + buckets + 2] = option.length === min && min !== max ? 1 : 0;
}

interface Batch {
  x: Float32Array; // [B·K, F]
  mask: Float32Array; // [B, K]: 0 for a real option, -1e9 for padding
  targets: Int32Array; // [B]
  counts: number[];
}

function batchOf(samples: readonly Sample[], K: number, buckets: number): Batch {
  const F = buckets + DENSE;
  const x = new Float32Array(samples.length * K * F);
  const mask = new Float32Array(samples.length * K).fill(-1e9);
  const targets = new Int32Array(samples.length);
  samples.forEach((s, b) => {
    const options = s.options!;
    options.forEach((o, k) => {
      optionFeatures(o, options, buckets, x, (b * K + k) * F);
      mask[b * K + k] = 0;
    });
    targets[b] = s.answerIndex!;
  });
  return { x, mask, targets, counts: samples.map((s) => s.options!.length) };
}

/** Trains the probe on one half (seeded split) and tests it on the other. */
export function trainChoicesOnlyProbe(samples: readonly Sample[], options: Partial<ProbeOptions> = {}): ProbeResult {
  const o = { ...PROBE_DEFAULTS, ...options };
  const usable = samples.filter((s) => s.options && s.options.length >= 2 && s.answerIndex !== undefined);
  if (usable.length < 4) {
    throw new UsageError(`eval probe: ${usable.length} items have options and a correct answer; the probe needs at least 4 (half to train, half to test)`, 'give an MCQ file with options and answer fields (e.g. --convention mmlu-pro), or map them with --set dataset.fields.options=...');
  }
  const order = shuffled(usable, rng(o.seed));
  const half = Math.floor(order.length / 2);
  const trainSet = order.slice(0, half), testSet = order.slice(half);
  const K = Math.max(...usable.map((s) => s.options!.length));
  const F = o.buckets + DENSE;
  const train = batchOf(trainSet, K, o.buckets);
  const test = batchOf(testSet, K, o.buckets);

  const scorer = new Linear(F, 1, { std: 0.01, rng: new Rng(o.seed) });
  const optimizer = new AdamW(scorer.namedParameters(), { lr: o.lr, weightDecay: o.weightDecay });
  const xTrain = tensor(train.x, [trainSet.length * K, F]); // [B·K, F]
  const maskTrain = tensor(train.mask, [trainSet.length, K]); // [B, K]
  const targets = indices(train.targets, [trainSet.length]); // [B]
  let finalLoss = NaN;
  for (let step = 0; step < o.steps; step++) {
    optimizer.zeroGrad();
    const logits = add(reshape(scorer.forward(xTrain), [trainSet.length, K]), maskTrain); // [B·K, 1] → [B, K]
    const loss = crossEntropy(logits, targets); // []
    loss.backward();
    optimizer.step();
    finalLoss = loss.item();
  }

  const correctOf = (batch: Batch, n: number): Uint8Array => noGrad(() => {
    const logits = add(reshape(scorer.forward(tensor(batch.x, [n * K, F])), [n, K]), tensor(batch.mask, [n, K])).toArray(); // [B, K]
    const right = new Uint8Array(n);
    for (let b = 0; b < n; b++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (logits[b * K + k]! > logits[b * K + best]!) best = k;
      right[b] = best === batch.targets[b] ? 1 : 0;
    }
    return right;
  });
  const testRight = correctOf(test, testSet.length);
  const trainRight = correctOf(train, trainSet.length);
  const mean = (xs: Uint8Array | number[], idx?: Uint32Array): number => {
    if (!idx) return Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
    let s = 0;
    for (const i of idx) s += xs[i]!;
    return s / idx.length;
  };
  const accuracy = mean(testRight);
  const chance = mean(test.counts.map((c) => 1 / c));
  const ci = bootstrap(testSet.length, (idx) => mean(testRight, idx), { seed: o.seed });
  return {
    items: usable.length, train: trainSet.length, test: testSet.length,
    accuracy, ci, chance, trainAccuracy: mean(trainRight),
    aboveChance: ci !== null && ci.low > chance,
    steps: o.steps, buckets: o.buckets, finalLoss,
  };
}
