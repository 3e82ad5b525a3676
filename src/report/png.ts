// Rasterizes SVG to PNG with @resvg/resvg-js (Rust, no browser, no canvas). resvg draws text
// only with fonts it can find: with none installed it still renders, but silently without any
// text, so `toPng` checks for fonts once and warns with the command that installs some.

import { Resvg } from '@resvg/resvg-js';
import { FathomError } from '../errors.js';

/** Where resvg looks for fonts. */
export interface FontOptions {
  /** Load the system's fonts (/usr/share/fonts, ~/.fonts, ...). Default true. */
  readonly system?: boolean;
  /** Extra font files (.ttf, .otf) to load. */
  readonly files?: readonly string[];
  /** Extra directories of fonts to load. */
  readonly dirs?: readonly string[];
}

export interface PngOptions {
  /** Width of the PNG in pixels; the height keeps the SVG's aspect ratio. Default: the SVG's width. */
  readonly width?: number;
  readonly fonts?: FontOptions;
  /** A CSS colour painted under the SVG (vega's SVG already has a white background). */
  readonly background?: string;
}

/** Whether resvg found a font, and if not, how to get one. */
export interface FontStatus {
  readonly available: boolean;
  readonly hint: string | undefined;
}

const NO_FONT_HINT =
  'install a font (apt-get install -y fonts-dejavu-core) or pass fonts.files / fonts.dirs; until then PNGs have no text';

const statusCache = new Map<string, FontStatus>();
let warnedNoFonts = false;

function resvgFont(fonts: FontOptions = {}) {
  return {
    loadSystemFonts: fonts.system ?? true,
    fontFiles: [...(fonts.files ?? [])],
    fontDirs: [...(fonts.dirs ?? [])],
  };
}

/**
 * Whether resvg can draw text with these font options: renders a one-word probe and looks
 * for glyph outlines in resvg's output (it turns text into paths, and drops text it cannot
 * shape). Cached per option set.
 */
export function fontStatus(fonts: FontOptions = {}): FontStatus {
  const key = JSON.stringify(resvgFont(fonts));
  const cached = statusCache.get(key);
  if (cached) return cached;
  const probe = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><text x="2" y="15" font-family="sans-serif" font-size="12">Ag</text></svg>';
  const tree = new Resvg(probe, { font: resvgFont(fonts), logLevel: 'off' }).toString();
  const available = /<path\b/.test(tree);
  const status: FontStatus = { available, hint: available ? undefined : NO_FONT_HINT };
  statusCache.set(key, status);
  return status;
}

/**
 * Rasterizes an SVG string to a PNG buffer `width` pixels wide. Works without any font
 * installed, but then the PNG has no text: a process warning (code FATHOM_NO_FONTS) says so
 * once, and `fontStatus()` reports it.
 */
export function toPng(svg: string, options: PngOptions = {}): Buffer {
  const { width } = options;
  if (typeof svg !== 'string' || !/<svg[\s>]/.test(svg)) {
    throw new FathomError('toPng: svg is not an SVG document', 'pass the string renderSvg returns');
  }
  if (width !== undefined && (!Number.isInteger(width) || width < 1 || width > 16384)) {
    throw new FathomError(`toPng: width is ${width}`, 'pass an integer number of pixels from 1 to 16384');
  }
  if (/<text\b/.test(svg) && !warnedNoFonts && !fontStatus(options.fonts).available) {
    warnedNoFonts = true;
    process.emitWarning(`toPng: resvg found no font, so PNG text is left out. Hint: ${NO_FONT_HINT}`, { code: 'FATHOM_NO_FONTS' });
  }
  let resvg: Resvg;
  try {
    resvg = new Resvg(svg, {
      font: resvgFont(options.fonts),
      fitTo: width === undefined ? { mode: 'original' } : { mode: 'width', value: width },
      logLevel: 'off',
      ...(options.background !== undefined ? { background: options.background } : {}),
    });
  } catch (error) {
    throw new FathomError(`toPng: resvg could not parse the SVG: ${(error as Error).message}`, 'pass well-formed SVG, such as renderSvg returns', { cause: error });
  }
  return resvg.render().asPng();
}
