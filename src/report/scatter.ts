// Scatter plots with optional error bars in x and y, point labels and a y = x reference line
// (the shape of "paper's number vs ours" and of predicted-vs-measured comparisons).

import { FathomError } from '../errors.js';
import { checkLabels, checkNonEmpty, checkNumbers, checkSameLength, resolveInterval } from './validate.js';
import { frame, makePlot, quantitative, seriesColor } from './plot.js';
import type { Datum, Plot, PlotOptions } from './plot.js';
import { theme } from './theme.js';

/** One group of points. Errors are `yLow`/`yHigh` bounds or a `yErr` half-width (same for x). */
export interface ScatterSeries {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly xErr?: readonly number[];
  readonly xLow?: readonly number[];
  readonly xHigh?: readonly number[];
  readonly yErr?: readonly number[];
  readonly yLow?: readonly number[];
  readonly yHigh?: readonly number[];
  /** A text label drawn beside each point (a model or task name). */
  readonly labels?: readonly string[];
}

export interface ScatterPlotOptions extends PlotOptions {
  readonly series: readonly ScatterSeries[];
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Draw the line y = x across the data's range (default false). */
  readonly diagonal?: boolean;
  /** Legend title (default 'series'). */
  readonly seriesLabel?: string;
}

/**
 * A scatter plot of one or more groups of points, with optional x/y error bars, point labels
 * and a y = x line. Throws a FathomError naming the series and index for NaN, mismatched
 * lengths, inverted intervals or values ≤ 0 on a log axis.
 */
export function scatterPlot(options: ScatterPlotOptions): Plot {
  const op = 'scatterPlot';
  const { series, logX = false, logY = false } = options;
  checkNonEmpty(op, 'series', series);
  const names = checkLabels(op, 'series names', series.map((s) => s.name));

  const rows: Datum[] = [];
  let xBars = false;
  let yBars = false;
  let labelled = false;
  for (const s of series) {
    const prefix = `series ${JSON.stringify(s.name)}`;
    const x = checkNumbers(op, `${prefix}.x`, s.x, logX ? 'x' : undefined);
    const y = checkNumbers(op, `${prefix}.y`, s.y, logY ? 'y' : undefined);
    checkSameLength(op, `${prefix}.x`, x, `${prefix}.y`, y);
    const xi = resolveInterval(op, prefix, x, { low: s.xLow, high: s.xHigh, stderr: s.xErr }, { logAxis: logX ? 'x' : undefined, names: xNames });
    const yi = resolveInterval(op, prefix, y, { low: s.yLow, high: s.yHigh, stderr: s.yErr }, { logAxis: logY ? 'y' : undefined, names: yNames });
    if (s.labels !== undefined) {
      if (!Array.isArray(s.labels) || s.labels.some((l) => typeof l !== 'string')) {
        throw new FathomError(`${op}: ${prefix}.labels is not an array of strings`, 'pass one string label per point');
      }
      checkSameLength(op, `${prefix}.x`, x, `${prefix}.labels`, s.labels);
      labelled = true;
    }
    xBars ||= xi !== undefined;
    yBars ||= yi !== undefined;
    x.forEach((xv, i) => {
      rows.push({
        series: s.name,
        x: xv,
        y: y[i]!,
        ...(xi ? { xLow: xi.low[i]!, xHigh: xi.high[i]! } : {}),
        ...(yi ? { yLow: yi.low[i]!, yHigh: yi.high[i]! } : {}),
        ...(s.labels ? { label: s.labels[i]! } : {}),
      });
    });
  }

  const color = seriesColor(names, options.seriesLabel);
  const x = quantitative('x', options.xLabel, logX);
  const y = quantitative('y', options.yLabel, logY);
  const layers: Record<string, unknown>[] = [];
  if (options.diagonal) {
    // Spans the union of both axes' data so the line crosses the whole cloud of points.
    const all = rows.flatMap((r) => [r.x, r.y, r.xLow, r.xHigh, r.yLow, r.yHigh]).filter((v): v is number => typeof v === 'number');
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    layers.push({
      data: { values: [{ x: lo, y: lo }, { x: hi, y: hi }] },
      mark: { type: 'line', color: theme.reference, strokeDash: [4, 4], strokeWidth: 1 },
      encoding: { x, y },
    });
  }
  if (xBars) {
    layers.push({
      mark: { type: 'rule' },
      encoding: { y, x: quantitative('xLow', options.xLabel, logX), x2: { field: 'xHigh' }, color },
    });
  }
  if (yBars) {
    layers.push({
      mark: { type: 'rule' },
      encoding: { x, y: quantitative('yLow', options.yLabel, logY), y2: { field: 'yHigh' }, color },
    });
  }
  layers.push({ mark: { type: 'point', filled: true, opacity: 0.9 }, encoding: { x, y, color } });
  if (labelled) {
    layers.push({
      // Only points that have a label: a series without labels would otherwise print "undefined".
      transform: [{ filter: 'isValid(datum.label)' }],
      mark: { type: 'text', align: 'left', dx: 6, dy: -6, color: theme.text },
      encoding: { x, y, text: { field: 'label', type: 'nominal' } },
    });
  }
  return makePlot('scatter', { ...frame(op, options), data: { values: rows }, layer: layers }, options);
}

const xNames = { center: 'x', low: 'xLow', high: 'xHigh', stderr: 'xErr' } as const;
const yNames = { center: 'y', low: 'yLow', high: 'yHigh', stderr: 'yErr' } as const;
