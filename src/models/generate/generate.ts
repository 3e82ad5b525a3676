// Autoregressive generation with the model's KV cache: one forward over the prompt (prefill),
// then one position per step, each step reusing the keys and values of every earlier position.
// Prompts of equal length decode together as one batch [B, T]; prompts of different lengths
// decode as separate groups (the cached attention path has no padding mask, and left padding
// without one would let real tokens attend to pads). Each sequence has its own random stream
// (the seed derived with the sequence's index), so a prompt's output does not depend on what it
// was batched with.
import { FathomError } from '../../errors.js';
import { indices, noGrad, Rng } from '../../tensor/index.js';
import type { KVCache, Transformer } from '../transformer.js';
import { chooseToken, logSoftmax, resolveSampling, topEntries } from './sampling.js';
import type { ResolvedSampling, SamplingOptions } from './sampling.js';
import { StopText } from './stop.js';

export interface GenerateOptions extends SamplingOptions {
  /** Tokens to generate at most per sequence (default 64). */
  maxTokens?: number;
  /** Seed of the sampling streams (default 0); sequence i draws from Rng(seed).derive(i). */
  seed?: number;
  /** Finish when the generated text contains one of these (the stop string is not returned). Needs `decode`. */
  stop?: readonly string[];
  /** Finish when one of these ids is generated (e.g. the end-of-text id; it is not returned). */
  stopTokens?: readonly number[];
  /** Alternatives to report per token with their log-probabilities (default: none; 0 = the chosen token's only). */
  logprobs?: number;
  /** ids → text, for stop strings and text deltas (a tokenizer's decode). */
  decode?: (ids: ArrayLike<number>) => string;
  /** Called for every generated token, in order, as soon as it is chosen. */
  onToken?: (event: TokenEvent) => void;
}

export interface TopLogprob {
  token: number;
  logprob: number;
}

export interface TokenEvent {
  /** Index of the sequence (the prompt's position in the input list). */
  sequence: number;
  token: number;
  /** New text that is final (held back while it could still become a stop string or an incomplete character). */
  text: string;
  /** log p(token) under the model (present when `logprobs` is set). */
  logprob?: number;
  /** The most likely alternatives at this position (present when `logprobs` > 0). */
  top?: TopLogprob[];
}

export type FinishReason = 'length' | 'stop';

export interface Generation {
  prompt: Int32Array;
  /** Generated ids (without a stop token). */
  tokens: number[];
  /** Decoded text up to (not including) a stop string; '' without `decode`. */
  text: string;
  finishReason: FinishReason;
  /** Per generated token, when `logprobs` is set. */
  logprobs: Array<{ token: number; logprob: number; top: TopLogprob[] }> | null;
}

interface Sequence {
  index: number;
  context: number[];
  generated: number[];
  rng: Rng;
  stopText: StopText | null;
  done: FinishReason | null;
  logprobs: Generation['logprobs'];
}

/**
 * A group of equal-length prompts decoding together. `step()` runs one forward (the prefill on
 * the first call) and picks one token per live sequence; it returns false once all are done.
 */
export class DecodeSession {
  private readonly cache: KVCache;
  private readonly sampling: ResolvedSampling;
  private readonly sequences: Sequence[];
  private readonly maxTokens: number;
  private readonly stopTokens: Set<number>;
  private prefilled = false;

