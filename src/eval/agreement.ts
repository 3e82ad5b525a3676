// Agreement between graders, as the answer-matching paper measures it (arXiv:2507.02856, §5):
// Scott's π (chance agreement from the pooled marginals), Cohen's κ (from each rater's own
// marginals) and raw agreement, pairwise, each with a percentile bootstrap CI over items
// (1,000 resamples). When chance agreement is 1 (both raters used one and the same class) π and
// κ are undefined: they are reported as null with the reason, never as a division by zero.
// Kendall's τ-b compares model rankings between protocols.
import { UsageError } from '../errors.js';
import { bootstrap, type Interval } from './stats.js';

export interface Rating { item: string; rater: string; label: string }

/** Po, Scott's π and Cohen's κ of two aligned label arrays (over the given indices). */
export function agreementStats(a: readonly string[], b: readonly string[], indices?: ArrayLike<number>): { raw: number; scottsPi: number | null; cohensKappa: number | null } {
  const n = indices ? indices.length : a.length;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let same = 0;
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k]! : k;
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) same++;
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
  }
  const po = same / n;
  let peScott = 0;
  let peCohen = 0;
  for (const label of new Set([...countA.keys(), ...countB.keys()])) {
    const pa = (countA.get(label) ?? 0) / n;
    const pb = (countB.get(label) ?? 0) / n;
    peScott += ((pa + pb) / 2) ** 2;
    peCohen += pa * pb;
  }
  const chanceCorrected = (pe: number): number | null => (1 - pe < 1e-12 ? null : (po - pe) / (1 - pe));
  return { raw: po, scottsPi: chanceCorrected(peScott), cohensKappa: chanceCorrected(peCohen) };
}

export interface PairAgreement {
  raterA: string;
  raterB: string;
  /** Items both raters labelled (after dropping). */
  items: number;
  raw: number;
  rawCi: Interval | null;
  scottsPi: number | null;
  scottsPiCi: Interval | null;
  cohensKappa: number | null;
  cohensKappaCi: Interval | null;
  /** Why π/κ are null, when they are. */
  note?: string;
}

/** Pairwise agreement of every two raters over the items both labelled. */
export function pairwiseAgreement(ratings: readonly Rating[], options: { resamples?: number; seed?: number } = {}): PairAgreement[] {
  const byRater = new Map<string, Map<string, string>>();
  for (const r of ratings) {
    let m = byRater.get(r.rater);
    if (!m) byRater.set(r.rater, (m = new Map()));
    const prev = m.get(r.item);
    if (prev !== undefined && prev !== r.label) throw new UsageError(`agreement: rater "${r.rater}" gives item "${r.item}" two labels (${prev}, ${r.label})`, 'keep one label per rater and item');
    m.set(r.item, r.label);
  }
  const raters = [...byRater.keys()];
  if (raters.length < 2) throw new UsageError(`agreement: needs two or more raters, got ${raters.length} (${raters.join(', ') || 'none'})`, 'give rows {item, rater, label} from at least two raters');
  const out: PairAgreement[] = [];
  for (let i = 0; i < raters.length; i++) {
    for (let j = i + 1; j < raters.length; j++) {
      const A = byRater.get(raters[i]!)!;
      const B = byRater.get(raters[j]!)!;
      const a: string[] = [];
      const b: string[] = [];
      for (const [item, label] of A) {
        const other = B.get(item);
        if (other !== undefined) { a.push(label); b.push(other); }
      }
      const base = { raterA: raters[i]!, raterB: raters[j]! };
      if (a.length === 0) {
        out.push({ ...base, items: 0, raw: Number.NaN, rawCi: null, scottsPi: null, scottsPiCi: null, cohensKappa: null, cohensKappaCi: null, note: 'no item labelled by both' });
        continue;
      }
      const s = agreementStats(a, b);
      const boot = (pick: (x: ReturnType<typeof agreementStats>) => number | null) => bootstrap(a.length, (idx) => pick(agreementStats(a, b, idx)), options);
      out.push({
        ...base, items: a.length,
        raw: s.raw, rawCi: boot((x) => x.raw),
        scottsPi: s.scottsPi, scottsPiCi: boot((x) => x.scottsPi),
        cohensKappa: s.cohensKappa, cohensKappaCi: boot((x) => x.cohensKappa),
        ...(s.scottsPi === null || s.cohensKappa === null ? { note: 'chance agreement is 1 (one class only): π and κ are undefined' } : {}),
      });
    }
  }
  return out;
}

/**
 * A label map such as "1-2:0,4-5:1,3:drop": numeric ranges (inclusive) or single labels to a new
 * label, or to `drop`. A label the map does not cover is an error, so nothing is silently lost.
 */
export function parseBinarize(spec: string): (label: string) => string | null {
  const rules = spec.split(',').map((part) => {
    const m = /^\s*([^:]+?)\s*:\s*(.+?)\s*$/.exec(part);
    if (!m) throw new UsageError(`--binarize "${spec}": "${part}" is not from:to`, 'write e.g. --binarize "1-2:0,4-5:1,3:drop"');
    const [, from, to] = m as unknown as [string, string, string];
    const range = /^(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)$/.exec(from);
    const target = to === 'drop' ? null : to;
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo > hi) throw new UsageError(`--binarize "${spec}": range ${from} runs backwards`, `write ${range[2]}-${range[1]}`);
      return (label: string) => (label.trim() !== '' && Number(label) >= lo && Number(label) <= hi ? { hit: true, target } : { hit: false, target });
    }
    return (label: string) => ({ hit: label === from || (label.trim() !== '' && Number(label) === Number(from) && !Number.isNaN(Number(from))), target });
  });
  return (label: string) => {
    for (const rule of rules) {
      const r = rule(label);
      if (r.hit) return r.target;
    }
    throw new UsageError(`--binarize "${spec}" does not cover the label "${label}"`, `add it, e.g. "${label}:drop"`);
  };
}

/** Kendall's τ-b between two score lists over the same models (ties handled); null when either list is constant. */
export function kendallTau(x: readonly number[], y: readonly number[]): number | null {
  let concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? null : (concordant - discordant) / denom;
}
