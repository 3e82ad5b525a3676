// Next-token choice from one row of logits, in the order Hugging Face's generate applies its
// logits processors: repetition penalty (Keskar et al. 2019, CTRL: positive logits of seen tokens
// divided by the penalty, negative ones multiplied), temperature, top-k, top-p (nucleus; Holtzman
// et al. 2020), then a draw from the renormalised softmax. Temperature 0 is greedy (argmax, ties to
// the lowest id). Log-probabilities reported to callers are those of the model's own distribution
// (log-softmax of the raw logits), as vLLM and llama.cpp report them, not of the processed one.
import { FathomError } from '../../errors.js';
import type { Rng } from '../../tensor/index.js';

export interface SamplingOptions {
  /** Softmax temperature; 0 is greedy decoding (default 1). */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 keeps all (default 0). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p; 1 keeps all (default 1). */
  topP?: number;
  /** CTRL repetition penalty on tokens already in the context; 1 is none (default 1). */
  repetitionPenalty?: number;
}

export type ResolvedSampling = Required<SamplingOptions>;

export function resolveSampling(o: SamplingOptions = {}): ResolvedSampling {
  const r = { temperature: o.temperature ?? 1, topK: o.topK ?? 0, topP: o.topP ?? 1, repetitionPenalty: o.repetitionPenalty ?? 1 };
  if (!(r.temperature >= 0) || !Number.isFinite(r.temperature)) throw new FathomError(`sampling: temperature ${r.temperature} is not a finite number ≥ 0`, 'pass 0 for greedy decoding or e.g. 0.8');
  if (!Number.isInteger(r.topK) || r.topK < 0) throw new FathomError(`sampling: topK ${r.topK} is not a whole number ≥ 0`, 'pass 0 to keep every token, or e.g. 40');
  if (!(r.topP > 0 && r.topP <= 1)) throw new FathomError(`sampling: topP ${r.topP} is not in (0, 1]`, 'pass 1 to keep every token, or e.g. 0.9');
  if (!(r.repetitionPenalty > 0) || !Number.isFinite(r.repetitionPenalty)) throw new FathomError(`sampling: repetitionPenalty ${r.repetitionPenalty} is not a finite number > 0`, 'pass 1 for none, or e.g. 1.1');
  return r;
}

/** log-softmax of a row, in float64. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - lse;
  return out;
}

/** The k largest entries of a row as [id, value] pairs, descending (ties to the lower id). */
export function topEntries(values: ArrayLike<number>, k: number): Array<[number, number]> {
  const best: Array<[number, number]> = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (best.length === k && !(v > best[k - 1]![1])) continue;
    let j = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push([i, v]);
    while (j > 0 && best[j - 1]![1] < v) {
      best[j] = best[j - 1]!;
      j--;
    }
    best[j] = [i, v];
  }
  return best;
}

/** Chooses the next token from `logits` [V] given the ids already in the context. */
export function chooseToken(logits: ArrayLike<number>, context: ArrayLike<number>, o: ResolvedSampling, rng: Rng): number {
  const V = logits.length;
  const x = Float64Array.from(logits);
  if (o.repetitionPenalty !== 1) {
    const seen = new Set<number>();
    for (let i = 0; i < context.length; i++) seen.add(context[i]!);
    for (const id of seen) if (id >= 0 && id < V) x[id] = x[id]! > 0 ? x[id]! / o.repetitionPenalty : x[id]! * o.repetitionPenalty;
  }
  if (o.temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (x[i]! > x[best]!) best = i;
    return best;
  }
  for (let i = 0; i < V; i++) x[i] = x[i]! / o.temperature;
  // Candidates sorted by logit (descending): top-k cuts the list, top-p cuts it where the
  // cumulative probability first reaches p (the token that crosses p is kept, as in HF).
  let order: number[];
  if (o.topK > 0 && o.topK < V) order = topEntries(x, o.topK).map(([i]) => i);
  else order = Array.from({ length: V }, (_, i) => i).sort((a, b) => x[b]! - x[a]! || a - b);
  const max = x[order[0]!]!;
  const p = order.map((i) => Math.exp(x[i]! - max));
  let total = p.reduce((a, b) => a + b, 0);
  if (o.topP < 1) {
    let cum = 0;
    let keep = 0;
    while (keep < p.length) {
      cum += p[keep]! / total;
      keep++;
      if (cum >= o.topP) break;
    }
    p.length = keep;
    order.length = keep;
    total = p.reduce((a, b) => a + b, 0);
  }
  let u = rng.next() * total;
  for (let j = 0; j < p.length; j++) {
    u -= p[j]!;
    if (u < 0) return order[j]!;
  }
  return order[p.length - 1]!;
}
