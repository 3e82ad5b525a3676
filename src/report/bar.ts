// Bar plots over named categories (accuracy per task, attack success per model), grouped side
// by side when there is more than one series, with optional error bars.

import { FathomError } from '../errors.js';
import { checkLabels, checkNonEmpty, checkNumbers, checkSameLength, resolveInterval } from './validate.js';
import type { IntervalFields } from './validate.js';
import { frame, makePlot, seriesColor } from './plot.js';
import type { Datum, Plot, PlotOptions } from './plot.js';

/** One bar per category. `low`/`high` (bounds) or `stderr` (half-width) add an error bar. */
export interface BarSeries extends IntervalFields {
  readonly name: string;
  readonly values: readonly number[];
}

export interface BarPlotOptions extends PlotOptions {
  /** The categories along the axis, in the order drawn. */
  readonly categories: readonly string[];
  /** One series is a plain bar chart; several are grouped side by side within each category. */
  readonly series: readonly BarSeries[];
  /** Bars run left to right, categories down the side (good for long category names). */
  readonly horizontal?: boolean;
  /** `stderr` draws value ± stderrScale·stderr (default 1). */
  readonly stderrScale?: number;
  /** Legend title (default 'series'). */
  readonly seriesLabel?: string;
}

/**
 * A bar plot of values per category, grouped when there are several series. Throws a
 * FathomError naming the series and index for NaN, a values array whose length is not the
 * number of categories, or repeated category or series names.
 */
export function barPlot(options: BarPlotOptions): Plot {
  const op = 'barPlot';
  const { series, horizontal = false, stderrScale = 1 } = options;
  const categories = checkLabels(op, 'categories', options.categories);
  checkNonEmpty(op, 'categories', categories);
  checkNonEmpty(op, 'series', series);
  const names = checkLabels(op, 'series names', series.map((s) => s.name));
  if (!Number.isFinite(stderrScale) || stderrScale <= 0) {
    throw new FathomError(`${op}: stderrScale is ${stderrScale}`, 'pass a positive multiplier such as 1 or 1.96');
  }

  const rows: Datum[] = [];
  let hasInterval = false;
  for (const s of series) {
    const prefix = `series ${JSON.stringify(s.name)}`;
    const values = checkNumbers(op, `${prefix}.values`, s.values);
    checkSameLength(op, 'categories', categories, `${prefix}.values`, values);
    const bounds = resolveInterval(op, prefix, values, s, {
      scale: stderrScale,
      names: { center: 'values', low: 'low', high: 'high', stderr: 'stderr' },
    });
    hasInterval ||= bounds !== undefined;
    values.forEach((v, i) => {
      rows.push({
        category: categories[i]!,
        series: s.name,
        value: v,
        ...(bounds ? { low: bounds.low[i]!, high: bounds.high[i]! } : {}),
      });
    });
  }

  const grouped = names.length > 1;
  // With horizontal bars the category runs down the y channel and the value along x.
  const [cat, val, offset] = horizontal ? (['y', 'x', 'yOffset'] as const) : (['x', 'y', 'xOffset'] as const);
  const catLabel = horizontal ? options.yLabel : options.xLabel;
  const valLabel = horizontal ? options.xLabel : options.yLabel;
  const encoding: Record<string, unknown> = {
    [cat]: {
      field: 'category',
      type: 'nominal',
      sort: [...categories],
      title: catLabel ?? null,
      axis: { labelAngle: horizontal ? 0 : Math.max(...categories.map((c) => c.length)) > 8 ? -40 : 0 },
    },
    color: seriesColor(names, options.seriesLabel),
    ...(grouped ? { [offset]: { field: 'series', type: 'nominal', sort: [...names] } } : {}),
  };
  const layers: Record<string, unknown>[] = [
    { mark: { type: 'bar' }, encoding: { [val]: { field: 'value', type: 'quantitative', title: valLabel ?? null } } },
  ];
  if (hasInterval) {
    layers.push({
      mark: { type: 'rule', color: '#333333' },
      encoding: {
        [val]: { field: 'low', type: 'quantitative', title: valLabel ?? null },
        [`${val}2`]: { field: 'high' },
        // Error bars stay black so they read on top of any bar colour.
        color: { value: '#333333' },
      },
    });
  }
  const spec = { ...frame(op, options), data: { values: rows }, encoding, layer: layers };
  return makePlot('bar', spec, options);
}
