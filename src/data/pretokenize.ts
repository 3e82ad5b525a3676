// Pre-tokenization as Hugging Face `tokenizers` does it: regex splits with the five split
// behaviours, GPT-2's ByteLevel split, and the translation of Oniguruma patterns (the syntax
// tokenizer.json files are written for) into JavaScript `u`-mode RegExps.
import { NotImplementedError } from '../errors.js';
import { toByteLevel } from './bytes.js';
import { DataError } from './errors.js';

/** GPT-2's pre-tokenization pattern (openai/gpt-2 encoder.py; HF ByteLevel's `use_regex`). */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

// Oniguruma's Unicode shorthands. JavaScript's \s differs (it has U+FEFF, lacks U+0085), so
// both are spelled as the White_Space property; \d and \w likewise.
const SHORTHANDS: Record<string, string> = {
  s: '\\p{White_Space}', S: '\\P{White_Space}',
  d: '\\p{Nd}', D: '\\P{Nd}',
};
const SHORTHANDS_IN_CLASS: Record<string, string> = {
  s: '\\p{White_Space}', d: '\\p{Nd}',
};

/**
 * An Oniguruma pattern as a JavaScript RegExp source: `(?i:…)` groups become case-folded ASCII
 * letters, shorthands become Unicode properties. Constructs that cannot be translated exactly
 * are errors naming the construct.
 */
export function translatePattern(pattern: string): string {
  let out = '';
  let inClass = false;
  const groups: boolean[] = []; // per open group: does it make its content case-insensitive?
  const caseless = (): boolean => groups.some(Boolean);
  const unsupported = (what: string): never => {
    throw new NotImplementedError(`tokenizer.json: the regex construct ${what} in ${JSON.stringify(pattern)} is not supported`, 'use a tokenizer whose pre-tokenizer pattern avoids it');
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) unsupported('a trailing backslash');
      i++;
      if (e === 'w' || e === 'W' || e === 'G' || e === 'X' || e === 'K' || e === 'R' || e === 'h' || e === 'H') unsupported(`\\${e}`);
      if (!inClass && SHORTHANDS[e!] !== undefined) out += SHORTHANDS[e!];
      else if (inClass && SHORTHANDS_IN_CLASS[e!] !== undefined) out += SHORTHANDS_IN_CLASS[e!];
      else if (inClass && (e === 'S' || e === 'D')) unsupported(`\\${e} inside a character class`);
      else if (e === 'p' || e === 'P') {
        const close = pattern.indexOf('}', i);
        out += `\\${e}${pattern.slice(i + 1, close + 1)}`;
        i = close;
      } else out += `\\${e}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[') unsupported('a nested character class');
      else if (caseless() && /[a-zA-Z]/.test(c)) {
        if (pattern[i + 1] === '-') unsupported('a letter range inside (?i:…)');
        out += c.toLowerCase() + c.toUpperCase();
        continue;
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') { out += '^'; i++; }
      if (pattern[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(') {
      if (pattern.startsWith('(?i:', i)) {
        groups.push(true);
        out += '(?:';
        i += 3;
        continue;
      }
      if (pattern.startsWith('(?>', i)) unsupported('an atomic group (?>…)');
      if (/^\(\?[imx-]+[:)]/.test(pattern.slice(i))) unsupported('an inline option group');
      groups.push(false);
      out += c;
      continue;
    }
    if (c === ')') {
      groups.pop();
      out += c;
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && pattern[i + 1] === '+') unsupported('a possessive quantifier');
    if (caseless() && /[a-zA-Z]/.test(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
      continue;
    }
    out += c;
  }
  return out;
}

/** Compiles an Oniguruma pattern for global matching in JavaScript. */
export function compilePattern(pattern: string): RegExp {
  const source = translatePattern(pattern);
  try {
    return new RegExp(source, 'gu');
  } catch (err) {
    throw new DataError(`tokenizer.json: the pattern ${JSON.stringify(pattern)} does not compile (${(err as Error).message})`, 'check the pre-tokenizer\'s Split pattern');
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
export const SPLIT_BEHAVIORS: readonly SplitBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/** Splits `text` at the matches of `re` (a 'gu' RegExp) with one of HF's split behaviours. */
export function splitText(text: string, re: RegExp, behavior: SplitBehavior, invert = false): string[] {
  if (behavior === 'Isolated') return splitIsolated(text, re);
  // [start, end, isMatch] segments covering the text, like HF's `find_matches`.
  const segs: [number, number, boolean][] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index, end = start + m[0].length;
    if (end === start) { re.lastIndex++; continue; }
    if (start > last) segs.push([last, start, invert]);
    segs.push([start, end, !invert]);
    last = end;
  }
  if (last < text.length) segs.push([last, text.length, invert]);

  let kept: [number, number][];
  if (behavior === 'Removed') kept = segs.filter((g) => !g[2]).map(([s, e]) => [s, e]);
  else {
    kept = [];
    let previousMatch = false;
    const ordered = behavior === 'MergedWithNext' ? [...segs].reverse() : segs;
    for (const [s, e, isMatch] of ordered) {
      const merge = behavior === 'Contiguous' ? isMatch === previousMatch : isMatch && !previousMatch;
      const lastKept = kept[kept.length - 1];
      if (merge && lastKept) {
        if (behavior === 'MergedWithNext') lastKept[0] = s;
        else lastKept[1] = e;
      } else kept.push([s, e]);
      previousMatch = isMatch;
    }
    if (behavior === 'MergedWithNext') kept.reverse();
  }
  return kept.filter(([s, e]) => e > s).map(([s, e]) => text.slice(s, e));
}

/** The common case, without intermediate segments: every match and every gap is a piece. */
function splitIsolated(text: string, re: RegExp): string[] {
  const out: string[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index, end = start + m[0].length;
    if (end === start) { re.lastIndex++; continue; }
    if (start > last) out.push(text.slice(last, start));
    out.push(m[0]);
    last = end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A pre-tokenizer step: pieces in, pieces out. */
export type PreTokenizer = (pieces: string[]) => string[];

let gpt2Regex: RegExp | undefined;

/** HF's ByteLevel pre-tokenizer: optional prefix space, GPT-2 regex split, bytes → characters. */
export function byteLevelPreTokenizer(addPrefixSpace: boolean, useRegex: boolean): PreTokenizer {
  gpt2Regex ??= compilePattern(GPT2_PATTERN);
  const re = gpt2Regex;
  // Words repeat, so their byte-level spelling is memoised (bounded).
  const memo = new Map<string, string>();
  const byteLevel = (s: string): string => {
    if (s.length > 256) return toByteLevel(s);
    let b = memo.get(s);
    if (b === undefined) {
      b = toByteLevel(s);
      if (memo.size >= 100_000) memo.clear();
      memo.set(s, b);
    }
    return b;
  };
  return (pieces) => {
    const out: string[] = [];
    for (let p of pieces) {
      if (addPrefixSpace && !p.startsWith(' ')) p = ` ${p}`;
      if (!useRegex) { out.push(byteLevel(p)); continue; }
      for (const part of splitIsolated(p, re)) out.push(byteLevel(part));
    }
    return out;
  };
}

export function splitPreTokenizer(re: RegExp, behavior: SplitBehavior, invert: boolean): PreTokenizer {
  return (pieces) => pieces.flatMap((p) => splitText(p, re, behavior, invert));
}
