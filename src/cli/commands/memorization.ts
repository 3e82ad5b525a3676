// `fathom memorization`: the extraction probe of shared/papers/08-axonn.md on a checkpoint — take
// N seeded windows from a corpus's training split, prompt with all but the last n tokens of each,
// greedy-decode n, and report exact-match rate and ROUGE-L against the true suffix.
import { UsageError } from '../../errors.js';
import { encodeDocuments, readCorpus } from '../../data/index.js';
import type { CorpusFormat } from '../../data/index.js';
import { createProgress } from '../../log/index.js';
import { PROBE_DEFAULTS, probeMemorization, resolvePrefix, sampleWindows } from '../../memorization/index.js';
import { loadLanguageModel, requireTokenizer } from '../../serve/index.js';
import { emit, globalOptions } from '../context.js';
import { registerCommand } from '../registry.js';

interface Flags {
  data: string;
  format?: string;
  field?: string;
  split: string;
  valFraction: string;
  sequences: string;
  prefixTokens?: string;
  suffix: string;
  seed: string;
  tokenizer?: string;
  weights: string;
}

function wholeNumber(flag: string, value: string, min: number, example: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${value}"`, `pass e.g. ${flag} ${example}`);
  return n;
}

const SPLITS = ['train', 'val', 'all'] as const;

registerCommand({
  name: 'memorization',
  summary: 'measure verbatim extraction of training text: exact-match rate and ROUGE-L of greedy suffixes',
  examples: [
    'fathom memorization ~/.fathom/artifacts/<run>/checkpoints --data moby-dick',
    'fathom memorization step-001000.json --data passages.txt --sequences 16 --suffix 50 --json',
    'fathom memorization latest.json --data docs.jsonl --field body --prefix-tokens 32 --suffix 32 --split all',
  ],
  define(cmd) {
    cmd.description('prompt a model with training sequences minus their last n tokens, greedy-decode n, and compare with the true suffix (exact match, ROUGE-L)')
      .argument('<checkpoint>', 'checkpoint state (.json / latest.json / its folder), .safetensors weights, or an HF Llama folder')
      .requiredOption('--data <corpus>', 'moby-dick | sotu | a .txt or .jsonl file: where the probed sequences come from')
      .option('--format <text|jsonl>', 'file format (default: by extension)')
      .option('--field <name>', 'jsonl: the text field (default: text)')
      .option('--split <which>', `which part of the token stream to draw from: ${SPLITS.join(', ')}`, 'train')
      .option('--val-fraction <f>', 'the held-out tail, as in training (fathom train\'s default 0.1)', '0.1')
      .option('--sequences <n>', 'windows to probe (non-overlapping, chosen by --seed)', '32')
      .option('--prefix-tokens <p>', 'prompt tokens before the suffix (default: context length − suffix)')
      .option('--suffix <n>', 'tokens to extract and compare (the paper: 50)', String(PROBE_DEFAULTS.suffix))
      .option('--seed <n>', 'which windows are drawn', '0')
      .option('--tokenizer <tok>', 'byte or a tokenizer.json (default: the checkpoint\'s)')
      .option('--weights <which>', 'raw or an averager name (ema, lawa, swa) of a training checkpoint', 'raw');
    cmd.action((checkpoint: string, o: Flags) => {
      const options = globalOptions(cmd);
      if (!(SPLITS as readonly string[]).includes(o.split)) throw new UsageError(`--split "${o.split}" is not one of ${SPLITS.join(', ')}`, 'pass --split train');
      const valFraction = Number(o.valFraction);
      if (!(valFraction >= 0 && valFraction < 1)) throw new UsageError(`--val-fraction must be in [0, 1), got "${o.valFraction}"`, 'pass e.g. --val-fraction 0.1');
      if (o.format !== undefined && o.format !== 'text' && o.format !== 'jsonl') throw new UsageError(`--format "${o.format}" is not one of text, jsonl`, 'pass --format text or --format jsonl');
      const count = wholeNumber('--sequences', o.sequences, 1, '32');
      const suffix = wholeNumber('--suffix', o.suffix, 1, '50');
      const seed = wholeNumber('--seed', o.seed, 0, '1');
      const prefixFlag = o.prefixTokens === undefined ? undefined : wholeNumber('--prefix-tokens', o.prefixTokens, 1, '78');

      const lm = loadLanguageModel(checkpoint, { ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}), weights: o.weights });
      const tokenizer = requireTokenizer(lm);
      const corpus = readCorpus(o.data, { ...(o.format ? { format: o.format as CorpusFormat } : {}), ...(o.field ? { field: o.field } : {}) });
      const ids = encodeDocuments(tokenizer, corpus.documents, 'memorization: tokenize');
      const cut = Math.floor((1 - valFraction) * ids.length);
      const stream = o.split === 'train' ? ids.subarray(0, cut) : o.split === 'val' ? ids.subarray(cut) : ids;
      const ctx = lm.model.config.contextLength;
      // Windows as long as the prompt and suffix the model's context allows.
      const { prefixTokens } = resolvePrefix(Number.MAX_SAFE_INTEGER, ctx, { suffix, ...(prefixFlag !== undefined ? { prefixTokens: prefixFlag } : {}) });
      const windows = sampleWindows(Int32Array.from(stream), count, prefixTokens + suffix, seed);
      const progress = options.json || options.quiet ? null : createProgress({ label: 'memorization', total: windows.length, unit: 'sequences' });
      let done = 0;
      const probe = probeMemorization(lm.model, windows, { suffix, prefixTokens, onProgress: (n) => { progress?.tick(n - done); done = n; } });
      progress?.done(`exact match ${(100 * probe.exactMatchRate).toFixed(1)}%`);
      const result = {
        model: lm.name, data: corpus.source, split: o.split, sequences: probe.sequences.length, prefixTokens: probe.prefixTokens, suffix: probe.suffix, seed,
        exactMatchRate: probe.exactMatchRate, meanRougeL: probe.meanRougeL, meanMatchedFraction: probe.meanMatchedFraction,
        perSequence: probe.sequences.map((s) => ({
          index: s.index, exactMatch: s.exactMatch, rougeL: s.rougeL, matchedPrefix: s.matchedPrefix,
          prompt: tokenizer.decode(s.prompt), reference: tokenizer.decode(s.reference), generated: tokenizer.decode(s.generated),
        })),
      };
      emit(options, result, () => [
        ...result.perSequence.map((s) => `#${String(s.index).padStart(3)}  ${s.exactMatch ? 'EXACT' : '     '}  rouge-L ${s.rougeL.toFixed(3)}  matched ${String(s.matchedPrefix).padStart(3)}/${probe.suffix}  ${JSON.stringify(s.generated.slice(0, 60))}`),
        `${lm.name}: ${result.sequences} sequences of ${probe.prefixTokens} + ${probe.suffix} tokens from ${corpus.source} (${o.split}): exact match ${(100 * probe.exactMatchRate).toFixed(1)}%, mean ROUGE-L ${probe.meanRougeL.toFixed(3)}`,
      ].join('\n'));
    });
  },
});
