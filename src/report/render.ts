// Renders a Plot to SVG headlessly: vega-lite compiles the spec to vega, and a vega View with
// `renderer: 'none'` writes SVG markup without a DOM or a canvas. Text is measured by vega's
// estimate (0.8 em a character) since no canvas package is installed; layout is a little loose.

import type { TopLevelSpec } from 'vega-lite';
import type { Loader } from 'vega';
import { FathomError } from '../errors.js';
import type { Plot } from './plot.js';

/** A rendered plot and whatever vega-lite or vega warned about while drawing it. */
export interface RenderedPlot {
  readonly svg: string;
  /** Warnings such as a dropped encoding; fathom's builders should produce none. */
  readonly warnings: readonly string[];
}

/** A loader that refuses every URL and file and records what was asked for: a plot draws only
 * the data inside its spec (vega itself would only warn and draw an empty plot). */
function offlineLoader(loader: () => Loader, asked: string[]): Loader {
  const refuse = (uri: string): Promise<never> => {
    asked.push(uri);
    return Promise.reject(new Error(`fathom plots load nothing (${uri})`));
  };
  return { ...loader(), load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

/**
 * Renders a plot (or any vega-lite spec with inline data) to an SVG string and collects the
 * warnings vega-lite and vega logged. The SVG escapes all text, and is checked to contain no
 * script or foreign content, so it can be inlined into HTML.
 */
export async function renderPlot(plot: Plot | TopLevelSpec): Promise<RenderedPlot> {
  const spec = isPlot(plot) ? plot.spec : plot;
  // Loaded on first use: vega and vega-lite hold ≈ 10 MB of V8 heap, which every full collection
  // of a training run would otherwise mark again (the fathom command loads all its commands).
  const [{ View, Warn, loader, logger, parse }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const warnings: string[] = [];
  const errors: string[] = [];
  // Errors are collected, not thrown from the handler, so vega finishes its pulse cleanly.
  const log = logger(Warn, undefined, (method, _level, args) => {
    const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    (method === 'error' ? errors : warnings).push(text);
  });
  let runtime;
  try {
    runtime = parse(compile(spec, { logger: log }).spec);
  } catch (error) {
    throw new FathomError(`renderPlot: vega-lite could not compile the spec: ${(error as Error).message}`, 'check the spec against the vega-lite docs', { cause: error });
  }
  const asked: string[] = [];
  const view = new View(runtime, { renderer: 'none', logger: log, logLevel: Warn, loader: offlineLoader(loader, asked) });
  try {
    const svg = await view.toSVG();
    if (asked.length > 0) {
      throw new FathomError(`renderPlot: the spec asks to load ${JSON.stringify(asked[0])}`, 'put the data inline as data.values; plots load no URLs or files');
    }
    if (errors.length > 0) {
      throw new FathomError(`renderPlot: vega reported ${errors.join('; ')}`, 'check the spec against the vega-lite docs');
    }
    assertInert(svg);
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}

/** Renders a plot to an SVG string (see `renderPlot`, which also returns vega's warnings). */
export async function renderSvg(plot: Plot | TopLevelSpec): Promise<string> {
  return (await renderPlot(plot)).svg;
}

function isPlot(value: Plot | TopLevelSpec): value is Plot {
  return typeof value === 'object' && value !== null && 'kind' in value && 'spec' in value;
}

/**
 * Refuses SVG that carries active content. Vega escapes `<` in every text and attribute it
 * writes, so a literal `<script` can only be markup; the check guards against a future vega
 * that stops escaping, since the SVG is inlined into HTML unchanged.
 */
export function assertInert(svg: string): void {
  const bad = /<\s*(script|foreignObject|iframe|object|embed)\b/i.exec(svg);
  if (bad) {
    throw new FathomError(`renderPlot: the rendered SVG contains a <${bad[1]}> element`, 'remove markup from labels and titles; report this as a bug');
  }
}

/**
 * Gives every `id` in an SVG a prefix and rewrites the references to it (`url(#id)`, `href="#id"`),
 * so several SVGs inlined into one page don't share ids: vega numbers clip paths per render
 * (every plot has a `clip1`) and a browser resolves `url(#clip1)` to the first in the page.
 * Attributes are parsed as name="value" pairs; vega writes `"` inside values as &quot;.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg.replace(/<[a-zA-Z][^<>]*>/g, (tag) =>
    tag.replace(/(\s)([a-zA-Z_:][\w:.-]*)="([^"]*)"/g, (whole, space: string, name: string, value: string) => {
      if (name === 'id') return `${space}id="${prefix}${value}"`;
      if ((name === 'href' || name === 'xlink:href') && value.startsWith('#')) return `${space}${name}="#${prefix}${value.slice(1)}"`;
      if (name.startsWith('aria-')) return whole;
      return value.includes('url(#') ? `${space}${name}="${value.replace(/url\(#/g, `url(#${prefix}`)}"` : whole;
    }),
  );
}
