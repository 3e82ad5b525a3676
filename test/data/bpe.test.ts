// Byte-level BPE: the merge loop and the trainer by hand, determinism, save/load, and equality of
// a trained tokenizer with @huggingface/tokenizers; pre-tokenization split behaviours and the
// Oniguruma → JavaScript pattern translation.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Tokenizer as Reference } from '@huggingface/tokenizers';
import { BpeModel } from '../../src/data/bpe.js';
import { BYTE_TO_CHAR, fromByteLevel, toByteLevel } from '../../src/data/bytes.js';
import { loadTokenizer, saveTokenizer, trainBpe } from '../../src/data/index.js';
import { compilePattern, splitText, translatePattern, GPT2_PATTERN } from '../../src/data/pretokenize.js';
import { mobyPassage, TEXTS } from './texts.js';

test('the byte-to-unicode table is GPT-2\'s', () => {
  assert.equal(BYTE_TO_CHAR[32], 'Ġ');
  assert.equal(BYTE_TO_CHAR[10], 'Ċ');
  assert.equal(BYTE_TO_CHAR[65], 'A');
  assert.equal(BYTE_TO_CHAR[0], 'Ā');
  assert.equal(BYTE_TO_CHAR[0xad], 'Ń'); // soft hyphen: the 68th unprintable byte → U+0100 + 67
  assert.equal(new Set(BYTE_TO_CHAR).size, 256);
  assert.equal(toByteLevel(' é'), 'ĠÃ©');
  assert.equal(fromByteLevel('ĠÃ©'), ' é');
});

test('the merge loop: lowest rank first, leftmost on ties, merges do not overlap', () => {
  const vocab = new Map(['a', 'b', 'c', 'ab', 'bc', 'aa', 'abc'].map((t, i) => [t, i] as [string, number]));
  const model = new BpeModel({ vocab, merges: [['b', 'c'], ['a', 'b'], ['a', 'a'], ['a', 'bc']] });
  // "abc": b c (rank 0) before a b (rank 1), then a bc → abc.
  assert.deepEqual(Array.from(model.tokenize('abc')), [6]);
  // "abab": only a b applies → ab ab.
  assert.deepEqual(Array.from(model.tokenize('abab')), [3, 3]);
  // "aaa": a a at position 0 first (leftmost), leaving the last a.
  assert.deepEqual(Array.from(model.tokenize('aaa')), [5, 0]);
  assert.deepEqual(Array.from(model.tokenize('')), []);
  assert.throws(() => model.tokenize('x'), /the character "x" \(U\+0078\) is not in the vocabulary and the model has no unk_token/);
  // ignore_merges: a word in the vocabulary is emitted whole even where merges would split it.
  const whole = new BpeModel({ vocab, merges: [['a', 'b']], ignoreMerges: true });
  assert.deepEqual(Array.from(whole.tokenize('abc')), [6]);
  assert.deepEqual(Array.from(new BpeModel({ vocab, merges: [['a', 'b']] }).tokenize('abc')), [3, 2]);
});

test('training by hand: counts decide, the smaller (left, right) id pair breaks ties', () => {
  // Words "ab", "Ġab", "Ġab": (a,b) 3 times, (Ġ,a) twice → merge a b, then Ġ ab; nothing else repeats.
  const tok = trainBpe('ab ab ab', { vocabSize: 300 });
  const json = tok.toJSON() as { model: { merges: string[]; vocab: Record<string, number> }; added_tokens: { id: number; content: string }[] };
  assert.deepEqual(json.model.merges, ['a b', 'Ġ ab']);
  assert.equal(json.model.vocab.ab, 256);
  assert.equal(json.model.vocab['Ġab'], 257);
  assert.deepEqual(json.added_tokens.map((t) => [t.id, t.content]), [[258, '<|endoftext|>']]);
  assert.equal(tok.vocabSize, 259);
  assert.deepEqual(Array.from(tok.encode('ab ab')), [256, 257]);
  // All pairs seen once, minFrequency 1: ties go to the smaller ids: (Ġ=32, c=99) < (a=97, b=98) < (Ġc=256, d=100).
  const tie = trainBpe('ab cd', { vocabSize: 260, minFrequency: 1, specialTokens: [] });
  assert.deepEqual((tie.toJSON() as { model: { merges: string[] } }).model.merges, ['Ġ c', 'a b', 'Ġc d']);
  assert.equal(tie.vocabSize, 259, 'the corpus ran out of pairs before 260');
  // Special tokens are never split and never part of a merge.
  const sp = trainBpe('xy<|endoftext|>xy<|endoftext|>', { vocabSize: 300 });
  assert.deepEqual((sp.toJSON() as { model: { merges: string[] } }).model.merges, ['x y']);
  assert.deepEqual(Array.from(sp.encode('xy<|endoftext|>')), [256, 257]);
});

