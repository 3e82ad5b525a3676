// Line plots: one line per series (training curves, scaling laws, sweeps), with an optional
// uncertainty interval per point drawn as error bars or as a shaded band.

import { FathomError } from '../errors.js';
import { checkLabels, checkNonEmpty, checkNumbers, checkSameLength, resolveInterval } from './validate.js';
import type { IntervalFields } from './validate.js';
import { frame, makePlot, quantitative, seriesColor } from './plot.js';
import type { Datum, Plot, PlotOptions } from './plot.js';
import { theme } from './theme.js';

/** One line. `low`/`high` (bounds) or `stderr` (half-width, see `stderrScale`) add an interval. */
export interface LineSeries extends IntervalFields {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export interface LinePlotOptions extends PlotOptions {
  readonly series: readonly LineSeries[];
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** How intervals are drawn: 'bars' (default) or a shaded 'band'. */
  readonly interval?: 'bars' | 'band';
  /** `stderr` draws y ± stderrScale·stderr; 1 (default) is one standard error, 1.96 a normal 95% interval. */
  readonly stderrScale?: number;
  /** Mark each data point with a dot (default: true when a series has ≤ 50 points). */
  readonly points?: boolean;
  /** Legend title (default 'series'). */
  readonly seriesLabel?: string;
}

/**
 * A line plot of one or more series, optionally with error bars or bands and log axes.
 * Throws a FathomError naming the series and index for NaN, mismatched lengths, repeated
 * series names, or values ≤ 0 on a log axis.
 */
export function linePlot(options: LinePlotOptions): Plot {
  const op = 'linePlot';
  const { series, logX = false, logY = false, interval = 'bars', stderrScale = 1 } = options;
  checkNonEmpty(op, 'series', series);
  const names = checkLabels(op, 'series names', series.map((s) => s.name));
  if (!Number.isFinite(stderrScale) || stderrScale <= 0) {
    throw new FathomError(`${op}: stderrScale is ${stderrScale}`, 'pass a positive multiplier such as 1 or 1.96');
  }

  const rows: Datum[] = [];
  let hasInterval = false;
  let maxPoints = 0;
  for (const s of series) {
    const prefix = `series ${JSON.stringify(s.name)}`;
    const x = checkNumbers(op, `${prefix}.x`, s.x, logX ? 'x' : undefined);
    const y = checkNumbers(op, `${prefix}.y`, s.y, logY ? 'y' : undefined);
    checkSameLength(op, `${prefix}.x`, x, `${prefix}.y`, y);
    const bounds = resolveInterval(op, prefix, y, s, { scale: stderrScale, logAxis: logY ? 'y' : undefined });
    hasInterval ||= bounds !== undefined;
    maxPoints = Math.max(maxPoints, x.length);
    x.forEach((xi, i) => {
      rows.push({
        series: s.name,
        x: xi,
        y: y[i]!,
        ...(bounds ? { low: bounds.low[i]!, high: bounds.high[i]! } : {}),
      });
    });
  }

  const color = seriesColor(names, options.seriesLabel);
  const x = quantitative('x', options.xLabel, logX);
  const low = quantitative('low', options.yLabel, logY);
  const layers: Record<string, unknown>[] = [];
  if (hasInterval && interval === 'band') {
    layers.push({
      mark: { type: 'area', opacity: theme.bandOpacity },
      encoding: { x, y: low, y2: { field: 'high' }, color },
    });
  }
  layers.push({
    mark: { type: 'line', point: options.points ?? maxPoints <= 50 },
    encoding: { x, y: quantitative('y', options.yLabel, logY), color },
  });
  if (hasInterval && interval === 'bars') {
    layers.push({
      mark: { type: 'rule' },
      encoding: { x, y: low, y2: { field: 'high' }, color },
    });
  }
  return makePlot('line', { ...frame(op, options), data: { values: rows }, layer: layers }, options);
}
