// Reads the probability out of a forecaster's answer. Models write it many ways — a tagged value,
// "Probability: 0.7", "I'd say 70%", "final answer: 7/10" — so the reader tries the explicit forms
// first and then the last probability-like number; what it cannot read is `unparsed` (kept apart,
// never scored, never a 0.5). The value is kept as given: clamping happens only in the log score.
import type { ExtractedStage } from '../eval/index.js';

const NUMBER = String.raw`(\d{1,3}(?:\.\d+)?|\.\d+)\s*(%|percent|/\s*100|/\s*10\b)?`;
const TAGGED = new RegExp(String.raw`<(?:probability|answer|forecast)>\s*${NUMBER}\s*</(?:probability|answer|forecast)>`, 'gi');
const LABELLED = new RegExp(String.raw`\b(?:final\s+)?(?:probability|forecast|answer|estimate|prediction)(?:\s+(?:is|of|that[^:\d]{0,40}))?\s*[:=]?\s*\**\s*${NUMBER}`, 'gi');
const BARE = new RegExp(String.raw`(?<![\w.\-/])${NUMBER}(?![\w.]*\d)`, 'gi');

function value(num: string, unit: string | undefined, labelled: boolean): number | null {
  const x = Number(num);
  if (!Number.isFinite(x)) return null;
  const u = unit?.replace(/\s+/g, '').toLowerCase();
  if (u === '%' || u === 'percent' || u === '/100') return x / 100;
  if (u === '/10') return x / 10;
  if (x <= 1) return x;
  // "Probability: 70" means 70%; a bare 70 means nothing.
  return labelled && x <= 100 ? x / 100 : null;
}

function lastValid(re: RegExp, text: string, labelled: boolean): number | null {
  let found: number | null = null;
  for (const m of text.matchAll(re)) {
    const v = value(m[1]!, m[2], labelled);
    if (v !== null && v >= 0 && v <= 1) found = v;
  }
  return found;
}

/** The probability a forecaster gave, or `unparsed`. */
export function parseProbability(text: string): ExtractedStage {
  const tagged = lastValid(TAGGED, text, true);
  if (tagged !== null) return { status: 'ok', answer: String(tagged), method: 'tag' };
  const labelled = lastValid(LABELLED, text, true);
  if (labelled !== null) return { status: 'ok', answer: String(labelled), method: 'label' };
  // Unlabelled numbers: only a percentage or a decimal in [0, 1] counts, and only the last one.
  let bare: number | null = null;
  for (const m of text.matchAll(BARE)) {
    if (!m[2] && !/^0?\.\d+$|^[01]$/.test(m[1]!)) continue;
    const v = value(m[1]!, m[2], false);
    if (v !== null && v >= 0 && v <= 1) bare = v;
  }
  if (bare !== null) return { status: 'ok', answer: String(bare), method: 'last-number' };
  return { status: 'unparsed', answer: null, method: null };
}
