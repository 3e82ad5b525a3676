// What every plot builder returns (a `Plot`: a vega-lite spec plus the text shown around it),
// and the options and spec scaffolding they share, so all plots get the same frame and theme.

import type { TopLevelSpec } from 'vega-lite';
import { theme, vegaLiteConfig } from './theme.js';
import { checkPositive } from './validate.js';

/** The kinds of plot the report module draws. */
export type PlotKind = 'line' | 'scatter' | 'heatmap' | 'reliability' | 'bar';

/** A plot ready to render: a vega-lite spec with inline data, plus its title and caption. */
export interface Plot {
  readonly kind: PlotKind;
  /** A complete vega-lite spec; it carries its data inline and loads nothing. */
  readonly spec: TopLevelSpec;
  readonly title: string | undefined;
  /** Shown under the plot in an HTML report (not drawn into the SVG). */
  readonly caption: string | undefined;
}

/** Options every plot builder takes. */
export interface PlotOptions {
  /** Drawn at the top of the plot. */
  readonly title?: string;
  /** A smaller line under the title. */
  readonly subtitle?: string;
  /** A sentence shown under the plot in an HTML report. */
  readonly caption?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Size of the plotting area in pixels (default theme.width × theme.height). */
  readonly width?: number;
  readonly height?: number;
}

/** One row of a plot's inline data (vega-lite `data.values`); plots never load data from a URL. */
export type Datum = Record<string, string | number | null>;

/**
 * The parts of a spec every plot shares: title, size, theme. `size: false` leaves width and
 * height to the caller (a heatmap sizes itself by its cells).
 */
export function frame(op: string, options: PlotOptions, size = true): Record<string, unknown> {
  checkPositive(op, 'width', options.width);
  checkPositive(op, 'height', options.height);
  const out: Record<string, unknown> = { config: vegaLiteConfig() };
  if (options.title !== undefined || options.subtitle !== undefined) {
    out.title = {
      text: options.title ?? '',
      ...(options.subtitle !== undefined ? { subtitle: options.subtitle } : {}),
    };
  }
  if (size) {
    out.width = options.width ?? theme.width;
    out.height = options.height ?? theme.height;
  }
  return out;
}

/** Packs a finished spec into a Plot. */
export function makePlot(kind: PlotKind, spec: Record<string, unknown>, options: PlotOptions): Plot {
  return { kind, spec: spec as unknown as TopLevelSpec, title: options.title, caption: options.caption };
}

/** A colour encoding over series names that keeps their given order and shows a legend only
 * when there is more than one series. Layers that share it share one legend; its symbols are
 * drawn opaque so that a pale uncertainty band does not become the legend's swatch. */
export function seriesColor(names: readonly string[], title = 'series'): Record<string, unknown> {
  return {
    field: 'series',
    type: 'nominal',
    title: names.length > 1 ? title : null,
    scale: { domain: [...names], range: [...theme.palette] },
    legend: names.length > 1 ? { symbolOpacity: 1 } : null,
  };
}

/**
 * A quantitative position channel with the plot's label and optional log scale. Every layer
 * that shares an axis must use the same scale settings (the bounds of an error bar too):
 * vega-lite merges them, and one layer's default `zero: true` would pull zero into the domain.
 */
export function quantitative(field: string, label: string | null | undefined, log = false): Record<string, unknown> {
  return {
    field,
    type: 'quantitative',
    title: label ?? null,
    // A nice log domain snaps to powers of ten, which leaves most of a loss curve's plot empty.
    scale: log ? { type: 'log', nice: false } : { zero: false },
    ...(log ? { axis: { tickCount: 6 } } : {}),
  };
}
