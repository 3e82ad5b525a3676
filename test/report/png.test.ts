// PNG output: a real PNG of the requested width, and what happens when resvg finds no font
// (it still renders, without text, and says so).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { FathomError } from '../../src/errors.js';
import { fontStatus, heatmap, linePlot, renderSvg, toPng } from '../../src/report/index.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Width and height from a PNG's IHDR chunk, which always comes first. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.ok(png.subarray(0, 8).equals(SIGNATURE), 'starts with the PNG signature');
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="(\d+)" height="(\d+)"/.exec(svg);
  assert.ok(m, 'vega writes integer width and height on the root <svg>');
  return { width: Number(m[1]), height: Number(m[2]) };
}

const plotSvg = renderSvg(linePlot({ title: 'loss', series: [{ name: 'a', x: [1, 2, 3], y: [3, 2, 1], stderr: [0.1, 0.1, 0.1] }] }));

test('toPng writes a PNG of the requested width, keeping the aspect ratio', async () => {
  const svg = await plotSvg;
  const natural = svgSize(svg);
  for (const width of [200, 1200]) {
    const size = pngSize(toPng(svg, { width }));
    assert.equal(size.width, width);
    assert.equal(size.height, Math.round((natural.height * width) / natural.width));
  }
  assert.deepEqual(pngSize(toPng(svg)), natural, 'default: the SVG\'s own size');
});

test('toPng renders a heatmap (gradient legend) too', async () => {
  const svg = await renderSvg(heatmap({ values: [[1, 2], [3, 4]], rowLabels: ['a', 'b'], colLabels: ['x', 'y'] }));
  assert.equal(pngSize(toPng(svg, { width: 333 })).width, 333);
});

test('toPng rejects a bad width and a non-SVG input', async () => {
  const svg = await plotSvg;
  assert.throws(() => toPng(svg, { width: 0 }), (e: unknown) => e instanceof FathomError && e.message === 'toPng: width is 0. Hint: pass an integer number of pixels from 1 to 16384');
  assert.throws(() => toPng(svg, { width: 10.5 }), FathomError);
  assert.throws(() => toPng('<html></html>'), (e: unknown) => e instanceof FathomError && e.message === 'toPng: svg is not an SVG document. Hint: pass the string renderSvg returns');
  assert.throws(() => toPng('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>'), (e: unknown) => e instanceof FathomError && /^toPng: resvg could not parse the SVG/.test(e.message));
});

test('without fonts toPng still renders, warns once, and fontStatus says how to fix it', async () => {
  const none = fontStatus({ system: false });
  assert.equal(none.available, false);
  assert.match(none.hint ?? '', /apt-get install -y fonts-dejavu-core/);

  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const svg = await plotSvg;
    const bare = toPng(svg, { width: 300, fonts: { system: false } });
    toPng(svg, { width: 300, fonts: { system: false } });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pngSize(bare).width, 300);
    assert.equal(warnings.length, 1, 'one warning per process');
    assert.equal((warnings[0] as Error & { code?: string }).code, 'FATHOM_NO_FONTS');
    assert.match(warnings[0]!.message, /no font, so PNG text is left out/);
    if (existsSync(DEJAVU)) {
      assert.equal(fontStatus({ system: false, files: [DEJAVU] }).available, true, 'a font file passed in is used');
      const withText = toPng(svg, { width: 300, fonts: { system: false, files: [DEJAVU] } });
      assert.ok(withText.length > bare.length, 'text adds detail to the image');
    }
  } finally {
    process.off('warning', onWarning);
  }
});
