// Each plot builder renders to SVG with the marks its data implies (one line per series, one
// rule per error bar, one rect per heatmap cell, ...), in the given order, with no vega warnings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  barPlot,
  calibrationBins,
  expectedCalibrationError,
  heatmap,
  linePlot,
  reliabilityDiagram,
  renderPlot,
  scatterPlot,
} from '../../src/report/index.js';
import type { Plot } from '../../src/report/index.js';
import { axisLabels, itemCount, markGroups } from './marks.js';

async function render(plot: Plot): Promise<string> {
  const { svg, warnings } = await renderPlot(plot);
  assert.deepEqual(warnings, [], `${plot.kind} plot rendered with vega warnings`);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  return svg;
}

const twoSeries = [
  { name: 'adam', x: [1, 2, 3, 4], y: [4, 3, 2, 1.5], stderr: [0.2, 0.2, 0.1, 0.1] },
  { name: 'sgd', x: [1, 2, 3, 4], y: [4, 3.5, 3, 2.5], low: [3.8, 3.2, 2.9, 2.3], high: [4.2, 3.7, 3.2, 2.7] },
];

test('linePlot draws a line per series, a dot per point and an error bar per interval', async () => {
  const svg = await render(linePlot({ title: 'loss', xLabel: 'step', yLabel: 'loss', series: twoSeries }));
  assert.equal(itemCount(svg, 'line'), 2);
  assert.equal(itemCount(svg, 'symbol'), 8);
  assert.equal(itemCount(svg, 'rule'), 8);
  assert.equal(itemCount(svg, 'area'), 0);
  assert.match(svg, /role-legend/, 'two series get a legend');
  assert.match(svg, />adam</);
  assert.match(svg, />sgd</);
});

test('linePlot puts intervals in a band on request, and drops the dots when asked', async () => {
  const svg = await render(linePlot({ series: twoSeries, interval: 'band', points: false }));
  assert.equal(itemCount(svg, 'area'), 2);
  assert.equal(itemCount(svg, 'line'), 2);
  assert.equal(itemCount(svg, 'rule'), 0);
  assert.equal(itemCount(svg, 'symbol'), 0);
});

test('linePlot: stderr spans y ± stderrScale·stderr, and a single series has no legend', async () => {
  const plot = linePlot({ series: [{ name: 'only', x: [0, 1], y: [1, 2], stderr: [0.5, 0.25] }], stderrScale: 2 });
  const values = (plot.spec as { data: { values: Record<string, number>[] } }).data.values;
  assert.deepEqual(values.map((v) => [v.low, v.high]), [[0, 2], [1.5, 2.5]]);
  const svg = await render(plot);
  assert.doesNotMatch(svg, /role-legend/);
  assert.equal(itemCount(svg, 'rule'), 2);
});

