// `fathom goldfish-mask`: which tokens of a text the Goldfish loss leaves out
// (../shared/papers/08-axonn.md), for inspecting a strategy before training with it.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { GOLDFISH_DEFAULTS, GOLDFISH_STRATEGIES, goldfishMask, resolveTokenizer, type GoldfishStrategy, type Tokenizer } from '../../data/index.js';
import { emit, globalOptions } from '../context.js';
import { registerCommand } from '../registry.js';
import { inputText, tokenText } from './tokenizer.js';

/**
 * The text with dropped tokens in [brackets]. Tokens that are pieces of one character (bytes of
 * an em dash) are shown together when kept or dropped alike, else byte by byte as <xx>.
 */
function renderMasked(tokenizer: Tokenizer, ids: number[], mask: Float32Array): string {
  let out = '';
  for (let i = 0; i < ids.length;) {
    let j = i + 1;
    while (j < ids.length && j - i < 8 && tokenizer.decode(ids.slice(i, j)).includes('\uFFFD')) j++;
    const group = ids.slice(i, j);
    const weights = Array.from(mask.subarray(i, j));
    if (weights.every((w) => w === weights[0])) {
      const text = tokenizer.decode(group);
      out += weights[0] === 0 ? `[${text}]` : text;
    } else {
      for (let g = 0; g < group.length; g++) {
        const text = tokenText(tokenizer, group[g]!);
        const shown = text.length === 1 && tokenizer.vocabSize === 256 ? `<${group[g]!.toString(16).padStart(2, '0')}>` : text;
        out += weights[g] === 0 ? `[${shown}]` : shown;
      }
    }
    i = j;
  }
  return out;
}

function wholeNumber(flag: string, value: string, min: number, example: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${value}"`, `pass e.g. ${flag} ${example}`);
  return n;
}

registerCommand({
  name: 'goldfish-mask',
  summary: 'show which tokens of a text the Goldfish loss drops (static, seeded-random, hash-table)',
  examples: [
    'fathom goldfish-mask --k 4 --h 13 --strategy hash-table --text "Call me Ishmael. Some years ago..."',
    'fathom goldfish-mask --strategy static --k 3 --text "abcdefghi" --json',
    'fathom goldfish-mask --tokenizer tok.json --file passage.txt',
  ],
  define(cmd: Command) {
    cmd
      .option('--strategy <name>', `${GOLDFISH_STRATEGIES.join(', ')}`, 'hash-table')
      .option('--k <n>', 'drop rate 1/k (the paper: 4)', '4')
      .option('--h <n>', 'hash-table: ids hashed per decision (the paper: 13)', String(GOLDFISH_DEFAULTS.h))
      .option('--start <n>', 'static: the first dropped position (default k-1: the k-th, 2k-th, ... tokens)')
      .option('--seed <n>', 'seeded-random and hash-table: generator seed', String(GOLDFISH_DEFAULTS.seed))
      .option('--table-size <n>', 'hash-table: table size', String(GOLDFISH_DEFAULTS.tableSize))
      .option('--tokenizer <byte|file>', "'byte' or a tokenizer.json path", 'byte')
      .option('--text <text>', 'the text to mask')
      .option('--file <path>', 'mask the contents of this file instead');
    cmd.action((o: { strategy: string; k: string; h: string; start?: string; seed: string; tableSize: string; tokenizer: string; text?: string; file?: string }) => {
      const options = globalOptions(cmd);
      if (!(GOLDFISH_STRATEGIES as readonly string[]).includes(o.strategy)) {
        throw new UsageError(`--strategy "${o.strategy}" is not one of ${GOLDFISH_STRATEGIES.join(', ')}`, 'pass --strategy hash-table (the paper\'s choice)');
      }
      const strategy = o.strategy as GoldfishStrategy;
      const k = wholeNumber('--k', o.k, 2, '4');
      const h = wholeNumber('--h', o.h, 1, '13');
      const seed = wholeNumber('--seed', o.seed, 0, '0');
      const start = o.start === undefined ? k - 1 : wholeNumber('--start', o.start, 0, String(k - 1));
      const tableSize = wholeNumber('--table-size', o.tableSize, 2, '1000003');
      const text = inputText(o);
      const tokenizer = resolveTokenizer(o.tokenizer);
      const ids = tokenizer.encode(text);
      const mask = goldfishMask(ids, { strategy, k, h, seed, tableSize, start });
      const tokens = Array.from(ids, (id, i) => ({ position: i, id, text: tokenText(tokenizer, id), weight: mask[i]! }));
      const dropped = tokens.filter((t) => t.weight === 0).length;
      const result = {
        strategy, k, ...(strategy === 'static' ? { start } : {}), ...(strategy === 'hash-table' ? { h, tableSize } : {}), ...(strategy !== 'static' ? { seed } : {}),
        tokenizer: o.tokenizer, count: ids.length, dropped, dropRate: ids.length ? dropped / ids.length : 0, tokens,
      };
      emit(options, result, () => [
        `${strategy}, k=${k}${strategy === 'hash-table' ? `, h=${h}` : ''}: dropped ${dropped} of ${ids.length} tokens (${(100 * result.dropRate).toFixed(1)}%; expected ${(100 / k).toFixed(1)}%${strategy === 'hash-table' ? ` of positions ≥ h-1` : ''})`,
        'dropped tokens are shown in [brackets]:',
        renderMasked(tokenizer, Array.from(ids), mask),
      ].join('\n'));
    });
  },
});