test('training is deterministic and round-trips through tokenizer.json; @huggingface/tokenizers encodes identically', () => {
  const text = mobyPassage();
  const a = trainBpe(text, { vocabSize: 600 });
  const b = trainBpe(text, { vocabSize: 600 });
  assert.deepEqual(a.toJSON(), b.toJSON());
  assert.equal(a.vocabSize, 600);
  const path = join(mkdtempSync(join(tmpdir(), 'fathom-bpe-')), 'tok.json');
  saveTokenizer(a, path);
  const loaded = loadTokenizer(path);
  const ref = new Reference(JSON.parse(readFileSync(path, 'utf8')) as object, {});
  for (const t of [...TEXTS, text]) {
    const ids = Array.from(loaded.encode(t));
    assert.deepEqual(ids, Array.from(a.encode(t)));
    assert.deepEqual(ids, ref.encode(t, { add_special_tokens: false }).ids, `reference on ${JSON.stringify(t.slice(0, 40))}`);
    assert.equal(loaded.decode(ids), t);
  }
  // Compression: a 600-token BPE needs far fewer tokens than bytes.
  assert.ok(a.encode(text).length < 0.5 * Buffer.byteLength(text));
});

test('training errors name the option and the fix', () => {
  assert.throws(() => trainBpe('abc', { vocabSize: 100 }), /trainBpe: vocabSize must be a whole number ≥ 257 \(256 bytes \+ 1 special tokens\), got 100\. Hint: pass e\.g\. vocabSize: 1024/);
  assert.throws(() => trainBpe('', { vocabSize: 300 }), /the training text is empty/);
  assert.throws(() => trainBpe('abc', { vocabSize: 300, minFrequency: 0 }), /minFrequency must be a whole number ≥ 1, got 0/);
  assert.throws(() => trainBpe('abc', { vocabSize: 300, specialTokens: ['<s>', '<s>'] }), /has an empty or repeated entry/);
});

test('split behaviours follow Hugging Face\'s documented example', () => {
  const re = /-/gu;
  const text = 'the-final--countdown';
  assert.deepEqual(splitText(text, re, 'Removed'), ['the', 'final', 'countdown']);
  assert.deepEqual(splitText(text, re, 'Isolated'), ['the', '-', 'final', '-', '-', 'countdown']);
  assert.deepEqual(splitText(text, re, 'MergedWithPrevious'), ['the-', 'final-', '-', 'countdown']);
  assert.deepEqual(splitText(text, re, 'MergedWithNext'), ['the', '-final', '-', '-countdown']);
  assert.deepEqual(splitText(text, re, 'Contiguous'), ['the', '-', 'final', '--', 'countdown']);
  assert.deepEqual(splitText(text, re, 'Removed', true), ['-', '-', '-']);
});

test('GPT-2 pre-tokenization and the pattern translation', () => {
  const re = compilePattern(GPT2_PATTERN);
  assert.deepEqual(splitText("Hello world, it's 2024!!  ok", re, 'Isolated'), ['Hello', ' world', ',', ' it', "'s", ' 2024', '!!', ' ', ' ok']);
  assert.equal(translatePattern("(?i:'s|'t)"), "(?:'[sS]|'[tT])");
  assert.equal(translatePattern('[^\\s\\p{L}]+\\s+(?!\\S)'), '[^\\p{White_Space}\\p{L}]+\\p{White_Space}+(?!\\P{White_Space})');
  const llama = compilePattern("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
  assert.deepEqual(splitText("SHE'S 12345", llama, 'Isolated'), ['SHE', "'S", ' ', '123', '45']);
  assert.throws(() => translatePattern('(?>a)'), /an atomic group \(\?>…\)/);
  assert.throws(() => translatePattern('a++'), /a possessive quantifier/);
});
