// Heatmaps of a labelled matrix (layer × layer similarity, model × task scores, confusion
// matrices), with optional value labels and a sequential or diverging colour scale.

import { FathomError } from '../errors.js';
import { checkLabels, checkNonEmpty, checkPositive } from './validate.js';
import { frame, makePlot } from './plot.js';
import type { Datum, Plot, PlotOptions } from './plot.js';
import { theme } from './theme.js';

export interface HeatmapOptions extends PlotOptions {
  /** values[r][c] is the cell in row r and column c; `null` leaves a cell empty on purpose. */
  readonly values: readonly (readonly (number | null)[])[];
  readonly rowLabels: readonly string[];
  readonly colLabels: readonly string[];
  /** Print each cell's value in it (default: true when there are at most 400 cells). */
  readonly showValues?: boolean;
  /** Decimals of the printed values (default 0 for a matrix of integers, else 2). */
  readonly digits?: number;
  /** 'sequential' (default) for magnitudes, 'diverging' for signed values around `center`. */
  readonly scale?: 'sequential' | 'diverging';
  /** The value a diverging scale puts at its neutral colour (default 0). */
  readonly center?: number;
  /** Fixed [min, max] of the colour scale (default: the data's range). */
  readonly domain?: readonly [number, number];
  /** Title of the colour legend. */
  readonly valueLabel?: string;
  /** Side of a cell in pixels (default: fitted to theme.width, between 14 and 48). */
  readonly cellSize?: number;
}

/**
 * A heatmap of `values` with row and column labels. Throws a FathomError naming the cell for a
 * NaN, a row of the wrong length, or repeated labels; use `null` for a cell that has no value.
 */
export function heatmap(options: HeatmapOptions): Plot {
  const op = 'heatmap';
  const { values, scale = 'sequential', center = 0 } = options;
  const rowLabels = checkLabels(op, 'rowLabels', options.rowLabels);
  const colLabels = checkLabels(op, 'colLabels', options.colLabels);
  checkNonEmpty(op, 'rowLabels', rowLabels);
  checkNonEmpty(op, 'colLabels', colLabels);
  checkPositive(op, 'cellSize', options.cellSize);
  if (options.digits !== undefined && (!Number.isInteger(options.digits) || options.digits < 0 || options.digits > 12)) {
    throw new FathomError(`${op}: digits is ${options.digits}`, 'pass an integer from 0 to 12');
  }
  if (!Number.isFinite(center)) throw new FathomError(`${op}: center is ${center}`, 'pass a finite number');
  if (!Array.isArray(values) || values.length !== rowLabels.length) {
    throw new FathomError(
      `${op}: values has ${Array.isArray(values) ? values.length : 'no'} rows but rowLabels has ${rowLabels.length}`,
      'give one row of values per row label',
    );
  }

  const rows: Datum[] = [];
  const present: number[] = [];
  values.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== colLabels.length) {
      throw new FathomError(
        `${op}: values[${r}] has ${Array.isArray(row) ? row.length : 'no'} cells but colLabels has ${colLabels.length}`,
        'give every row one value per column label',
      );
    }
    row.forEach((v: unknown, c) => {
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new FathomError(
          `${op}: values[${r}][${c}] (row ${JSON.stringify(rowLabels[r])}, column ${JSON.stringify(colLabels[c])}) is ${String(v)}`,
          'use null for a cell with no value, and fix NaN or infinite values upstream',
        );
      }
      if (v !== null) present.push(v);
      rows.push({ row: rowLabels[r]!, col: colLabels[c]!, value: v });
    });
  });
  if (present.length === 0) throw new FathomError(`${op}: every cell of values is null`, 'pass at least one number');
  const digits = options.digits ?? (present.every((v) => Number.isInteger(v)) ? 0 : 2);

  let [lo, hi] = options.domain ?? [Math.min(...present), Math.max(...present)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new FathomError(`${op}: domain [${lo}, ${hi}] is not an interval`, 'pass [min, max] with finite min ≤ max');
  }
  if (scale === 'diverging') {
    // Symmetric about the center, so equal distances from it get equally strong colours.
    const reach = Math.max(Math.abs(lo - center), Math.abs(hi - center)) || 1;
    [lo, hi] = [center - reach, center + reach];
  } else if (lo === hi) {
    [lo, hi] = [lo - 1, hi + 1];
  }

  const cells = rowLabels.length * colLabels.length;
  const step = options.cellSize ?? Math.max(14, Math.min(48, Math.floor(theme.width / colLabels.length)));
  const longestCol = Math.max(...colLabels.map((l) => l.length));
  const color = {
    field: 'value',
    type: 'quantitative',
    title: options.valueLabel ?? null,
    scale: {
      scheme: scale === 'diverging' ? theme.divergingScheme : theme.sequentialScheme,
      domain: [lo, hi],
      ...(scale === 'diverging' ? { domainMid: center } : {}),
    },
  };
  const layers: Record<string, unknown>[] = [
    { mark: { type: 'rect' }, encoding: { color } },
  ];
  if (options.showValues ?? cells <= 400) {
    // Light text on the strong end of the scale, dark text elsewhere. Built from numbers only:
    // no user text ever enters a vega expression.
    const strong =
      scale === 'diverging'
        ? `abs(datum.value - ${center}) > ${0.55 * (hi - center)}`
        : `datum.value > ${lo + 0.6 * (hi - lo)}`;
    layers.push({
      transform: [{ filter: 'isValid(datum.value)' }],
      mark: { type: 'text', fontSize: Math.min(theme.fontSize, Math.max(7, step / 3.5)) },
      encoding: {
        text: { field: 'value', type: 'quantitative', format: `.${digits}f` },
        color: { condition: { test: strong, value: '#ffffff' }, value: theme.text },
      },
    });
  }
  const spec = {
    ...frame(op, options, false),
    width: { step },
    height: { step },
    data: { values: rows },
    encoding: {
      x: {
        field: 'col',
        type: 'ordinal',
        sort: [...colLabels],
        title: options.xLabel ?? null,
        axis: { labelAngle: longestCol * theme.fontSize * 0.6 > step ? -45 : 0, ticks: false, domain: false },
      },
      y: {
        field: 'row',
        type: 'ordinal',
        sort: [...rowLabels],
        title: options.yLabel ?? null,
        axis: { ticks: false, domain: false },
      },
    },
    layer: layers,
  };
  return makePlot('heatmap', spec, options);
}
