// The BPE model (Sennrich et al. 2016; GPT-2's byte-level variant): a word's characters are
// merged pair by pair, always the pair whose merge was learned earliest (lowest rank), leftmost
// first on ties — Hugging Face `tokenizers`' word-merge loop, with a binary heap so long words
// stay O(n log n). Results are memoised per word: natural text repeats its words, so encoding a
// book touches the merge loop for a few percent of its pre-tokens.
import { DataError } from './errors.js';

// Pair keys pack two ids into one safe integer; ids stay below 2^22 (4M), far above real vocabularies.
const ID_LIMIT = 4_194_304;
const pairKey = (a: number, b: number): number => a * ID_LIMIT + b;

export interface BpeModelOptions {
  vocab: ReadonlyMap<string, number>;
  /** Merges in rank order: [left, right] token strings. */
  merges: readonly (readonly [string, string])[];
  unkToken?: string | null;
  fuseUnk?: boolean;
  /** Llama 3: a word that is itself in the vocabulary is emitted whole, without merging. */
  ignoreMerges?: boolean;
}

const CACHE_LIMIT = 200_000;

export class BpeModel {
  readonly vocab: ReadonlyMap<string, number>;
  readonly merges: readonly (readonly [string, string])[];
  /** pairKey → rank * ID_LIMIT + merged id. */
  private readonly ranks = new Map<number, number>();
  private readonly unkId: number | undefined;
  private readonly fuseUnk: boolean;
  private readonly ignoreMerges: boolean;
  private readonly cache = new Map<string, Int32Array>();

  constructor(options: BpeModelOptions) {
    this.vocab = options.vocab;
    this.merges = options.merges;
    for (const [token, id] of this.vocab) {
      if (!Number.isInteger(id) || id < 0 || id >= ID_LIMIT) {
        throw new DataError(`tokenizer.json: model.vocab["${token}"] = ${id} is not an id in [0, ${ID_LIMIT})`, 'check the vocabulary of the file');
      }
    }
    options.merges.forEach(([a, b], rank) => {
      const ia = this.vocab.get(a), ib = this.vocab.get(b), merged = this.vocab.get(a + b);
      if (ia === undefined || ib === undefined || merged === undefined) {
        const missing = ia === undefined ? a : ib === undefined ? b : a + b;
        throw new DataError(`tokenizer.json: merge ${rank} ("${a}" "${b}") uses "${missing}", which is not in model.vocab`, 'the merges and vocabulary come from different tokenizers; re-export the file');
      }
      const key = pairKey(ia, ib);
      // A repeated merge keeps its first (lowest) rank, as HF does.
      if (!this.ranks.has(key)) this.ranks.set(key, rank * ID_LIMIT + merged);
    });
    if (options.unkToken !== undefined && options.unkToken !== null) {
      this.unkId = this.vocab.get(options.unkToken);
      if (this.unkId === undefined) throw new DataError(`tokenizer.json: model.unk_token "${options.unkToken}" is not in model.vocab`, 'add it to the vocabulary or set unk_token to null');
    }
    this.fuseUnk = options.fuseUnk === true;
    this.ignoreMerges = options.ignoreMerges === true;
  }

  /** The ids of one pre-token (a word, already in the model's alphabet). */
  tokenize(word: string): Int32Array {
    if (word.length > 256) return this.tokenizeUncached(word); // long runs rarely repeat
    let ids = this.cache.get(word);
    if (ids === undefined) {
      ids = this.tokenizeUncached(word);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, ids);
    }
    return ids;
  }

  private tokenizeUncached(word: string): Int32Array {
    if (this.ignoreMerges) {
      const whole = this.vocab.get(word);
      if (whole !== undefined) return Int32Array.of(whole);
    }
    const symbols: number[] = [];
    let lastWasUnk = false;
    for (const ch of word) {
      const id = this.vocab.get(ch);
      if (id !== undefined) {
        symbols.push(id);
        lastWasUnk = false;
      } else if (this.unkId !== undefined) {
        if (!(this.fuseUnk && lastWasUnk)) symbols.push(this.unkId);
        lastWasUnk = true;
      } else {
        throw new DataError(`tokenize: the character ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not in the vocabulary and the model has no unk_token`, 'use a byte-level tokenizer (every byte is in its vocabulary), or set model.unk_token');
      }
    }
    return Int32Array.from(this.mergeAll(symbols));
  }

  /** Applies merges to a symbol sequence until none applies (lowest rank first, then leftmost). */
  mergeAll(symbols: number[]): number[] {
    const n = symbols.length;
    if (n < 2) return symbols;
    const sym = symbols.slice();
    const prev = new Int32Array(n), next = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }
    const heap = new MergeHeap();
    for (let i = 0; i + 1 < n; i++) {
      const r = this.ranks.get(pairKey(sym[i]!, sym[i + 1]!));
      if (r !== undefined) heap.push(Math.floor(r / ID_LIMIT), i, r % ID_LIMIT);
    }
    while (heap.size > 0) {
      const [rank, pos, newId] = heap.pop();
      if (!alive[pos]) continue;
      const right = next[pos]!;
      if (right === -1) continue;
      const r = this.ranks.get(pairKey(sym[pos]!, sym[right]!));
      // Stale entry: the pair at pos changed since it was pushed.
      if (r === undefined || r % ID_LIMIT !== newId || Math.floor(r / ID_LIMIT) !== rank) continue;
      sym[pos] = newId;
      alive[right] = 0;
      const after = next[right]!;
      next[pos] = after;
      if (after !== -1) prev[after] = pos;
      const before = prev[pos]!;
      if (before !== -1) {
        const rb = this.ranks.get(pairKey(sym[before]!, newId));
        if (rb !== undefined) heap.push(Math.floor(rb / ID_LIMIT), before, rb % ID_LIMIT);
      }
      if (after !== -1) {
        const ra = this.ranks.get(pairKey(newId, sym[after]!));
        if (ra !== undefined) heap.push(Math.floor(ra / ID_LIMIT), pos, ra % ID_LIMIT);
      }
    }
    const out: number[] = [];
    for (let i = 0; i !== -1; i = next[i]!) out.push(sym[i]!);
    return out;
  }
}

/** A min-heap of (rank, position, merged id), ordered by rank then position. */
class MergeHeap {
  private readonly ranks: number[] = [];
  private readonly positions: number[] = [];
  private readonly ids: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  private less(i: number, j: number): boolean {
    const ri = this.ranks[i]!, rj = this.ranks[j]!;
    return ri < rj || (ri === rj && this.positions[i]! < this.positions[j]!);
  }

  private swap(i: number, j: number): void {
    for (const a of [this.ranks, this.positions, this.ids]) { const t = a[i]!; a[i] = a[j]!; a[j] = t; }
  }

  push(rank: number, pos: number, id: number): void {
    this.ranks.push(rank); this.positions.push(pos); this.ids.push(id);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): [number, number, number] {
    const top: [number, number, number] = [this.ranks[0]!, this.positions[0]!, this.ids[0]!];
    const last = this.ranks.length - 1;
    this.swap(0, last);
    this.ranks.pop(); this.positions.pop(); this.ids.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < last && this.less(l, m)) m = l;
      if (r < last && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
