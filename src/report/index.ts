// fathom/report: tables, plots (vega-lite → SVG, resvg → PNG) and self-contained HTML reports.
// Plot builders validate plain data and return a vega-lite spec; rendering is separate and async.

export { theme, vegaLiteConfig } from './theme.js';
export type { Plot, PlotKind, PlotOptions } from './plot.js';
export { linePlot } from './line.js';
export type { LinePlotOptions, LineSeries } from './line.js';
export { scatterPlot } from './scatter.js';
export type { ScatterPlotOptions, ScatterSeries } from './scatter.js';
export { heatmap } from './heatmap.js';
export type { HeatmapOptions } from './heatmap.js';
export { calibrationBins, expectedCalibrationError, reliabilityDiagram } from './reliability.js';
export type { CalibrationBin, ReliabilityInput, ReliabilityOptions } from './reliability.js';
export { barPlot } from './bar.js';
export type { BarPlotOptions, BarSeries } from './bar.js';
export { renderPlot, renderSvg } from './render.js';
export type { RenderedPlot } from './render.js';
export { fontStatus, toPng } from './png.js';
export type { FontOptions, FontStatus, PngOptions } from './png.js';
export { table, textTable } from './table.js';
export type { Cell, Column, Row, TableSpec, TextTableOptions } from './table.js';
export { escapeHtml, formatNumber } from './format.js';
export { htmlReport, writeReport } from './html.js';
export type { Report, ReportSection, WriteReportOptions, WrittenReport } from './html.js';
