// Hugging Face tokenizer.json: load, encode, decode, save. The pipeline follows `tokenizers`:
// added tokens are cut out first, the rest is normalized, pre-tokenized and run through the BPE
// model; the post-processor adds template tokens only when asked. What fathom does not
// implement (a Unigram or WordPiece model, a Metaspace pre-tokenizer, truncation...) is an error
// naming the feature, never silently skipped.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotImplementedError } from '../errors.js';
import { fromByteLevel } from './bytes.js';
import { BpeModel } from './bpe.js';
import { DataError } from './errors.js';
import {
  byteLevelPreTokenizer, compilePattern, escapeRegExp, splitPreTokenizer, splitText, SPLIT_BEHAVIORS,
  type PreTokenizer, type SplitBehavior,
} from './pretokenize.js';
import type { EncodeOptions, Tokenizer } from './tokenizer.js';

type Json = Record<string, unknown>;

interface AddedToken { id: number; content: string; special: boolean; lstrip: boolean; rstrip: boolean; normalized: boolean }

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function unsupported(component: string, type: unknown): never {
  throw new NotImplementedError(`tokenizer.json: ${component} type "${String(type)}" is not supported`, 'fathom reads byte-level BPE tokenizers (GPT-2, Llama 3, Qwen style); convert the tokenizer or use one of those');
}

type Normalizer = (text: string) => string;

function buildNormalizer(cfg: unknown): Normalizer | undefined {
  if (cfg === null || cfg === undefined) return undefined;
  if (!isObject(cfg)) throw new DataError('tokenizer.json: normalizer is not an object', 'set it to null or a normalizer object');
  switch (cfg.type) {
    case 'NFC': case 'NFD': case 'NFKC': case 'NFKD': {
      const form = cfg.type;
      return (t) => t.normalize(form);
    }
    case 'Lowercase': return (t) => t.toLowerCase();
    case 'Sequence': {
      const steps = (cfg.normalizers as unknown[] ?? []).map(buildNormalizer).filter((n): n is Normalizer => n !== undefined);
      return (t) => steps.reduce((acc, f) => f(acc), t);
    }
    default: return unsupported('normalizer', cfg.type);
  }
}

function buildPreTokenizer(cfg: unknown): PreTokenizer | undefined {
  if (cfg === null || cfg === undefined) return undefined;
  if (!isObject(cfg)) throw new DataError('tokenizer.json: pre_tokenizer is not an object', 'set it to null or a pre-tokenizer object');
  switch (cfg.type) {
    case 'ByteLevel':
      return byteLevelPreTokenizer(cfg.add_prefix_space === true, cfg.use_regex !== false);
    case 'Split': {
      const pattern = cfg.pattern;
      let re: RegExp;
      if (isObject(pattern) && typeof pattern.Regex === 'string') re = compilePattern(pattern.Regex);
      else if (isObject(pattern) && typeof pattern.String === 'string') re = new RegExp(escapeRegExp(pattern.String), 'gu');
      else throw new DataError('tokenizer.json: a Split pre-tokenizer has no pattern.Regex or pattern.String', 'check the pre_tokenizer');
      const behavior = cfg.behavior as SplitBehavior;
      if (!SPLIT_BEHAVIORS.includes(behavior)) unsupported('Split behavior', behavior);
      return splitPreTokenizer(re, behavior, cfg.invert === true);
    }
    case 'Digits':
      return splitPreTokenizer(/\p{N}/gu, cfg.individual_digits === true ? 'Isolated' : 'Contiguous', false);
    case 'Sequence': {
      const steps = (cfg.pretokenizers as unknown[] ?? []).map(buildPreTokenizer).filter((p): p is PreTokenizer => p !== undefined);
      return (pieces) => steps.reduce((acc, f) => f(acc), pieces);
    }
    default: return unsupported('pre_tokenizer', cfg.type);
  }
}

type Decoder = (tokens: string[]) => string;

function buildDecoder(cfg: unknown): Decoder {
  if (cfg === null || cfg === undefined) return (tokens) => tokens.join('');
  if (!isObject(cfg)) throw new DataError('tokenizer.json: decoder is not an object', 'set it to null or a decoder object');
  if (cfg.type === 'ByteLevel') return (tokens) => fromByteLevel(tokens.join(''));
  return unsupported('decoder', cfg.type);
}

type PostProcessor = (ids: number[]) => number[];