  constructor(private readonly model: Transformer, prompts: readonly Int32Array[], private readonly options: GenerateOptions = {}, sequenceIndices?: readonly number[]) {
    const T = prompts[0]?.length ?? 0;
    if (prompts.length === 0) throw new FathomError('generate: no prompts', 'pass at least one prompt');
    if (prompts.some((p) => p.length !== T)) throw new FathomError('generate: a DecodeSession needs prompts of equal length', 'use generate(), which groups prompts by length');
    if (T === 0) throw new FathomError('generate: a prompt is empty', 'start the prompt with at least one token (e.g. a BOS or separator token)');
    const ctx = model.config.contextLength;
    if (T >= ctx) throw new FathomError(`generate: the prompt has ${T} tokens but the model's context is ${ctx}, leaving no room to generate`, `shorten the prompt to under ${ctx} tokens`);
    for (const p of prompts) {
      for (const id of p) if (!Number.isInteger(id) || id < 0 || id >= model.config.vocabSize) throw new FathomError(`generate: token id ${id} is outside the vocabulary (0..${model.config.vocabSize - 1})`, 'encode the prompt with the model\'s tokenizer');
    }
    this.sampling = resolveSampling(options);
    this.maxTokens = options.maxTokens ?? 64;
    if (!Number.isInteger(this.maxTokens) || this.maxTokens < 0) throw new FathomError(`generate: maxTokens ${this.maxTokens} is not a whole number ≥ 0`, 'pass e.g. maxTokens: 64');
    if (options.logprobs !== undefined && (!Number.isInteger(options.logprobs) || options.logprobs < 0)) throw new FathomError(`generate: logprobs ${options.logprobs} is not a whole number ≥ 0`, 'pass the number of alternatives, e.g. 5');
    if (options.stop?.length && !options.decode) throw new FathomError('generate: stop strings need a decode function', 'pass decode: tokenizer.decode');
    this.stopTokens = new Set(options.stopTokens ?? []);
    const root = new Rng(options.seed ?? 0);
    this.sequences = prompts.map((p, i) => ({
      index: sequenceIndices?.[i] ?? i,
      context: [...p],
      generated: [],
      rng: root.derive(sequenceIndices?.[i] ?? i),
      stopText: options.decode ? new StopText(options.decode, options.stop ?? []) : null,
      done: this.maxTokens === 0 ? 'length' : null,
      logprobs: options.logprobs !== undefined ? [] : null,
    }));
    this.cache = model.createCache();
  }

  get finished(): boolean {
    return this.sequences.every((s) => s.done !== null);
  }

  step(): boolean {
    if (this.finished) return false;
    const B = this.sequences.length;
    const input = this.prefilled
      ? indices(this.sequences.map((s) => [s.context[s.context.length - 1]!]))
      : indices(this.sequences.map((s) => s.context));
    this.prefilled = true;
    const logits = noGrad(() => this.model.forward(input, { cache: this.cache }).logits); // [B, T, V]
    const [, T, V] = logits.shape as [number, number, number];
    for (let b = 0; b < B; b++) {
      const s = this.sequences[b]!;
      if (s.done) continue;
      const row = logits.data.subarray(((b * T) + T - 1) * V, (b * T + T) * V); // [V], the last position
      const token = chooseToken(row, s.context, this.sampling, s.rng);
      const event: TokenEvent = { sequence: s.index, token, text: '' };
      if (s.logprobs) {
        const lp = logSoftmax(row);
        const top = topEntries(lp, this.options.logprobs!).map(([id, v]) => ({ token: id, logprob: v }));
        event.logprob = lp[token]!;
        if (this.options.logprobs! > 0) event.top = top;
        if (!this.stopTokens.has(token)) s.logprobs.push({ token, logprob: lp[token]!, top });
      }
      if (this.stopTokens.has(token)) {
        s.done = 'stop';
        if (s.stopText) event.text = s.stopText.flush();
        this.options.onToken?.({ ...event, text: event.text });
        continue;
      }
      s.context.push(token);
      s.generated.push(token);
      if (s.stopText) {
        const { text, stopped } = s.stopText.push(s.generated);
        event.text = text;
        if (stopped) s.done = 'stop';
      }
      if (!s.done && (s.generated.length >= this.maxTokens || s.context.length >= this.model.config.contextLength)) {
        s.done = 'length';
        if (s.stopText) event.text += s.stopText.flush();
      }
      this.options.onToken?.(event);
    }
    return !this.finished;
  }

  results(): Generation[] {
    return this.sequences.map((s) => ({
      prompt: Int32Array.from(s.context.slice(0, s.context.length - s.generated.length)),
      tokens: s.stopText?.tokensKept(s.generated) ?? s.generated,
      text: s.stopText?.text ?? '',
      finishReason: s.done ?? 'length',
      logprobs: s.logprobs ? s.logprobs.slice(0, (s.stopText?.tokensKept(s.generated) ?? s.generated).length) : null,
    }));
  }
}

/** Generates a continuation of every prompt; results are in prompt order. */
export function generate(model: Transformer, prompts: readonly Int32Array[], options: GenerateOptions = {}): Generation[] {
  const wasTraining = model.training;
  model.eval();
  try {
    const groups = new Map<number, number[]>(); // prompt length → prompt indices
    prompts.forEach((p, i) => groups.set(p.length, [...(groups.get(p.length) ?? []), i]));
    const out = new Array<Generation>(prompts.length);
    for (const members of groups.values()) {
      const session = new DecodeSession(model, members.map((i) => prompts[i]!), options, members);
      while (session.step()) { /* one token per live sequence */ }
      session.results().forEach((r, j) => { out[members[j]!] = r; });
    }
    return out;
  } finally {
    model.train(wasTraining);
  }
}
