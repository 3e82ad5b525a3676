// Byte-level BPE training (Sennrich et al. 2016, GPT-2's byte-level variant, as Hugging Face's
// BpeTrainer): words come from GPT-2's pre-tokenization regex, the alphabet is the 256 bytes
// (id = byte value), and each step merges the most frequent adjacent pair. Ties are broken by the
// smaller (left id, right id), so training is a deterministic function of the text. Pair counts
// are updated incrementally, touching only the words that contain the merged pair.
import { BYTE_TO_CHAR, utf8 } from './bytes.js';
import { DataError } from './errors.js';
import { HfTokenizer } from './hf-tokenizer.js';
import { escapeRegExp, GPT2_PATTERN, compilePattern, splitText } from './pretokenize.js';

export interface TrainBpeOptions {
  /** Total vocabulary: 256 bytes + merges + special tokens. */
  vocabSize: number;
  /** Special tokens appended after the merges (never split, never merged). Default ['<|endoftext|>']. */
  specialTokens?: readonly string[];
  /** Pairs seen fewer times than this are not merged. Default 2. */
  minFrequency?: number;
  /** Called after each merge with (merges done, merges wanted). */
  onProgress?: (done: number, total: number) => void;
}

const ID_LIMIT = 4_194_304;

/** A max-heap of pair keys by count, then by smaller key (= smaller left id, then right id). */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];
  get size(): number { return this.keys.length; }
  private before(i: number, j: number): boolean {
    const ci = this.counts[i]!, cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }
  private swap(i: number, j: number): void {
    const c = this.counts[i]!; this.counts[i] = this.counts[j]!; this.counts[j] = c;
    const k = this.keys[i]!; this.keys[i] = this.keys[j]!; this.keys[j] = k;
  }
  push(count: number, key: number): void {
    this.counts.push(count); this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) { const p = (i - 1) >> 1; if (!this.before(i, p)) break; this.swap(i, p); i = p; }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0]!, this.keys[0]!];
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.counts.pop(); this.keys.pop();
    for (let i = 0; ;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < last && this.before(l, m)) m = l;
      if (r < last && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m); i = m;
    }
    return top;
  }
}

/** Trains a byte-level BPE tokenizer on `text`. */
export function trainBpe(text: string, opts: TrainBpeOptions): HfTokenizer {
  const specials = [...(opts.specialTokens ?? ['<|endoftext|>'])];
  const minFrequency = opts.minFrequency ?? 2;
  if (typeof text !== 'string' || text.length === 0) throw new DataError('trainBpe: the training text is empty', 'pass a non-empty corpus');
  if (!Number.isSafeInteger(opts.vocabSize) || opts.vocabSize < 256 + specials.length) {
    throw new DataError(`trainBpe: vocabSize must be a whole number ≥ ${256 + specials.length} (256 bytes + ${specials.length} special tokens), got ${opts.vocabSize}`, 'pass e.g. vocabSize: 1024');
  }
  if (opts.vocabSize > ID_LIMIT) throw new DataError(`trainBpe: vocabSize ${opts.vocabSize} is above ${ID_LIMIT}`, 'pass e.g. vocabSize: 32000');
  if (!Number.isSafeInteger(minFrequency) || minFrequency < 1) throw new DataError(`trainBpe: minFrequency must be a whole number ≥ 1, got ${minFrequency}`, 'pass e.g. minFrequency: 2');
  if (new Set(specials).size !== specials.length || specials.some((s) => s.length === 0)) {
    throw new DataError(`trainBpe: specialTokens ${JSON.stringify(specials)} has an empty or repeated entry`, 'pass distinct non-empty strings');
  }

  // Words and their counts. Special tokens are cut out first, so no merge spans one.
  const wordCounts = new Map<string, number>();
  const re = compilePattern(GPT2_PATTERN);
  const segments = specials.length
    ? splitText(text, new RegExp(specials.map(escapeRegExp).join('|'), 'gu'), 'Removed')
    : [text];
  for (const segment of segments) {
    for (const w of splitText(segment, re, 'Isolated')) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
  }
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [w, c] of wordCounts) { words.push(Array.from(utf8(w))); counts.push(c); }

  const pairCounts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: number, changed: Set<number>): void => {
    const s = words[w]!, c = counts[w]! * sign;
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i]! * ID_LIMIT + s[i + 1]!;
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + c);
      changed.add(key);
      if (sign > 0) {
        let set = where.get(key);
        if (!set) where.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  const heap = new PairHeap();
  const initial = new Set<number>();
  for (let w = 0; w < words.length; w++) addPairs(w, 1, initial);
  for (const key of initial) heap.push(pairCounts.get(key)!, key);

  const tokens: string[] = [...BYTE_TO_CHAR];
  const ids = new Map(tokens.map((t, i) => [t, i]));
  const merges: [string, string][] = [];
  const wanted = opts.vocabSize - 256 - specials.length;
  while (tokens.length - 256 < wanted && heap.size > 0) {
    const [count, key] = heap.pop();
    if (pairCounts.get(key) !== count) continue; // stale entry
    if (count < minFrequency) break;
    const a = Math.floor(key / ID_LIMIT), b = key % ID_LIMIT;
    // Two merge paths can spell the same string ("ab"+"c", "a"+"bc"): they share one id, as in HF.
    const spelled = tokens[a]! + tokens[b]!;
    let id = ids.get(spelled);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(spelled);
      ids.set(spelled, id);
    }
    merges.push([tokens[a]!, tokens[b]!]);
    const changed = new Set<number>();
    for (const w of where.get(key) ?? []) {
      const s = words[w]!;
      let has = false;
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) { has = true; break; }
      if (!has) continue;
      addPairs(w, -1, changed);
      const merged: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) { merged.push(id); i++; } else merged.push(s[i]!);
      }
      words[w] = merged;
      addPairs(w, 1, changed);
    }
    where.delete(key);
    for (const k of changed) {
      const c = pairCounts.get(k)!;
      if (c > 0) heap.push(c, k);
      else pairCounts.delete(k);
    }
    opts.onProgress?.(tokens.length - 256, wanted);
  }

  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => { vocab[t] = i; });
  const addedTokens = specials.map((content, i) => ({
    id: tokens.length + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  return new HfTokenizer({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab, merges: merges.map(([x, y]) => `${x} ${y}`),
    },
  }, 'trainBpe');
}