function buildPostProcessor(cfg: unknown): PostProcessor | undefined {
  if (cfg === null || cfg === undefined) return undefined;
  if (!isObject(cfg)) throw new DataError('tokenizer.json: post_processor is not an object', 'set it to null or a post-processor object');
  switch (cfg.type) {
    case 'ByteLevel': return undefined; // only adjusts offsets
    case 'TemplateProcessing': {
      const specials = isObject(cfg.special_tokens) ? cfg.special_tokens : {};
      const items = (cfg.single as unknown[] ?? []).map((item) => {
        if (isObject(item) && isObject(item.Sequence)) return 'sequence' as const;
        if (isObject(item) && isObject(item.SpecialToken)) {
          const name = String(item.SpecialToken.id);
          const spec = specials[name];
          if (!isObject(spec) || !Array.isArray(spec.ids)) throw new DataError(`tokenizer.json: post_processor template uses "${name}", which special_tokens does not define`, 'check post_processor.special_tokens');
          return spec.ids as number[];
        }
        throw new DataError('tokenizer.json: post_processor.single has an item that is neither Sequence nor SpecialToken', 'check the template');
      });
      return (ids) => items.flatMap((it) => (it === 'sequence' ? ids : it));
    }
    case 'RobertaProcessing': case 'BertProcessing': {
      const cls = (cfg.cls as [string, number] | undefined)?.[1], sep = (cfg.sep as [string, number] | undefined)?.[1];
      if (cls === undefined || sep === undefined) throw new DataError(`tokenizer.json: ${String(cfg.type)} needs cls and sep`, 'check the post_processor');
      return (ids) => [cls, ...ids, sep];
    }
    case 'Sequence': {
      const steps = (cfg.processors as unknown[] ?? []).map((p) => buildPostProcessor(p)).filter((p): p is PostProcessor => p !== undefined);
      return (ids) => steps.reduce((acc, f) => f(acc), ids);
    }
    default: return unsupported('post_processor', cfg.type);
  }
}

function parseMerges(raw: unknown): [string, string][] {
  if (!Array.isArray(raw)) throw new DataError('tokenizer.json: model.merges is not an array', 'a BPE model lists its merges as "a b" strings or [a, b] pairs');
  return raw.map((m, i) => {
    if (typeof m === 'string') {
      const sp = m.indexOf(' ', 1);
      if (sp < 0) throw new DataError(`tokenizer.json: merge ${i} ${JSON.stringify(m)} has no space between its two parts`, 'write merges as "a b"');
      return [m.slice(0, sp), m.slice(sp + 1)];
    }
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
    throw new DataError(`tokenizer.json: merge ${i} is ${JSON.stringify(m)}, neither "a b" nor [a, b]`, 'check model.merges');
  });
}

