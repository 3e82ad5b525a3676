// Every input error a plot builder can raise names the function, the field and the index, and
// ends with a hint; these tests pin the messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FathomError } from '../../src/errors.js';
import { assertInert } from '../../src/report/render.js';
import { barPlot, calibrationBins, heatmap, linePlot, reliabilityDiagram, renderPlot, scatterPlot } from '../../src/report/index.js';
import type { TopLevelSpec } from 'vega-lite';

function throwsMessage(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof FathomError, `expected a FathomError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

test('linePlot names the series and index of a NaN', () => {
  throwsMessage(
    () => linePlot({ series: [{ name: 'adam', x: [1, 2, 3], y: [1, 2, NaN] }] }),
    'linePlot: series "adam".y[2] is NaN. Hint: drop or fix non-finite points before plotting (a NaN usually means a diverged run or an empty average)',
  );
  throwsMessage(
    () => linePlot({ series: [{ name: 'adam', x: [1, Infinity], y: [1, 2] }] }),
    'linePlot: series "adam".x[1] is Infinity. Hint: drop or fix non-finite points before plotting (a NaN usually means a diverged run or an empty average)',
  );
});

test('linePlot reports mismatched lengths', () => {
  throwsMessage(
    () => linePlot({ series: [{ name: 'adam', x: [1, 2, 3], y: [1, 2] }] }),
    'linePlot: series "adam".x has 3 values but series "adam".y has 2. Hint: give series "adam".y one value per entry of series "adam".x',
  );
  throwsMessage(
    () => linePlot({ series: [{ name: 'adam', x: [1, 2], y: [1, 2], stderr: [0.1] }] }),
    'linePlot: series "adam".y has 2 values but series "adam".stderr has 1. Hint: give series "adam".stderr one value per entry of series "adam".y',
  );
});

test('linePlot rejects values a log axis cannot show', () => {
  throwsMessage(
    () => linePlot({ series: [{ name: 'a', x: [1, 2], y: [1, 0] }], logY: true }),
    'linePlot: series "a".y[1] is 0, which a log y axis cannot show. Hint: drop points ≤ 0 or turn off logY',
  );
  throwsMessage(
    () => linePlot({ series: [{ name: 'a', x: [1, 2], y: [1, 0.5], stderr: [0.1, 0.6] }], logY: true }),
    'linePlot: series "a" point 1 has an interval reaching -0.09999999999999998, which a log y axis cannot show. Hint: give positive low/high bounds or turn off logY',
  );
});

test('linePlot rejects ambiguous or inverted intervals and repeated names', () => {
  throwsMessage(
    () => linePlot({ series: [{ name: 'a', x: [1], y: [1], stderr: [0.1], low: [0], high: [2] }] }),
    'linePlot: series "a" has both stderr and low/high. Hint: give either stderr or low and high, not both',
  );
  throwsMessage(
    () => linePlot({ series: [{ name: 'a', x: [1], y: [1], low: [0] }] }),
    'linePlot: series "a" has low but no high. Hint: give both low and high, or stderr',
  );
  throwsMessage(
    () => linePlot({ series: [{ name: 'a', x: [1, 2], y: [1, 1], low: [0, 2], high: [2, 1.5] }] }),
    'linePlot: series "a" point 1 has low 2 > high 1.5. Hint: swap low and high, or check how they were computed',
  );
  throwsMessage(
    () => linePlot({ series: [{ name: 'a', x: [1], y: [1] }, { name: 'a', x: [2], y: [2] }] }),
    'linePlot: series names has "a" twice (at 0 and 1). Hint: make the names in series names unique',
  );
  throwsMessage(() => linePlot({ series: [] }), 'linePlot: series is empty. Hint: pass at least one entry in series');
  throwsMessage(
    () => linePlot({ series: [{ name: 'a', x: [1], y: [1] }], width: -5 }),
    'linePlot: width is -5. Hint: pass a positive number',
  );
});

test('scatterPlot names its own interval fields', () => {
  throwsMessage(
    () => scatterPlot({ series: [{ name: 's', x: [1, 2], y: [1, 2], yErr: [0.1, -0.1] }] }),
    'scatterPlot: series "s".yErr[1] is -0.1. Hint: an error half-width is ≥ 0; pass its absolute value',
  );
  throwsMessage(
    () => scatterPlot({ series: [{ name: 's', x: [1, 2], y: [1, 2], xLow: [0, 1] }] }),
    'scatterPlot: series "s" has xLow but no xHigh. Hint: give both xLow and xHigh, or xErr',
  );
  throwsMessage(
    () => scatterPlot({ series: [{ name: 's', x: [1, 2], y: [1, 2], labels: ['one'] }] }),
    'scatterPlot: series "s".x has 2 values but series "s".labels has 1. Hint: give series "s".labels one value per entry of series "s".x',
  );
});

test('heatmap names the cell of a NaN and checks the matrix shape', () => {
  throwsMessage(
    () => heatmap({ values: [[1, NaN]], rowLabels: ['r'], colLabels: ['a', 'b'] }),
    'heatmap: values[0][1] (row "r", column "b") is NaN. Hint: use null for a cell with no value, and fix NaN or infinite values upstream',
  );
  throwsMessage(
    () => heatmap({ values: [[1, 2], [3]], rowLabels: ['r', 's'], colLabels: ['a', 'b'] }),
    'heatmap: values[1] has 1 cells but colLabels has 2. Hint: give every row one value per column label',
  );
  throwsMessage(
    () => heatmap({ values: [[1, 2]], rowLabels: ['r', 's'], colLabels: ['a', 'b'] }),
    'heatmap: values has 1 rows but rowLabels has 2. Hint: give one row of values per row label',
  );
  throwsMessage(
    () => heatmap({ values: [[1, 2]], rowLabels: ['r'], colLabels: ['a', 'a'] }),
    'heatmap: colLabels has "a" twice (at 0 and 1). Hint: make the names in colLabels unique',
  );
  throwsMessage(
    () => heatmap({ values: [[null]], rowLabels: ['r'], colLabels: ['a'] }),
    'heatmap: every cell of values is null. Hint: pass at least one number',
  );
});

test('barPlot checks values against categories', () => {
  throwsMessage(
    () => barPlot({ categories: ['a', 'b', 'c'], series: [{ name: 'x', values: [1, 2] }] }),
    'barPlot: categories has 3 values but series "x".values has 2. Hint: give series "x".values one value per entry of categories',
  );
  throwsMessage(
    () => barPlot({ categories: ['a'], series: [{ name: 'x', values: [NaN] }] }),
    'barPlot: series "x".values[0] is NaN. Hint: drop or fix non-finite points before plotting (a NaN usually means a diverged run or an empty average)',
  );
});

test('calibration inputs are probabilities and binary outcomes', () => {
  throwsMessage(
    () => calibrationBins([0.5, 1.5], [0, 1]),
    'calibrationBins: probs[1] is 1.5, outside [0, 1]. Hint: pass probabilities, not logits or percentages',
  );
  throwsMessage(() => calibrationBins([0.5], [2]), 'calibrationBins: outcomes[0] is 2. Hint: pass each outcome as 0/1 or false/true');
  throwsMessage(
    () => calibrationBins([0.5, 0.2], [1]),
    'calibrationBins: probs has 2 values but outcomes has 1. Hint: give outcomes one value per entry of probs',
  );
  throwsMessage(() => calibrationBins([0.5], [1], 0), 'calibrationBins: nBins is 0. Hint: pass a positive integer');
  throwsMessage(
    () => reliabilityDiagram({ bins: [{ lo: 0.5, hi: 0.4, count: 1, meanPredicted: 0.45, observed: 1 }] }),
    'reliabilityDiagram: bins[0] has edges [0.5, 0.4]. Hint: give each bin finite edges 0 ≤ lo < hi ≤ 1',
  );
});

test('renderPlot refuses specs that load data from a URL or a file', async () => {
  for (const url of ['https://example.com/data.json', '/etc/passwd']) {
    const spec = { data: { url }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } } as TopLevelSpec;
    await assert.rejects(renderPlot(spec), (error: unknown) => {
      assert.ok(error instanceof FathomError);
      assert.equal(error.message, `renderPlot: the spec asks to load "${url}". Hint: put the data inline as data.values; plots load no URLs or files`);
      return true;
    });
  }
});

test('renderPlot reports a spec vega-lite cannot compile', async () => {
  const spec = { data: { values: [] }, mark: 'nonsense' } as unknown as TopLevelSpec;
  await assert.rejects(renderPlot(spec), (error: unknown) => {
    assert.ok(error instanceof FathomError);
    // vega-lite 6.3 fails on an unknown mark with a bare TypeError, so only the frame is pinned.
    assert.match(error.message, /^renderPlot: vega-lite could not compile the spec: .+\. Hint: check the spec against the vega-lite docs$/);
    assert.ok(error.cause instanceof Error);
    return true;
  });
});

test('assertInert refuses SVG with active content', () => {
  assert.doesNotThrow(() => assertInert('<svg><text>&lt;script&gt;</text></svg>'));
  throwsMessage(
    () => assertInert('<svg><script>alert(1)</script></svg>'),
    'renderPlot: the rendered SVG contains a <script> element. Hint: remove markup from labels and titles; report this as a bug',
  );
  assert.throws(() => assertInert('<svg><foreignObject><div/></foreignObject></svg>'), FathomError);
});