test('linePlot draws log axes', async () => {
  const plot = linePlot({ series: [{ name: 'a', x: [1, 10, 100, 1000], y: [5, 2, 1, 0.5] }], logX: true, logY: true });
  const svg = await render(plot);
  assert.match(svg, /X-axis[^"]*log scale/);
  assert.match(svg, /Y-axis[^"]*log scale/);
  assert.equal(itemCount(svg, 'line'), 1);
});

test('scatterPlot draws points, x and y error bars, labels and the diagonal', async () => {
  const plot = scatterPlot({
    title: 'paper vs ours',
    diagonal: true,
    series: [
      { name: 'a', x: [0.1, 0.5, 0.7], y: [0.12, 0.45, 0.75], yErr: [0.02, 0.03, 0.05], xLow: [0.09, 0.45, 0.6], xHigh: [0.11, 0.55, 0.8], labels: ['gpt', 'llama', 'ours'] },
      { name: 'b', x: [0.3], y: [0.2] },
    ],
  });
  const svg = await render(plot);
  assert.equal(itemCount(svg, 'symbol'), 4, 'legend swatches are not role-mark groups');
  const rules = markGroups(svg).filter((g) => g.type === 'rule');
  assert.deepEqual(rules.map((g) => g.items), [3, 3], 'one x and one y error bar per point that has them');
  assert.equal(itemCount(svg, 'text'), 3, 'labels only where given');
  assert.doesNotMatch(svg, />undefined</);
  assert.equal(itemCount(svg, 'line'), 1, 'the y = x line');
  for (const label of ['gpt', 'llama', 'ours']) assert.match(svg, new RegExp(`>${label}</text>`));
});

test('heatmap draws a rect per non-null cell, values in them, labels in the given order', async () => {
  const plot = heatmap({
    title: 'similarity',
    values: [
      [1, 0.5, null],
      [0.25, -0.5, 0.9],
    ],
    rowLabels: ['zeta', 'alpha'],
    colLabels: ['L3', 'L1', 'L2'],
    scale: 'diverging',
  });
  const svg = await render(plot);
  assert.equal(itemCount(svg, 'rect'), 5, 'the null cell is left empty');
  const texts = markGroups(svg).filter((g) => g.type === 'text');
  assert.equal(texts.reduce((s, g) => s + g.items, 0), 5);
  assert.match(svg, />0.50<\/text>/);
  assert.match(svg, />−0.50<\/text>/, 'vega writes a typographic minus');
  assert.doesNotMatch(svg, />null<\/text>/);
  assert.deepEqual(axisLabels(svg).filter((l) => l !== '' && !/^[−\d.]+$/.test(l)), ['L3', 'L1', 'L2', 'zeta', 'alpha']);
  assert.match(svg, /<linearGradient/, 'a continuous colour legend');
});

test('heatmap prints integers whole, and no values when showValues is false', async () => {
  const counts = await render(heatmap({ values: [[3, 12], [0, 7]], rowLabels: ['a', 'b'], colLabels: ['x', 'y'] }));
  assert.match(counts, />12<\/text>/);
  const quiet = await render(heatmap({ values: [[3, 12], [0, 7]], rowLabels: ['a', 'b'], colLabels: ['x', 'y'], showValues: false }));
  assert.equal(itemCount(quiet, 'rect'), 4);
  assert.equal(itemCount(quiet, 'text'), 0);
});

test('calibrationBins and ECE match a hand computation', () => {
  const bins = calibrationBins([0.05, 0.15, 0.15, 0.95, 1], [0, 1, false, true, 1], 10);
  assert.equal(bins.length, 10);
  assert.deepEqual(bins[0], { lo: 0, hi: 0.1, count: 1, meanPredicted: 0.05, observed: 0 });
  assert.deepEqual(bins[1], { lo: 0.1, hi: 0.2, count: 2, meanPredicted: 0.15, observed: 0.5 });
  assert.equal(bins[9]!.count, 2, 'p = 1 falls in the last bin');
  assert.equal(bins[5]!.observed, null);
  // (1·0.05 + 2·0.35 + 2·0.025) / 5
  assert.ok(Math.abs(expectedCalibrationError(bins) - 0.16) < 1e-12);
});

test('reliabilityDiagram draws a bar, interval, dot and count per non-empty bin, and the diagonal', async () => {
  const plot = reliabilityDiagram({ title: 'calibration', probs: [0.05, 0.15, 0.15, 0.95], outcomes: [0, 1, 0, 1] });
  const svg = await render(plot);
  assert.equal(itemCount(svg, 'rect'), 6, '3 frequency bars and 3 count bars');
  assert.equal(itemCount(svg, 'rule'), 3);
  assert.equal(itemCount(svg, 'symbol'), 3);
  assert.equal(itemCount(svg, 'line'), 1);
  assert.deepEqual(
    markGroups(svg).filter((g) => g.type === 'text').map((g) => g.items),
    [3],
  );
  // ECE = (0.05 + 2·0.35 + 0.05) / 4
  assert.match(svg, /ECE 0\.200 · n = 4 · 10 bins/);
});

test('reliabilityDiagram accepts precomputed bins', async () => {
  const bins = calibrationBins([0.2, 0.4, 0.6, 0.8], [0, 0, 1, 1], 5);
  const svg = await render(reliabilityDiagram({ bins, intervals: false }));
  assert.equal(itemCount(svg, 'rule'), 0);
  assert.equal(itemCount(svg, 'symbol'), 4);
});

test('barPlot groups series side by side with an error bar per bar', async () => {
  const plot = barPlot({
    title: 'accuracy',
    categories: ['mmlu', 'gsm8k', 'arc'],
    series: [
      { name: 'base', values: [0.5, 0.3, 0.6], stderr: [0.02, 0.03, 0.01] },
      { name: 'lora', values: [0.55, 0.35, 0.62], stderr: [0.02, 0.03, 0.01] },
    ],
  });
  const svg = await render(plot);
  assert.equal(itemCount(svg, 'rect'), 6);
  assert.equal(itemCount(svg, 'rule'), 6);
  assert.deepEqual(axisLabels(svg).slice(0, 3), ['mmlu', 'gsm8k', 'arc']);
  // Grouped bars share a category: the two bars of mmlu sit side by side, not stacked.
  const xs = [...svg.matchAll(/aria-label="category: mmlu;[^"]*"[^>]*d="M([\d.]+),/g)].map((m) => Number(m[1]));
  assert.equal(xs.length, 2);
  assert.notEqual(xs[0], xs[1]);
});

test('barPlot draws horizontal bars', async () => {
  const plot = barPlot({ horizontal: true, categories: ['a', 'b'], series: [{ name: 'x', values: [1, 2] }] });
  const svg = await render(plot);
  assert.equal(itemCount(svg, 'rect'), 2);
  const encoding = (plot.spec as { encoding: Record<string, { field: string }> }).encoding;
  assert.equal(encoding.y!.field, 'category');
});
