// Comparing training runs: loss curves overlaid (train loss binned to at most 200 points, the
// validation loss of the raw weights and of each averager), and a summary per run — final and
// best validation losses, the step each curve first reached the best loss all runs share as a
// target (steps-to-target, the paper's time-to-target metric), and wall time.
import { FathomError } from '../errors.js';
import { linePlot } from '../report/index.js';
import type { Plot } from '../report/index.js';
import type { Store } from '../store/index.js';

export interface CurveSummary {
  run: string;
  label: string;
  curve: string;
  final: number;
  best: number;
  bestStep: number;
  /** First eval step at which the curve is ≤ the shared target (null: never). */
  stepsToTarget: number | null;
}

export interface Comparison {
  runs: Array<{ id: string; name: string; status: string; steps: number; time: number | null; finalTrainLoss: number | null }>;
  target: number | null;
  curves: CurveSummary[];
  plot: Plot;
}

/** Mean of `y` over consecutive bins, so a long per-step curve plots as ≤ `max` points. */
export function binCurve(points: ReadonlyArray<readonly [number, number]>, max = 200): Array<[number, number]> {
  if (points.length <= max) return points.map(([x, y]) => [x, y]);
  const size = Math.ceil(points.length / max);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < points.length; i += size) {
    const bin = points.slice(i, i + size);
    out.push([bin.at(-1)![0], bin.reduce((s, p) => s + p[1], 0) / bin.length]);
  }
  return out;
}

/**
 * The step at which `curve` first reaches `target` (≤), or null. With `interpolate`, the
 * crossing is placed linearly between the two evaluations around it, so savings are not
 * rounded to the evaluation interval.
 */
export function stepsToTarget(curve: ReadonlyArray<readonly [number, number]>, target: number, { interpolate = false } = {}): number | null {
  for (let i = 0; i < curve.length; i++) {
    const [s, v] = curve[i]!;
    if (v > target) continue;
    const prev = curve[i - 1];
    if (!interpolate || !prev || prev[1] === v) return s;
    return prev[0] + ((s - prev[0]) * (prev[1] - target)) / (prev[1] - v);
  }
  return null;
}

export function compareRuns(store: Store, ids: readonly string[]): Comparison {
  if (ids.length < 2) throw new FathomError(`runs compare: got ${ids.length} run, need at least 2`, 'pass two or more run ids: fathom runs compare <run> <run>');
  const records = ids.map((id) => store.getRun(id));
  const labels = records.map((r) => `${r.name} ${r.id.slice(-4)}`);
  const series: Array<{ name: string; x: number[]; y: number[] }> = [];
  const vals: Array<{ run: string; label: string; curve: string; points: Array<[number, number]> }> = [];
  const runs = records.map((r, i) => {
    const metrics = store.metrics(r.id);
    if (metrics.length === 0) throw new FathomError(`runs compare: run ${r.id} logged no metrics`, 'compare training runs (fathom runs ls --kind train)');
    const byName = new Map<string, Array<[number, number]>>();
    for (const m of metrics) if (Number.isFinite(m.value)) (byName.get(m.name) ?? byName.set(m.name, []).get(m.name)!).push([m.step, m.value]);
    const train = byName.get('loss') ?? [];
    if (train.length) {
      const b = binCurve(train);
      series.push({ name: `${labels[i]} · train`, x: b.map((p) => p[0]), y: b.map((p) => p[1]) });
    }
    for (const [name, points] of byName) {
      if (!name.startsWith('val_loss')) continue;
      const curve = name === 'val_loss' ? 'val' : `val ${name.slice('val_loss_'.length)}`;
      series.push({ name: `${labels[i]} · ${curve}`, x: points.map((p) => p[0]), y: points.map((p) => p[1]) });
      vals.push({ run: r.id, label: labels[i]!, curve, points });
    }
    const tail = train.slice(-10);
    return {
      id: r.id, name: r.name, status: r.status, steps: Math.max(0, ...metrics.map((m) => m.step)),
      time: byName.get('time')?.at(-1)?.[1] ?? null,
      finalTrainLoss: tail.length ? tail.reduce((s, p) => s + p[1], 0) / tail.length : null,
    };
  });
  // The shared target: the worst of the runs' best raw validation losses, so every run reaches it.
  const rawBests = vals.filter((v) => v.curve === 'val').map((v) => Math.min(...v.points.map((p) => p[1])));
  const target = rawBests.length === records.length ? Math.max(...rawBests) : null;
  const curves = vals.map((v) => {
    const best = v.points.reduce((b, p) => (p[1] < b[1] ? p : b));
    return {
      run: v.run, label: v.label, curve: v.curve, final: v.points.at(-1)![1], best: best[1], bestStep: best[0],
      stepsToTarget: target === null ? null : stepsToTarget(v.points, target),
    };
  });
  if (series.length === 0) throw new FathomError('runs compare: the runs logged no loss curves', 'compare runs made by fathom train');
  const plot = linePlot({
    title: 'Loss curves', subtitle: records.map((r) => r.id).join(' vs '), xLabel: 'step', yLabel: 'loss (nats/token)', series,
    caption: 'Train loss (binned) and validation loss of the raw and averaged weights.',
  });
  return { runs, target, curves, plot };
}
