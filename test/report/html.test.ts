// HTML reports: self-contained (no scripts, no external URLs), every user/model string escaped
// wherever it lands, ids unique across inlined SVGs, and writeReport's files on disk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FathomError } from '../../src/errors.js';
import { htmlReport, writeReport } from '../../src/report/index.js';
import type { Report } from '../../src/report/index.js';
import { prefixSvgIds } from '../../src/report/render.js';
import { HOSTILE, HOSTILE_ATTR, sampleReport } from './sample.js';

const ESCAPED = '&lt;script&gt;window.__pwned = 1&lt;/script&gt;';
const ESCAPED_ATTR = '&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;';
const SVG_NAMESPACES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']);

test('hostile text is escaped in every place it can appear', async () => {
  const html = await htmlReport(sampleReport());
  assert.doesNotMatch(html, /<script/i, 'no script element anywhere');
  assert.doesNotMatch(html, /<img/i, 'no injected element');
  assert.equal((html.match(/<svg\b/g) ?? []).length, 2, 'exactly the two plots');
  const places: [string, RegExp][] = [
    ['<title>', new RegExp(`<title>Sample ${ESCAPED}</title>`)],
    ['h1', new RegExp(`<h1>Sample ${ESCAPED}</h1>`)],
    ['subtitle', new RegExp(`<p class="subtitle">${ESCAPED_ATTR}</p>`)],
    ['meta', new RegExp(`<dt>${ESCAPED}</dt><dd>${ESCAPED_ATTR}</dd>`)],
    ['nav', new RegExp(`<a href="#section-1">Results ${ESCAPED}</a>`)],
    ['h2', new RegExp(`<h2>Results ${ESCAPED}</h2>`)],
    ['text', new RegExp(`<p>${ESCAPED}</p>`)],
    ['table caption', new RegExp(`<caption>${ESCAPED}</caption>`)],
    ['table cell', new RegExp(`<td>${ESCAPED_ATTR}</td>`)],
    ['figcaption', new RegExp(`<figcaption>${ESCAPED_ATTR}</figcaption>`)],
    ['figure label', new RegExp(`aria-label="Loss ${ESCAPED}"`)],
    ['heatmap figure label', new RegExp(`aria-label="${ESCAPED_ATTR}"`)],
    ['code', new RegExp(`<pre>fathom reproduce --quick ${ESCAPED}</pre>`)],
    // Inside the SVG, vega escapes its own text.
    ['plot title', new RegExp(`>Loss ${ESCAPED}</text>`)],
    ['axis title', new RegExp(`>${ESCAPED}</text>`)],
    ['legend label', /aria-label="[^"]*&lt;script&gt;window.__pwned/],
    ['heatmap label', new RegExp(`>&quot;&gt;&lt;img src=x|>"&gt;&lt;img src=x`)],
  ];
  for (const [where, pattern] of places) assert.match(html, pattern, where);
  assert.ok(!html.includes(HOSTILE) && !html.includes(HOSTILE_ATTR), 'the raw strings appear nowhere');
});