/** A tokenizer defined by a Hugging Face tokenizer.json object. */
export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  private readonly json: Json;
  private readonly model: BpeModel;
  private readonly normalizer: Normalizer | undefined;
  private readonly preTokenizer: PreTokenizer | undefined;
  private readonly decoder: Decoder;
  private readonly postProcessor: PostProcessor | undefined;
  private readonly added: AddedToken[];
  private readonly idToString = new Map<number, string>();
  private readonly rawAdded: RegExp | undefined;
  private readonly normalizedAdded: RegExp | undefined;
  private readonly addedByContent = new Map<string, AddedToken>();

  constructor(json: unknown, source = 'tokenizer.json') {
    if (!isObject(json)) throw new DataError(`${source}: not a JSON object`, 'pass a Hugging Face tokenizer.json');
    this.json = json;
    const model = json.model;
    if (!isObject(model)) throw new DataError(`${source}: has no "model" object`, 'pass a Hugging Face tokenizer.json');
    const modelType = model.type ?? ('merges' in model ? 'BPE' : undefined);
    if (modelType !== 'BPE') unsupported('model', modelType);
    for (const feature of ['truncation', 'padding'] as const) {
      if (json[feature] !== null && json[feature] !== undefined) {
        throw new NotImplementedError(`${source}: ${feature} is set, and fathom does not implement ${feature}`, `set "${feature}": null in the file (fathom packs sequences itself)`);
      }
    }
    if (typeof model.dropout === 'number' && model.dropout > 0) throw new NotImplementedError(`${source}: BPE dropout ${model.dropout} is not supported`, 'set model.dropout to null: encoding must be deterministic');
    if (model.byte_fallback === true) throw new NotImplementedError(`${source}: model.byte_fallback is not supported`, 'use a byte-level BPE tokenizer');
    for (const affix of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
      if (typeof model[affix] === 'string' && model[affix] !== '') throw new NotImplementedError(`${source}: model.${affix} "${model[affix]}" is not supported`, 'use a byte-level BPE tokenizer');
    }
    if (!isObject(model.vocab)) throw new DataError(`${source}: model.vocab is not an object`, 'a BPE model maps token strings to ids');
    const vocab = new Map<string, number>(Object.entries(model.vocab as Record<string, number>));
    this.model = new BpeModel({
      vocab, merges: parseMerges(model.merges), unkToken: (model.unk_token as string | null | undefined) ?? null,
      fuseUnk: model.fuse_unk === true, ignoreMerges: model.ignore_merges === true,
    });
    let maxId = -1;
    for (const [token, id] of vocab) { this.idToString.set(id, token); if (id > maxId) maxId = id; }

    this.added = ((json.added_tokens as unknown[] | undefined) ?? []).map((t, i) => {
      if (!isObject(t) || typeof t.content !== 'string' || typeof t.id !== 'number') throw new DataError(`${source}: added_tokens[${i}] needs a string content and a numeric id`, 'check added_tokens');
      if (t.single_word === true) throw new NotImplementedError(`${source}: added token ${JSON.stringify(t.content)} sets single_word, which is not supported`, 'set single_word to false');
      return { id: t.id, content: t.content, special: t.special === true, lstrip: t.lstrip === true, rstrip: t.rstrip === true, normalized: t.normalized === true };
    });
    for (const t of this.added) {
      this.idToString.set(t.id, t.content);
      this.addedByContent.set(t.content, t);
      if (t.id > maxId) maxId = t.id;
    }
    this.vocabSize = maxId + 1;
    // Longest first, so the alternation prefers the longest added token at a position.
    const alternation = (tokens: AddedToken[]): RegExp | undefined => tokens.length === 0 ? undefined
      : new RegExp([...tokens].sort((a, b) => b.content.length - a.content.length).map((t) => escapeRegExp(t.content)).join('|'), 'gu');
    this.normalizer = buildNormalizer(json.normalizer);
    this.rawAdded = alternation(this.normalizer ? this.added.filter((t) => !t.normalized) : this.added);
    this.normalizedAdded = this.normalizer ? alternation(this.added.filter((t) => t.normalized)) : undefined;
    this.preTokenizer = buildPreTokenizer(json.pre_tokenizer);
    this.decoder = buildDecoder(json.decoder);
    this.postProcessor = buildPostProcessor(json.post_processor);
  }

  /** Cuts `text` into plain segments and added-token ids, honouring lstrip/rstrip. */
  private splitAdded(text: string, re: RegExp | undefined, plain: (segment: string, out: number[]) => void, out: number[]): void {
    if (!re) { plain(text, out); return; }
    const parts = splitText(text, re, 'Isolated');
    // lstrip/rstrip: the whitespace beside an added token belongs to it.
    for (let i = 0; i < parts.length; i++) {
      const tok = this.addedByContent.get(parts[i]!);
      if (tok === undefined) continue;
      if (tok.lstrip && i > 0 && !this.addedByContent.has(parts[i - 1]!)) parts[i - 1] = parts[i - 1]!.replace(/\s+$/u, '');
      if (tok.rstrip && i + 1 < parts.length && !this.addedByContent.has(parts[i + 1]!)) parts[i + 1] = parts[i + 1]!.replace(/^\s+/u, '');
    }
    for (const part of parts) {
      const tok = this.addedByContent.get(part);
      // A segment equal to an added token's content is that token: the alternation cut it out.
      if (tok !== undefined) out.push(tok.id);
      else if (part.length > 0) plain(part, out);
    }
  }

  private encodePlain(segment: string, out: number[]): void {
    const pieces = this.preTokenizer ? this.preTokenizer([segment]) : [segment];
    for (const piece of pieces) {
      const ids = this.model.tokenize(piece);
      for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    }
  }

  encode(text: string, options: EncodeOptions = {}): Int32Array {
    let ids: number[] = [];
    this.splitAdded(text, this.rawAdded, (segment, out) => {
      if (!this.normalizer) { this.encodePlain(segment, out); return; }
      this.splitAdded(this.normalizer(segment), this.normalizedAdded, (s, o) => this.encodePlain(s, o), out);
    }, ids);
    if (options.addSpecialTokens === true && this.postProcessor) ids = this.postProcessor(ids);
    return Int32Array.from(ids);
  }

  decode(ids: ArrayLike<number>): string {
    const tokens: string[] = [];
    const pieces: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const s = this.idToString.get(id);
      if (s === undefined) throw new DataError(`decode: id ${id} at position ${i} is not in the vocabulary (size ${this.vocabSize})`, 'decode ids produced by this tokenizer');
      // Added tokens are literal text; the decoder only maps model tokens.
      if (this.addedByContent.get(s)?.id === id && !this.model.vocab.has(s)) {
        if (tokens.length) { pieces.push(this.decoder(tokens.splice(0))); }
        pieces.push(s);
      } else tokens.push(s);
    }
    if (tokens.length) pieces.push(this.decoder(tokens));
    return pieces.join('');
  }

  idToToken(id: number): string | undefined {
    return this.idToString.get(id);
  }

  /** The id of a token string (vocabulary or added token). */
  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.model.vocab.get(token);
  }

  toJSON(): unknown {
    return this.json;
  }
}

/** Loads a Hugging Face tokenizer.json (byte-level BPE), or the tokenizer.json in a model folder. */
export function loadTokenizer(path: string): Tokenizer {
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'tokenizer.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError(`loadTokenizer: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'pass the path of a tokenizer.json, or "byte"');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError(`loadTokenizer: ${path} is not valid JSON (${(err as Error).message})`, 'pass a Hugging Face tokenizer.json');
  }
  return new HfTokenizer(json, path);
}

/** Writes a tokenizer as tokenizer.json (atomically: temp file, then rename). */
export function saveTokenizer(tokenizer: Tokenizer, path: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(tokenizer.toJSON(), null, 2)}\n`);
  renameSync(tmp, path);
}
