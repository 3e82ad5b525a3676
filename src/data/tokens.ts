// Corpus → token ids → a deterministic train/validation split. Documents are tokenized one by
// one and joined by the tokens of a blank line, so the ids never depend on how the corpus was
// chunked; the validation split is the last `valFraction` of the stream (nanoGPT's 90/10 split).
// Ids are cached on disk when a cache directory is given (see token-cache.ts).
import { z } from 'zod';
import { parseConfig } from '../config/index.js';
import { createProgress } from '../log/index.js';
import { corpusText, DOCUMENT_SEPARATOR, readCorpus, type CorpusFormat } from './corpus.js';
import { DataError } from './errors.js';
import { HfTokenizer, loadTokenizer } from './hf-tokenizer.js';
import { cachedTokens, sha256 } from './token-cache.js';
import { byteTokenizer, charTokenizerJson, type Tokenizer } from './tokenizer.js';

/** The data section of a training config. */
export const corpusSpecSchema = z.strictObject({
  /** 'moby-dick' (default), 'sotu', or the path of a .txt / .jsonl file. */
  corpus: z.string().min(1).default('moby-dick').describe("'moby-dick', 'sotu', or a .txt/.jsonl path"),
  /** File corpora: 'text' or 'jsonl'; default from the extension (.jsonl/.ndjson → jsonl). */
  format: z.enum(['text', 'jsonl']).optional().describe('text or jsonl (default: from the file extension)'),
  /** JSONL corpora: the field that holds each document's text. Default 'text'. */
  field: z.string().min(1).optional().describe("JSONL field with the text (default 'text')"),
  /** 'byte' (default, vocabulary 256), 'char' (the corpus's characters, as nanoGPT's shakespeare_char) or a tokenizer.json path. */
  tokenizer: z.string().min(1).default('byte').describe("'byte', 'char' or a tokenizer.json path"),
  /** Fraction of the token stream (its end) held out for validation. Default 0.1. */
  valFraction: z.number().min(0).max(0.5).default(0.1).describe('held-out fraction at the end of the stream'),
  /** Directory for binary token caches; omitted: tokenize every time. */
  cacheDir: z.string().min(1).optional().describe('directory for token caches (omit to disable)'),
});

export type CorpusSpecInput = z.input<typeof corpusSpecSchema>;

export interface CorpusSpec {
  corpus: string;
  format?: CorpusFormat;
  field?: string;
  tokenizer: string;
  valFraction: number;
  cacheDir?: string;
}

export interface TokenSplits {
  train: Int32Array;
  val: Int32Array;
  vocabSize: number;
  tokenizer: Tokenizer;
  /** Where the text came from (package name or file path). */
  source: string;
  totalTokens: number;
  /** Whether the ids came from the cache. */
  cache: 'hit' | 'miss' | 'rebuilt' | 'off';
  /** sha256 of the corpus text and tokenizer: the cache key, also a dataset fingerprint for run configs. */
  key: string;
}

/**
 * 'byte' → the byte tokenizer; 'char' → a character tokenizer built from `corpusText` (which it
 * needs); anything else is a tokenizer.json path.
 */
export function resolveTokenizer(spec: string, corpusText?: string): Tokenizer {
  if (spec === 'byte') return byteTokenizer();
  if (spec === 'char') {
    if (corpusText === undefined) throw new DataError('tokenizer "char" is built from a corpus, and none was given', 'use it through prepareTokens, or save one with charTokenizerJson(text) and pass its path');
    return new HfTokenizer(charTokenizerJson(corpusText), 'char tokenizer');
  }
  return loadTokenizer(spec);
}

/** Tokenizes documents independently and joins them with the separator's ids. */
export function encodeDocuments(tokenizer: Tokenizer, documents: readonly string[], label = 'tokenize'): Int32Array {
  const sep = tokenizer.encode(DOCUMENT_SEPARATOR);
  const parts: Int32Array[] = [];
  let total = 0;
  const chars = documents.reduce((a, d) => a + d.length, 0);
  // A bar only where tokenizing takes noticeable time (BPE over a few MB).
  const progress = chars > 2_000_000 ? createProgress({ label, total: chars, unit: 'chars' }) : undefined;
  documents.forEach((doc, i) => {
    if (i > 0) { parts.push(sep); total += sep.length; }
    const ids = tokenizer.encode(doc);
    parts.push(ids);
    total += ids.length;
    progress?.tick(doc.length);
  });
  progress?.done();
  const out = new Int32Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Reads, tokenizes (or loads from cache) and splits a corpus. */
export function prepareTokens(spec: CorpusSpec | CorpusSpecInput): TokenSplits {
  const s = parseConfig(corpusSpecSchema, spec, 'data');
  const corpus = readCorpus(s.corpus, { ...(s.format !== undefined ? { format: s.format } : {}), ...(s.field !== undefined ? { field: s.field } : {}) });
  const text = corpusText(corpus);
  const tokenizer = resolveTokenizer(s.tokenizer, text);
  const key = sha256('fathom-tokens-v1', JSON.stringify(tokenizer.toJSON()), text);
  const { ids, cache } = cachedTokens(s.cacheDir, key, tokenizer.vocabSize, () => encodeDocuments(tokenizer, corpus.documents));
  const nTrain = Math.floor((1 - s.valFraction) * ids.length);
  if (nTrain < 2) throw new DataError(`prepareTokens: corpus ${s.corpus} has only ${ids.length} tokens`, 'use a larger corpus');
  return {
    train: ids.subarray(0, nTrain),
    val: ids.subarray(nTrain),
    vocabSize: tokenizer.vocabSize,
    tokenizer,
    source: corpus.source,
    totalTokens: ids.length,
    cache,
    key,
  };
}
