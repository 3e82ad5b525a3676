// `fathom goldfish-mask` and `fathom tokenizer train|encode|decode`, run as users run them.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { byteTokenizer, goldfishMask, loadTokenizer } from '../../src/data/index.js';
import { fathom, tempDir } from '../helpers/cli.js';

test('goldfish-mask shows the dropped tokens; --json gives per-token weights equal to goldfishMask', () => {
  const human = fathom(['goldfish-mask', '--strategy', 'static', '--k', '3', '--text', 'abcdefghi']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /static, k=3: dropped 3 of 9 tokens \(33\.3%; expected 33\.3%\)/);
  assert.match(human.stdout, /ab\[c\]de\[f\]gh\[i\]/);

  const text = 'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse.';
  const r = fathom(['goldfish-mask', '--k', '4', '--h', '13', '--strategy', 'hash-table', '--text', text, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { strategy: string; k: number; h: number; tableSize: number; count: number; dropped: number; tokens: { id: number; weight: number }[] };
  const expected = goldfishMask(byteTokenizer().encode(text), { strategy: 'hash-table', k: 4, h: 13 });
  assert.deepEqual(out.tokens.map((t) => t.weight), Array.from(expected));
  assert.equal(out.dropped, Array.from(expected).filter((w) => w === 0).length);
  assert.equal(out.tableSize, 1_000_003);
  assert.deepEqual(out.tokens.map((t) => t.id), Array.from(byteTokenizer().encode(text)));
});

test('goldfish-mask usage errors exit 2 with the fix', () => {
  const k = fathom(['goldfish-mask', '--k', '1', '--text', 'abc']);
  assert.equal(k.code, 2);
  assert.match(k.stderr, /--k must be a whole number ≥ 2, got "1"\. Hint: pass e\.g\. --k 4/);
  const s = fathom(['goldfish-mask', '--strategy', 'hash', '--text', 'abc']);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /--strategy "hash" is not one of static, seeded-random, hash-table/);
  const none = fathom(['goldfish-mask']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no input text\. Hint: pass --text "\.\.\." or --file <path>/);
});

test('tokenizer train writes a tokenizer.json that encode and decode use', () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, 'the whale, the white whale; the sea and the ship. '.repeat(100));
  const out = join(dir, 'tok.json');
  const train = fathom(['tokenizer', 'train', '--corpus', corpus, '--vocab', '300', '--out', out, '--json']);
  assert.equal(train.code, 0, train.stderr);
  const result = JSON.parse(train.stdout) as { vocabSize: number; merges: number; corpusTokens: number; bytesPerToken: number };
  assert.ok(existsSync(out));
  const tok = loadTokenizer(out);
  assert.equal(result.vocabSize, tok.vocabSize);
  assert.ok(result.bytesPerToken > 3, `bytes per token ${result.bytesPerToken}`);

  const enc = fathom(['tokenizer', 'encode', '--tokenizer', out, '--text', 'the white whale', '--json']);
  assert.equal(enc.code, 0, enc.stderr);
  const e = JSON.parse(enc.stdout) as { ids: number[]; tokens: string[] };
  assert.deepEqual(e.ids, Array.from(tok.encode('the white whale')));
  const dec = fathom(['tokenizer', 'decode', '--tokenizer', out, '--ids', e.ids.join(',')]);
  assert.equal(dec.stdout, 'the white whale\n');

  const small = fathom(['tokenizer', 'train', '--corpus', corpus, '--vocab', '10', '--out', out]);
  assert.equal(small.code, 2);
  assert.match(small.stderr, /--vocab must be a whole number ≥ 257, got "10"/);
  const missing = fathom(['tokenizer', 'encode', '--tokenizer', join(dir, 'nope.json'), '--text', 'x']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /loadTokenizer: cannot read .*nope\.json \(ENOENT\)/);
});
