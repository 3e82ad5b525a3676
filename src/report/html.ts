// Static HTML reports: one self-contained page (inline CSS, plots as inline SVG, no scripts, no
// external URLs) with a section per topic, and `writeReport` to put it on disk with optional PNG
// copies of the plots. Every user- or model-produced string is HTML-escaped here; the SVG is
// escaped by vega and checked by `renderPlot`.

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FathomError, didYouMean } from '../errors.js';
import { escapeHtml } from './format.js';
import type { Plot } from './plot.js';
import { fontStatus, toPng } from './png.js';
import { prefixSvgIds, renderPlot } from './render.js';
import { table } from './table.js';
import type { TableSpec } from './table.js';
import { theme } from './theme.js';

/** One section of a report, drawn in this order: text, tables, plots, code. */
export interface ReportSection {
  readonly title: string;
  /** Plain text (never markup); a string is split into paragraphs at blank lines. */
  readonly text?: string | readonly string[];
  readonly tables?: readonly TableSpec[];
  readonly plots?: readonly Plot[];
  /** Preformatted text (a command line, a config, a log excerpt), shown in monospace. */
  readonly code?: string;
}

export interface Report {
  readonly title: string;
  readonly subtitle?: string;
  /** Key facts listed under the title (fathom version, date, host). */
  readonly meta?: Readonly<Record<string, string | number>>;
  readonly sections: readonly ReportSection[];
}

const REPORT_KEYS = ['title', 'subtitle', 'meta', 'sections'];
const SECTION_KEYS = ['title', 'text', 'tables', 'plots', 'code'];

/** Unknown keys are errors: a misspelt `tabels` would otherwise vanish from the report. */
function checkKeys(op: string, where: string, value: object, valid: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!valid.includes(key)) {
      const guess = didYouMean(key, valid);
      throw new FathomError(
        `${op}: ${where} has unknown key ${JSON.stringify(key)}`,
        guess !== undefined ? `did you mean ${JSON.stringify(guess)}?` : `valid keys are ${valid.join(', ')}`,
      );
    }
  }
}

function checkReport(op: string, report: Report): void {
  if (typeof report !== 'object' || report === null) throw new FathomError(`${op}: report is not an object`, 'pass {title, sections}');
  checkKeys(op, 'report', report, REPORT_KEYS);
  if (typeof report.title !== 'string') throw new FathomError(`${op}: report.title is ${typeof report.title}`, 'give the report a title string');
  if (!Array.isArray(report.sections)) throw new FathomError(`${op}: report.sections is not an array`, 'pass sections: [{title, text?, tables?, plots?}]');
  report.sections.forEach((s, i) => {
    checkKeys(op, `sections[${i}]`, s, SECTION_KEYS);
    if (typeof s.title !== 'string') throw new FathomError(`${op}: sections[${i}].title is ${typeof s.title}`, 'give every section a title string');
    for (const key of ['tables', 'plots'] as const) {
      if (s[key] !== undefined && !Array.isArray(s[key])) throw new FathomError(`${op}: sections[${i}].${key} is not an array`, `pass ${key} as an array`);
    }
  });
}

/** Renders every plot of a report once: svgs[section][plot]. */
async function renderAll(report: Report): Promise<string[][]> {
  const out: string[][] = [];
  for (const section of report.sections) {
    const svgs: string[] = [];
    for (const plot of section.plots ?? []) svgs.push((await renderPlot(plot)).svg);
    out.push(svgs);
  }
  return out;
}

