// The tokenizer interface every part of fathom codes against, and the byte-level tokenizer
// (vocabulary 256: a token is one UTF-8 byte), which needs no file and is the default.
import { BYTE_TO_CHAR, fromUtf8, utf8 } from './bytes.js';
import { DataError } from './errors.js';

export interface EncodeOptions {
  /** Apply the tokenizer's post-processor template (e.g. a BOS token). Default false: raw text → ids. */
  addSpecialTokens?: boolean;
}

export interface Tokenizer {
  /** Number of ids: the largest id + 1 (added tokens included). */
  readonly vocabSize: number;
  encode(text: string, options?: EncodeOptions): Int32Array;
  decode(ids: ArrayLike<number>): string;
  /** The Hugging Face `tokenizer.json` object for this tokenizer (written by `saveTokenizer`). */
  toJSON(): unknown;
  /** The vocabulary string of an id, for display (`Ġthe`, `<|endoftext|>`); undefined if out of range. */
  idToToken?(id: number): string | undefined;
}

/** A byte-level tokenizer: ids are the UTF-8 bytes of the text (vocabulary 256). */
export function byteTokenizer(): Tokenizer {
  return {
    vocabSize: 256,
    encode(text: string): Int32Array {
      return Int32Array.from(utf8(text));
    },
    decode(ids: ArrayLike<number>): string {
      const bytes = new Uint8Array(ids.length);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (!Number.isInteger(id) || id < 0 || id > 255) {
          throw new DataError(`byte tokenizer: id ${id} at position ${i} is not a byte (0..255)`, 'decode ids produced by the byte tokenizer, or load the tokenizer that produced them');
        }
        bytes[i] = id;
      }
      return fromUtf8(bytes);
    },
    idToToken(id: number): string | undefined {
      return Number.isInteger(id) && id >= 0 && id < 256 ? BYTE_TO_CHAR[id] : undefined;
    },
    toJSON(): unknown {
      // The same tokenizer written as a Hugging Face BPE with no merges: byte-level characters
      // map to their byte values, so any tokenizer.json reader encodes exactly as this one.
      return {
        version: '1.0',
        truncation: null,
        padding: null,
        added_tokens: [],
        normalizer: null,
        pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        post_processor: null,
        decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        model: {
          type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
          fuse_unk: false, byte_fallback: false, ignore_merges: false,
          vocab: Object.fromEntries(BYTE_TO_CHAR.map((c, b) => [c, b])),
          merges: [],
        },
      };
    },
  };
}

/**
 * A character-level tokenizer over the characters of `text`, ids in code-point order — the
 * vocabulary of nanoGPT's shakespeare_char (`sorted(set(text))`). Written as a tokenizer.json it
 * is a BPE with no merges and no pre-tokenizer, so any reader encodes it identically.
 */
export function charTokenizerJson(text: string): Record<string, unknown> {
  const chars = [...new Set(Array.from(text))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  if (chars.length === 0) throw new DataError('char tokenizer: the text is empty, so there is no vocabulary', 'build it from a non-empty corpus');
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null,
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab: Object.fromEntries(chars.map((c, i) => [c, i])), merges: [],
    },
  };
}
