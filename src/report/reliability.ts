// Reliability diagrams for probabilistic predictions: equal-width bins of predicted probability,
// the observed frequency in each (bars, with a Wilson 95% interval), the mean prediction (dots),
// the count per bin and the diagonal of perfect calibration. Follows the layout of Guo et al.,
// "On Calibration of Modern Neural Networks" (2017), with ECE in the subtitle.

import { FathomError } from '../errors.js';
import { checkNonEmpty, checkNumbers, checkPositive, checkSameLength } from './validate.js';
import { frame, makePlot } from './plot.js';
import type { Datum, Plot, PlotOptions } from './plot.js';
import { theme } from './theme.js';

/** One bin of a reliability diagram; `meanPredicted` and `observed` are null for an empty bin. */
export interface CalibrationBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  readonly meanPredicted: number | null;
  /** Fraction of positive outcomes in the bin. */
  readonly observed: number | null;
}

/**
 * Sorts predictions into `nBins` equal-width bins of [0, 1] (p = 1 goes in the last bin) and
 * returns each bin's count, mean prediction and observed frequency of positives.
 */
export function calibrationBins(
  probs: readonly number[],
  outcomes: readonly (number | boolean)[],
  nBins = 10,
): CalibrationBin[] {
  const op = 'calibrationBins';
  checkNumbers(op, 'probs', probs);
  checkNonEmpty(op, 'probs', probs);
  checkSameLength(op, 'probs', probs, 'outcomes', outcomes);
  checkPositive(op, 'nBins', nBins, true);
  const count = new Array<number>(nBins).fill(0);
  const sumP = new Array<number>(nBins).fill(0);
  const positives = new Array<number>(nBins).fill(0);
  probs.forEach((p, i) => {
    if (p < 0 || p > 1) throw new FathomError(`${op}: probs[${i}] is ${p}, outside [0, 1]`, 'pass probabilities, not logits or percentages');
    const o = outcomes[i];
    if (o !== 0 && o !== 1 && o !== true && o !== false) {
      throw new FathomError(`${op}: outcomes[${i}] is ${String(o)}`, 'pass each outcome as 0/1 or false/true');
    }
    const b = Math.min(nBins - 1, Math.floor(p * nBins));
    count[b]! += 1;
    sumP[b]! += p;
    positives[b]! += o === true || o === 1 ? 1 : 0;
  });
  return count.map((n, b) => ({
    lo: b / nBins,
    hi: (b + 1) / nBins,
    count: n,
    meanPredicted: n > 0 ? sumP[b]! / n : null,
    observed: n > 0 ? positives[b]! / n : null,
  }));
}

/** Expected calibration error: the count-weighted mean of |observed − meanPredicted| over bins. */
export function expectedCalibrationError(bins: readonly CalibrationBin[]): number {
  const total = bins.reduce((s, b) => s + b.count, 0);
  if (total === 0) return 0;
  return bins.reduce((s, b) => s + (b.count > 0 ? (b.count / total) * Math.abs(b.observed! - b.meanPredicted!) : 0), 0);
}

/** Wilson score interval (95%) for k successes in n trials; honest for small bins and k ∈ {0, n}. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}

export type ReliabilityInput =
  | { readonly probs: readonly number[]; readonly outcomes: readonly (number | boolean)[]; readonly nBins?: number }
  | { readonly bins: readonly CalibrationBin[] };

export type ReliabilityOptions = PlotOptions & ReliabilityInput & {
  /** Draw a Wilson 95% interval on each bin's observed frequency (default true). */
  readonly intervals?: boolean;
};

/**
 * A reliability diagram from raw predictions (`probs`, `outcomes`, `nBins`) or from bins
 * computed elsewhere (`bins`). The subtitle reports ECE, the number of predictions and bins
 * unless `subtitle` is given.
 */
