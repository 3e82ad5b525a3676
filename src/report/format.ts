// Text helpers for reports: HTML escaping of every user- or model-produced string, and number
// formatting that gives a table column one consistent number of decimals.

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Non-finite numbers, spelled the same everywhere. */
function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? '∞' : '−∞';
}

/**
 * Decimals that show `significant` digits of the largest magnitude in a column: 0.8123 and 0.79
 * both get 4 decimals (0.8123, 0.7900), 1234.5 gets 0. Capped at 8.
 */
export function columnDecimals(values: readonly number[], significant = 4): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.every((v) => Number.isInteger(v))) return 0;
  const maxAbs = Math.max(...finite.map((v) => Math.abs(v)));
  if (maxAbs === 0) return 0;
  return Math.min(8, Math.max(0, significant - 1 - Math.floor(Math.log10(maxAbs))));
}

/**
 * Formats a number for a table cell with `decimals` places. Integers print whole; magnitudes
 * that the fixed format would hide (≥ 1e15, or non-zero but rounding to 0) print in
 * exponent form with 3 significant digits; NaN and ±∞ print as NaN, ∞ and −∞.
 */
export function formatNumber(x: number, decimals?: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const abs = Math.abs(x);
  if (abs >= 1e15) return x.toExponential(2);
  if (decimals === undefined) decimals = columnDecimals([x]);
  if (Number.isInteger(x) && decimals === 0) return String(x);
  const fixed = x.toFixed(decimals);
  return x !== 0 && Number(fixed) === 0 ? x.toExponential(2) : fixed;
}