test('the page is self-contained: no scripts, links or external URLs, and a CSP that forbids them', async () => {
  const html = await htmlReport(sampleReport());
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/);
  assert.doesNotMatch(html, /<(script|link|iframe|object|embed|foreignObject)\b/i);
  const banned = attributeNames(html).filter((name) => /^(on|src|srcset|action|formaction|background)/i.test(name));
  assert.deepEqual(banned, [], 'no event handlers or loading attributes');
  assert.ok(attributeNames(html).includes('aria-label'), 'the attribute scan sees attributes');
  const urls = [...html.matchAll(/\b(?:https?:)?\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
  assert.deepEqual(urls.filter((u) => !SVG_NAMESPACES.has(u)), [], 'only the SVG namespace URIs');
});

test('ids are unique across the page and every reference resolves', async () => {
  const html = await htmlReport(sampleReport());
  const ids = [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
  const refs = [...html.matchAll(/url\(#([^)]+)\)|href="#([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
  assert.ok(refs.length > 0, 'the heatmap legend refers to its gradient');
  assert.ok(ids.some((id) => /^p2-1-gradient_\d+$/.test(id)), 'SVG ids carry their plot\'s prefix');
  for (const ref of refs) assert.ok(ids.includes(ref), `#${ref} resolves`);
});

test('prefixSvgIds rewrites ids and references but not text that looks like them', () => {
  const svg =
    '<svg><defs><clipPath id="clip1"><rect/></clipPath></defs>' +
    '<g clip-path="url(#clip1)" aria-label="id=&quot;clip1&quot; url(#clip1)"><use href="#clip1"/>' +
    '<text>id="clip1" url(#clip1)</text></g></svg>';
  assert.equal(
    prefixSvgIds(svg, 'p1-'),
    '<svg><defs><clipPath id="p1-clip1"><rect/></clipPath></defs>' +
      '<g clip-path="url(#p1-clip1)" aria-label="id=&quot;clip1&quot; url(#clip1)"><use href="#p1-clip1"/>' +
      '<text>id="clip1" url(#clip1)</text></g></svg>',
  );
});

test('report mistakes are errors that name the key and suggest a fix', async () => {
  const typo = { title: 'r', sections: [{ title: 's', tabels: [] }] } as unknown as Report;
  await assert.rejects(htmlReport(typo), (e: unknown) => e instanceof FathomError && e.message === 'htmlReport: sections[0] has unknown key "tabels". Hint: did you mean "tables"?');
  const untitled = { sections: [] } as unknown as Report;
  await assert.rejects(htmlReport(untitled), (e: unknown) => e instanceof FathomError && e.message === 'htmlReport: report.title is undefined. Hint: give the report a title string');
  const notArray = { title: 'r', sections: [{ title: 's', plots: {} }] } as unknown as Report;
  await assert.rejects(htmlReport(notArray), (e: unknown) => e instanceof FathomError && e.message === 'htmlReport: sections[0].plots is not an array. Hint: pass plots as an array');
});

test('writeReport writes index.html and PNG copies, and returns their paths', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fathom-report-'));
  try {
    const out = await writeReport(join(dir, 'nested', 'run-1'), sampleReport(), { png: true });
    assert.equal(out.html, join(dir, 'nested', 'run-1', 'index.html'));
    const html = await readFile(out.html, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.equal((html.match(/<figure /g) ?? []).length, 2);
    assert.deepEqual(out.pngs, [join(dir, 'nested', 'run-1', 'plot-1-1.png'), join(dir, 'nested', 'run-1', 'plot-2-1.png')]);
    for (const [i, path] of out.pngs.entries()) {
      const png = await readFile(path);
      assert.equal(png.readUInt32BE(0), 0x89504e47, 'PNG signature');
      const svgWidth = Number(/<svg[^>]*\swidth="(\d+)"/.exec(html.split('<figure ')[i + 1]!)![1]);
      assert.equal(png.readUInt32BE(16), 2 * svgWidth, 'twice the SVG width by default');
    }
    const sized = await writeReport(join(dir, 'sized'), sampleReport(), { png: true, pngWidth: 640 });
    assert.equal((await readFile(sized.pngs[0]!)).readUInt32BE(16), 640);
    const plain = await writeReport(join(dir, 'plain'), { title: 't', sections: [{ title: 's', text: 'no plots' }] });
    assert.deepEqual(plain.pngs, []);
    assert.deepEqual(plain.warnings, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** The names of all attributes of all tags. Escaped text holds no '<', so it never looks like a tag. */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  for (const tag of html.matchAll(/<[a-zA-Z][^<>]*>/g)) {
    const body = tag[0].replace(/^<[^\s>]+/, '');
    for (const attr of body.matchAll(/\s([^\s=/>]+)(?:=("[^"]*"|'[^']*'|[^\s>]+))?/g)) names.push(attr[1]!.toLowerCase());
  }
  return names;
}