export function reliabilityDiagram(options: ReliabilityOptions): Plot {
  const op = 'reliabilityDiagram';
  const bins = 'bins' in options ? checkBins(op, options.bins) : calibrationBins(options.probs, options.outcomes, options.nBins ?? 10);
  const total = bins.reduce((s, b) => s + b.count, 0);
  if (total === 0) throw new FathomError(`${op}: every bin is empty`, 'pass at least one prediction');
  const ece = expectedCalibrationError(bins);

  const rows: Datum[] = bins
    .filter((b) => b.count > 0)
    .map((b) => {
      const [lo95, hi95] = wilson(Math.round(b.observed! * b.count), b.count);
      return { lo: b.lo, hi: b.hi, mid: (b.lo + b.hi) / 2, count: b.count, predicted: b.meanPredicted!, observed: b.observed!, lo95, hi95 };
    });
  const unit = { type: 'quantitative', scale: { domain: [0, 1], nice: false } };
  const xTitle = options.xLabel ?? 'predicted probability';
  // The top panel's x axis keeps its ticks but leaves labels and title to the count strip below.
  const x = { ...unit, field: 'predicted', axis: { labels: false, title: null } };
  const y = { ...unit, field: 'observed', title: options.yLabel ?? 'observed frequency' };
  const diagram: Record<string, unknown>[] = [
    {
      mark: { type: 'rect', color: theme.palette[0], opacity: 0.35, stroke: theme.palette[0], strokeWidth: 1 },
      encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y, y2: { datum: 0 } },
    },
    {
      data: { values: [{ predicted: 0, observed: 0 }, { predicted: 1, observed: 1 }] },
      mark: { type: 'line', color: theme.reference, strokeDash: [4, 4], strokeWidth: 1 },
      encoding: { x, y },
    },
  ];
  if (options.intervals ?? true) {
    diagram.push({
      mark: { type: 'rule', color: theme.text, strokeWidth: 1 },
      encoding: { x, y: { ...y, field: 'lo95' }, y2: { field: 'hi95' } },
    });
  }
  diagram.push({ mark: { type: 'point', filled: true, color: theme.text, size: 30 }, encoding: { x, y } });

  // Counts go in a strip below the diagram (as in scikit-learn's calibration display), where
  // they cannot collide with bars, intervals or the diagonal.
  const maxCount = Math.max(...bins.map((b) => b.count));
  // Headroom above the tallest bar for its label.
  const countY = { field: 'count', type: 'quantitative', title: 'count', scale: { domain: [0, maxCount * 1.3], nice: false }, axis: { tickCount: 2 } };
  const counts: Record<string, unknown>[] = [
    {
      mark: { type: 'rect', color: theme.muted, opacity: 0.35 },
      encoding: { x: { ...unit, field: 'lo', title: xTitle }, x2: { field: 'hi' }, y: countY, y2: { datum: 0 } },
    },
  ];
  if (bins.length <= 20) {
    counts.push({
      mark: { type: 'text', dy: -5, fontSize: theme.fontSize - 2, color: theme.text },
      encoding: { x: { ...unit, field: 'mid', title: xTitle }, y: countY, text: { field: 'count', type: 'quantitative' } },
    });
  }
  const side = options.width ?? theme.height;
  const height = options.height ?? side;
  checkPositive(op, 'width', side);
  checkPositive(op, 'height', height);
  const subtitle = options.subtitle ?? `ECE ${ece.toFixed(3)} · n = ${total} · ${bins.length} bins`;
  const spec = {
    ...frame(op, { ...pickText(options), subtitle }, false),
    data: { values: rows },
    spacing: 6,
    vconcat: [
      { width: side, height, layer: diagram, encoding: {} },
      { width: side, height: Math.round(height / 4), layer: counts },
    ],
  };
  return makePlot('reliability', spec, options);
}

/** The text options of a plot, without its data fields. */
function pickText(options: PlotOptions): PlotOptions {
  return { ...(options.title !== undefined ? { title: options.title } : {}) };
}

/** Checks bins given by the caller: ordered edges in [0, 1], counts ≥ 0, rates in [0, 1]. */
function checkBins(op: string, bins: readonly CalibrationBin[]): readonly CalibrationBin[] {
  checkNonEmpty(op, 'bins', bins);
  bins.forEach((b, i) => {
    const nums = [b.lo, b.hi, b.count];
    if (nums.some((v) => typeof v !== 'number' || !Number.isFinite(v)) || b.lo < 0 || b.hi > 1 || b.lo >= b.hi) {
      throw new FathomError(`${op}: bins[${i}] has edges [${b.lo}, ${b.hi}]`, 'give each bin finite edges 0 ≤ lo < hi ≤ 1');
    }
    if (!Number.isInteger(b.count) || b.count < 0) {
      throw new FathomError(`${op}: bins[${i}].count is ${b.count}`, 'a count is a non-negative integer');
    }
    for (const key of ['meanPredicted', 'observed'] as const) {
      const v = b[key];
      if (b.count > 0 && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1)) {
        throw new FathomError(`${op}: bins[${i}].${key} is ${String(v)}`, 'a non-empty bin needs a rate in [0, 1]; use calibrationBins to compute them');
      }
    }
  });
  return bins;
}
