// The one look of fathom's reports: fonts, colours and sizes shared by every plot (as a
// vega-lite `config`) and by the HTML report's CSS, so a plot and the page around it agree.

import type { Config } from 'vega-lite';

/** Fonts, colours and default sizes for every plot and report. */
export const theme = {
  /** Listed so that a browser and resvg (PNG) pick the same installed face where possible. */
  font: 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif',
  monoFont: 'DejaVu Sans Mono, Liberation Mono, Menlo, Consolas, monospace',
  fontSize: 11,
  titleFontSize: 14,
  text: '#222222',
  muted: '#666666',
  grid: '#e8e8e8',
  axis: '#888888',
  background: '#ffffff',
  /** Tableau 10, vega's default category palette: distinct and colour-blind tolerable. */
  palette: ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'],
  /** Colour schemes for heatmaps (vega scheme names). */
  sequentialScheme: 'blues',
  divergingScheme: 'redblue',
  /** The reference line of a plot (the diagonal of a reliability diagram, y = x). */
  reference: '#999999',
  width: 480,
  height: 300,
  lineWidth: 2,
  pointSize: 36,
  /** Opacity of an uncertainty band under a line. */
  bandOpacity: 0.2,
  /** Vega measures text without a canvas by estimate (0.8 em a character), which truncates
   * labels early; a generous limit keeps ordinary labels whole. */
  labelLimit: 260,
} as const;

/** The vega-lite `config` that applies `theme` to a plot. */
export function vegaLiteConfig(): Config {
  const font = theme.font;
  return {
    background: theme.background,
    font,
    padding: 8,
    view: { stroke: null },
    axis: {
      labelFont: font,
      labelFontSize: theme.fontSize,
      labelColor: theme.text,
      labelLimit: theme.labelLimit,
      titleFont: font,
      titleFontSize: theme.fontSize + 1,
      titleFontWeight: 'normal',
      titleColor: theme.text,
      gridColor: theme.grid,
      domainColor: theme.axis,
      tickColor: theme.axis,
    },
    legend: {
      labelFont: font,
      labelFontSize: theme.fontSize,
      labelColor: theme.text,
      labelLimit: theme.labelLimit,
      titleFont: font,
      titleFontSize: theme.fontSize,
      titleColor: theme.text,
    },
    title: {
      font,
      fontSize: theme.titleFontSize,
      fontWeight: 'bold',
      color: theme.text,
      anchor: 'start',
      subtitleFont: font,
      subtitleFontSize: theme.fontSize,
      subtitleColor: theme.muted,
      offset: 10,
    },
    text: { font, fontSize: theme.fontSize, color: theme.text },
    range: { category: [...theme.palette] },
    line: { strokeWidth: theme.lineWidth },
    point: { size: theme.pointSize, filled: true },
    rule: { strokeWidth: 1.5 },
  };
}
