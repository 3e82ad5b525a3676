// The sample report (a table, a line plot with error bars, a heatmap, hostile strings
// throughout) opened from disk in headless Chromium: no console or page errors, no requests
// beyond the file itself, nothing injected, and both plots present and visible.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeReport } from '../../src/report/index.js';
import { sampleReport } from './sample.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}; apt-get install -y chromium enables this test`;

test('the sample report opens in Chromium without errors, with its plots visible', { skip, timeout: 60_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const dir = await mkdtemp(join(tmpdir(), 'fathom-report-browser-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  try {
    const { html } = await writeReport(dir, sampleReport());
    const url = pathToFileURL(html).href;
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });

    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url], 'the page loads nothing but itself');

    const state = await page.evaluate(() => {
      // The project compiles without the DOM lib; these are the few browser types used here.
      const { document, __pwned } = globalThis as unknown as { document: Doc; __pwned?: number };
      const figures = Array.from(document.querySelectorAll('figure'));
      return {
        title: document.title,
        injected: document.querySelectorAll('script, img, iframe, object, embed').length,
        pwned: __pwned ?? null,
        tables: document.querySelectorAll('table.fathom-table tbody tr').length,
        figures: figures.map((f) => {
          const svg = f.querySelector(':scope > svg');
          const box = svg?.getBoundingClientRect();
          return {
            kind: f.className,
            svgs: f.querySelectorAll(':scope > svg').length,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            rules: f.querySelectorAll('g.mark-rule.role-mark > line').length,
            lines: f.querySelectorAll('g.mark-line.role-mark > path').length,
            cells: f.querySelectorAll('g.mark-rect.role-mark > path').length,
          };
        }),
      };
    });
    assert.equal(state.title, 'Sample <script>window.__pwned = 1</script>', 'escaped text reads back as the original string');
    assert.equal(state.injected, 0);
    assert.equal(state.pwned, null);
    assert.equal(state.tables, 2);
    assert.equal(state.figures.length, 2);
    const [line, heat] = state.figures;
    assert.equal(line!.kind, 'plot plot-line');
    assert.equal(line!.svgs, 1);
    assert.equal(line!.lines, 2, 'two series');
    assert.equal(line!.rules, 8, 'an error bar per point');
    assert.equal(heat!.kind, 'plot plot-heatmap');
    assert.equal(heat!.cells, 5, 'one rect per non-null cell');
    for (const f of state.figures) assert.ok(f.width > 100 && f.height > 50, `${f.kind} is drawn at a visible size (${f.width}×${f.height})`);
    for (const svg of await page.locator('figure > svg').all()) assert.ok(await svg.isVisible());
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** The slice of the DOM the page check reads. */
interface DomElement {
  readonly className: string;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getBoundingClientRect(): { width: number; height: number };
}
interface Doc {
  readonly title: string;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}
