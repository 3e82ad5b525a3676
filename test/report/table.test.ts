// Tables: numbers right-aligned with one number of decimals per column, every cell and header
// HTML-escaped, terminal renderings aligned, and column mistakes reported with a suggestion.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FathomError } from '../../src/errors.js';
import { escapeHtml, formatNumber, table, textTable } from '../../src/report/index.js';

const rows = [
  { model: 'llama', acc: 0.8123, n: 1000, loss: 1e-7 },
  { model: 'a|b', acc: 0.79, n: 20, loss: 0.5 },
  { model: 'gpt\nmini', acc: NaN, n: null, loss: -Infinity },
];

/** The text of every <td> of an HTML table, row by row. */
function cells(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/gs)]
    .map((r) => [...r[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1]!))
    .filter((r) => r.length > 0);
}

test('table formats each numeric column with one number of decimals and right-aligns it', () => {
  const html = table(rows);
  assert.deepEqual(cells(html), [
    ['llama', '0.8123', '1000', '1.00e-7'],
    ['a|b', '0.7900', '20', '0.5000'],
    ['gpt\nmini', 'NaN', '—', '−∞'],
  ]);
  assert.match(html, /<th>model<\/th><th class="num" style="text-align:right">acc<\/th>/);
  assert.equal((html.match(/<td class="num"/g) ?? []).length, 9, 'three numeric columns × three rows');
  assert.equal((html.match(/<td>/g) ?? []).length, 3, 'the text column stays left-aligned');
});

test('table picks, orders, labels and formats columns', () => {
  const html = table(rows, [
    { key: 'n', label: 'items' },
    { key: 'acc', label: 'accuracy', decimals: 1 },
    { key: 'model', format: (v) => String(v).toUpperCase() },
  ], { caption: 'results' });
  assert.match(html, /<caption>results<\/caption><thead><tr><th class="num"[^>]*>items<\/th><th class="num"[^>]*>accuracy<\/th><th>model<\/th>/);
  assert.deepEqual(cells(html)[0], ['1000', '0.8', 'LLAMA']);
});

test('table escapes cells, headers, captions and formatted text', () => {
  const hostile = '<script>alert(1)</script>';
  const html = table([{ [hostile]: `<img src=x onerror=alert(1)>`, b: '"quoted" & \'single\'' }], undefined, { caption: hostile });
  assert.doesNotMatch(html, /<script|<img/);
  assert.match(html, /<th>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/th>/);
  assert.match(html, /<td>&lt;img src=x onerror=alert\(1\)&gt;<\/td>/);
  assert.match(html, /<td>&quot;quoted&quot; &amp; &#39;single&#39;<\/td>/);
  assert.match(html, /<caption>&lt;script&gt;/);
  const formatted = table([{ a: 1 }], [{ key: 'a', format: () => '<b>bold</b>' }]);
  assert.match(formatted, /<td[^>]*>&lt;b&gt;bold&lt;\/b&gt;<\/td>/);
});

test('textTable renders an aligned markdown table, escaping pipes and flattening newlines', () => {
  assert.equal(
    textTable(rows),
    [
      '| model    |    acc |    n |    loss |',
      '|:---------|-------:|-----:|--------:|',
      '| llama    | 0.8123 | 1000 | 1.00e-7 |',
      '| a\\|b     | 0.7900 |   20 |  0.5000 |',
      '| gpt mini |    NaN |    — |      −∞ |',
    ].join('\n'),
  );
});

test('textTable renders plain columns', () => {
  assert.equal(
    textTable(rows, ['model', { key: 'acc', label: 'accuracy', decimals: 2 }], { style: 'plain' }),
    ['model     accuracy', '--------  --------', 'llama         0.81', 'a|b           0.79', 'gpt mini       NaN'].join('\n'),
  );
});

test('an unknown column suggests the closest key', () => {
  assert.throws(
    () => table([{ accuracy: 1 }], ['acuracy']),
    (e: unknown) => e instanceof FathomError && e.message === 'table: column "acuracy" is not a key of any row. Hint: did you mean "accuracy"?',
  );
  assert.throws(
    () => textTable([{ accuracy: 1, loss: 2 }], ['zzzzzzzz']),
    (e: unknown) => e instanceof FathomError && e.message === 'textTable: column "zzzzzzzz" is not a key of any row. Hint: the rows\' keys are "accuracy", "loss"',
  );
});

test('a cell holding an object is an error that names it', () => {
  assert.throws(
    () => table([{ a: 1 }, { a: { nested: true } } as never]),
    (e: unknown) => e instanceof FathomError && e.message === 'table: rows[1].a is object. Hint: format it to a string first, or give the column a format function',
  );
  assert.throws(
    () => table([null as never]),
    (e: unknown) => e instanceof FathomError && e.message === 'table: rows[0] is null, not an object. Hint: pass each row as {column: value}',
  );
});

test('formatNumber and escapeHtml', () => {
  assert.deepEqual(
    [0, 3, -2.5, 1234.5, 1e20, -1e-9, NaN, Infinity].map((x) => formatNumber(x)),
    ['0', '3', '-2.500', '1235', '1.00e+20', '-1.00e-9', 'NaN', '∞'],
  );
  assert.equal(formatNumber(0.5, 3), '0.500');
  assert.equal(formatNumber(2, 2), '2.00');
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
