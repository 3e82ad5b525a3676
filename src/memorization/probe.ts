// The memorization probe (shared/papers/08-axonn.md; Carlini et al. 2021's extraction test as
// used by the Goldfish-loss paper): prompt the model with a training sequence minus its last n
// tokens, greedy-decode n tokens, and compare them with the true suffix by exact match and
// ROUGE-L. Greedy decoding is the paper's choice: a memorized suffix is the model's most likely
// continuation, so sampling would only add noise to the measurement.
import { FathomError } from '../errors.js';
import { generate } from '../models/generate/index.js';
import type { Transformer } from '../models/index.js';
import { Rng } from '../tensor/index.js';
import { exactMatch, matchedPrefix, rougeL } from './metrics.js';

export const PROBE_DEFAULTS = {
  /** Tokens decoded and compared (the paper: 50). */
  suffix: 50,
} as const;

export interface ProbeOptions {
  /** Tokens at the end of each sequence to extract (default 50). */
  suffix?: number;
  /**
   * Tokens of prompt: the P tokens just before the suffix. Default: every token before the
   * suffix that fits in the model's context with the suffix (contextLength − suffix).
   */
  prefixTokens?: number;
  /** Sequences decoded together per batch (default 16). */
  batch?: number;
  /** Called after each batch with the number of sequences done. */
  onProgress?: (done: number) => void;
}

export interface SequenceExtraction {
  /** Index of the sequence in the input list. */
  index: number;
  prompt: number[];
  /** The true suffix. */
  reference: number[];
  /** The greedy continuation. */
  generated: number[];
  exactMatch: boolean;
  rougeL: number;
  /** Leading suffix tokens reproduced before the first mismatch. */
  matchedPrefix: number;
}

export interface ProbeResult {
  suffix: number;
  prefixTokens: number;
  sequences: SequenceExtraction[];
  /** Fraction of sequences whose whole suffix was reproduced. */
  exactMatchRate: number;
  /** Mean ROUGE-L F1 over sequences. */
  meanRougeL: number;
  /** Mean fraction of the suffix reproduced before the first mismatch. */
  meanMatchedFraction: number;
}

function wholeNumber(field: string, value: number, min: number, example: string): number {
  if (!Number.isSafeInteger(value) || value < min) throw new FathomError(`memorization: ${field} must be a whole number ≥ ${min}, got ${value}`, `pass e.g. ${field} ${example}`);
  return value;
}

/** Resolves the prompt length for sequences of at most `shortest` tokens and a model context `ctx`. */
export function resolvePrefix(shortest: number, ctx: number, options: ProbeOptions = {}): { suffix: number; prefixTokens: number } {
  const suffix = wholeNumber('suffix', options.suffix ?? PROBE_DEFAULTS.suffix, 1, '50');
  if (shortest < suffix + 1) {
    throw new FathomError(`memorization: a sequence has ${shortest} tokens, fewer than the suffix (${suffix}) plus one prompt token`, `use sequences of at least ${suffix + 1} tokens, or a shorter --suffix`);
  }
  if (suffix >= ctx) {
    throw new FathomError(`memorization: the suffix (${suffix} tokens) leaves no room for a prompt in the model's context of ${ctx}`, `pass a suffix under ${ctx}, e.g. --suffix ${Math.max(1, Math.floor(ctx / 2))}`);
  }
  const prefixTokens = options.prefixTokens === undefined
    ? Math.min(shortest - suffix, ctx - suffix)
    : wholeNumber('prefixTokens', options.prefixTokens, 1, String(ctx - suffix));
  if (prefixTokens + suffix > ctx) {
    throw new FathomError(`memorization: prompt (${prefixTokens}) plus suffix (${suffix}) is ${prefixTokens + suffix} tokens, more than the model's context of ${ctx}`, `pass --prefix-tokens ${ctx - suffix} or less`);
  }
  if (prefixTokens + suffix > shortest) {
    throw new FathomError(`memorization: prompt (${prefixTokens}) plus suffix (${suffix}) is longer than the shortest sequence (${shortest} tokens)`, `pass --prefix-tokens ${shortest - suffix} or less`);
  }
  return { suffix, prefixTokens };
}

/** Extraction of the last `suffix` tokens of every sequence, prompted with the `prefixTokens` before them. */
export function probeMemorization(model: Transformer, sequences: readonly ArrayLike<number>[], options: ProbeOptions = {}): ProbeResult {
  if (sequences.length === 0) throw new FathomError('memorization: no sequences to probe', 'pass at least one token sequence');
  const shortest = Math.min(...sequences.map((s) => s.length));
  const { suffix, prefixTokens } = resolvePrefix(shortest, model.config.contextLength, options);
  const batch = wholeNumber('batch', options.batch ?? 16, 1, '16');
  const out: SequenceExtraction[] = [];
  for (let start = 0; start < sequences.length; start += batch) {
    const group = sequences.slice(start, start + batch);
    const prompts = group.map((s) => Int32Array.from(Array.prototype.slice.call(s, s.length - suffix - prefixTokens, s.length - suffix) as number[]));
    const gens = generate(model, prompts, { maxTokens: suffix, temperature: 0 });
    group.forEach((s, j) => {
      const reference = Array.prototype.slice.call(s, s.length - suffix) as number[];
      const generated = gens[j]!.tokens;
      out.push({
        index: start + j, prompt: [...prompts[j]!], reference, generated,
        exactMatch: exactMatch(generated, reference), rougeL: rougeL(generated, reference).f1, matchedPrefix: matchedPrefix(generated, reference),
      });
    });
    options.onProgress?.(out.length);
  }
  const mean = (f: (e: SequenceExtraction) => number): number => out.reduce((a, e) => a + f(e), 0) / out.length;
  return {
    suffix, prefixTokens, sequences: out,
    exactMatchRate: mean((e) => (e.exactMatch ? 1 : 0)), meanRougeL: mean((e) => e.rougeL), meanMatchedFraction: mean((e) => e.matchedPrefix / suffix),
  };
}

/**
 * `count` non-overlapping windows of `length` tokens from a token stream: the stream is cut into
 * aligned slots of `length`, and a seeded shuffle picks which. Fewer slots than `count` is an error.
 */
export function sampleWindows(tokens: Int32Array, count: number, length: number, seed: number): Int32Array[] {
  wholeNumber('sequences', count, 1, '32');
  wholeNumber('window length', length, 2, '128');
  const slots = Math.floor(tokens.length / length);
  if (slots < count) {
    throw new FathomError(`memorization: the data has ${tokens.length} tokens, room for ${slots} windows of ${length}, but ${count} were asked for`, `pass --sequences ${Math.max(1, slots)} or less, or more data`);
  }
  const order = Array.from({ length: slots }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = slots - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, count).sort((a, b) => a - b).map((slot) => tokens.slice(slot * length, (slot + 1) * length));
}