function paragraphs(text: string | readonly string[]): string {
  const parts = typeof text === 'string' ? text.split(/\n\s*\n/) : text;
  return parts
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:${theme.text};font:15px/1.5 ${theme.font}}
main{max-width:1000px;margin:0 auto;padding:32px 24px 64px}
header{margin-bottom:24px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:0 0 12px;padding-bottom:6px;border-bottom:1px solid #e3e5e8}
.subtitle{color:${theme.muted};margin:0}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0 0;font-size:13px;color:${theme.muted}}
dl.meta dt{font-weight:600}dl.meta dd{margin:0}
nav ol{margin:8px 0 0;padding-left:20px;font-size:14px}
section{background:#fff;border:1px solid #e3e5e8;border-radius:6px;padding:20px 24px;margin:20px 0}
p{white-space:pre-line;margin:0 0 10px}
table.fathom-table{border-collapse:collapse;margin:12px 0 18px;font-size:13px}
table.fathom-table caption{caption-side:top;text-align:left;color:${theme.muted};padding-bottom:4px}
table.fathom-table th,table.fathom-table td{padding:4px 12px;border-bottom:1px solid #e3e5e8;text-align:left;vertical-align:top;white-space:pre-line}
table.fathom-table thead th{border-bottom:2px solid #c9cdd3;font-weight:600}
table.fathom-table tbody tr:nth-child(even){background:#fafbfc}
.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:16px 0}
figure svg{max-width:100%;height:auto;display:block}
figcaption{color:${theme.muted};font-size:13px;margin-top:4px}
pre{background:#f3f4f6;border-radius:4px;padding:10px 12px;overflow-x:auto;font:12.5px/1.45 ${theme.monoFont};white-space:pre-wrap}
`;

/** Assembles the page from a report and its rendered plots. */
function page(report: Report, svgs: readonly (readonly string[])[]): string {
  const meta = report.meta
    ? `<dl class="meta">${Object.entries(report.meta)
        .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v))}</dd>`)
        .join('')}</dl>`
    : '';
  const nav =
    report.sections.length > 1
      ? `<nav aria-label="Sections"><ol>${report.sections
          .map((s, i) => `<li><a href="#section-${i + 1}">${escapeHtml(s.title)}</a></li>`)
          .join('')}</ol></nav>`
      : '';
  const sections = report.sections.map((s, i) => {
    const parts: string[] = [`<h2>${escapeHtml(s.title)}</h2>`];
    if (s.text !== undefined) parts.push(paragraphs(s.text));
    for (const t of s.tables ?? []) parts.push(table(t.rows, t.columns, t.caption !== undefined ? { caption: t.caption } : {}));
    (s.plots ?? []).forEach((plot, j) => {
      const label = plot.title ?? plot.caption ?? `${plot.kind} plot`;
      // Ids are prefixed per plot: vega restarts its clip-path ids in every SVG.
      const svg = prefixSvgIds(svgs[i]![j]!, `p${i + 1}-${j + 1}-`);
      const caption = plot.caption !== undefined ? `<figcaption>${escapeHtml(plot.caption)}</figcaption>` : '';
      parts.push(`<figure class="plot plot-${escapeHtml(plot.kind)}" id="plot-${i + 1}-${j + 1}" aria-label="${escapeHtml(label)}">${svg}${caption}</figure>`);
    });
    if (s.code !== undefined) parts.push(`<pre>${escapeHtml(s.code)}</pre>`);
    return `<section id="section-${i + 1}">\n${parts.join('\n')}\n</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="fathom">
<title>${escapeHtml(report.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(report.title)}</h1>
${report.subtitle !== undefined ? `<p class="subtitle">${escapeHtml(report.subtitle)}</p>` : ''}
${meta}
${nav}
</header>
${sections.join('\n')}
</main>
</body>
</html>
`;
}

/**
 * Renders a report to one self-contained HTML string: inline CSS, plots as inline SVG, no
 * scripts and no external URLs (a Content-Security-Policy forbids them too). All text from the
 * report (titles, paragraphs, cells, captions, meta) is HTML-escaped.
 */
export async function htmlReport(report: Report): Promise<string> {
  checkReport('htmlReport', report);
  return page(report, await renderAll(report));
}

export interface WriteReportOptions {
  /** Also write each plot as plot-<section>-<n>.png (default false). */
  readonly png?: boolean;
  /** Width of the PNG copies in pixels (default: twice the SVG's width, for sharp text). */
  readonly pngWidth?: number;
}

/** Where `writeReport` put things, and what the reader should know about them. */
export interface WrittenReport {
  /** Absolute path of index.html. */
  readonly html: string;
  /** Absolute paths of the PNG copies, in section and plot order. */
  readonly pngs: readonly string[];
  /** E.g. that the PNGs have no text because no font is installed. */
  readonly warnings: readonly string[];
}

/**
 * Writes `index.html` (see `htmlReport`) into `dir`, creating it, and with `png: true` a PNG
 * copy of every plot beside it. Each plot is rendered once for both.
 */
export async function writeReport(dir: string, report: Report, options: WriteReportOptions = {}): Promise<WrittenReport> {
  checkReport('writeReport', report);
  if (typeof dir !== 'string' || dir.length === 0) throw new FathomError('writeReport: dir is empty', 'pass the directory to write into');
  const root = resolve(dir);
  const svgs = await renderAll(report);
  await mkdir(root, { recursive: true });
  const html = join(root, 'index.html');
  await writeFile(html, page(report, svgs), 'utf8');
  const pngs: string[] = [];
  const warnings: string[] = [];
  if (options.png) {
    const fonts = fontStatus();
    if (!fonts.available) warnings.push(`PNG copies have no text: resvg found no font. Hint: ${fonts.hint}`);
    for (const [i, section] of svgs.entries()) {
      for (const [j, svg] of section.entries()) {
        const width = options.pngWidth ?? 2 * svgWidth(svg);
        const path = join(root, `plot-${i + 1}-${j + 1}.png`);
        await writeFile(path, toPng(svg, { width }));
        pngs.push(path);
      }
    }
  }
  return { html, pngs, warnings };
}

/** The width attribute vega writes on its root <svg>. */
function svgWidth(svg: string): number {
  const m = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg);
  return m ? Math.round(Number(m[1])) : theme.width;
}
