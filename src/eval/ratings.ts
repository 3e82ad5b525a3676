// Where agreement's ratings come from: JSONL/CSV files of `{item, rater, label}` rows, files of
// one rater (`name=path`, with `#field` naming the label field), or an eval run's scores. Item ids
// are normalised ("00042", 42 and "42" are one item) so graders' files line up.
import { UsageError } from '../errors.js';
import type { Store } from '../store/index.js';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Rating } from './agreement.js';
import { parseBinarize } from './agreement.js';
import { readRecords } from './dataset.js';
import type { Stages } from './types.js';

export const normalizeItemId = (id: unknown): string => {
  const s = String(id).trim();
  return /^\d+(?:\.0+)?$/.test(s) ? String(Number(s)) : s;
};

export interface RatingSource {
  /** "path" (rows carry the rater), "name=path" (one rater), either with "#labelField". */
  spec: string;
  itemField?: string;
  raterField?: string;
  labelField?: string;
}

/** Reads ratings from one source spec. Rows without a label (null or empty) are skipped and counted. */
export function readRatings(source: RatingSource): { ratings: Rating[]; skipped: number } {
  let spec = source.spec;
  let labelField = source.labelField ?? 'label';
  const hash = spec.lastIndexOf('#');
  if (hash > 0) {
    labelField = spec.slice(hash + 1);
    spec = spec.slice(0, hash);
  }
  const eq = spec.indexOf('=');
  const rater = eq > 0 ? spec.slice(0, eq) : undefined;
  const path = eq > 0 ? spec.slice(eq + 1) : spec;
  const itemField = source.itemField ?? 'item';
  const raterField = source.raterField ?? 'rater';
  const ratings: Rating[] = [];
  let skipped = 0;
  for (const { line, row } of readRecords(path)) {
    const item = row[itemField];
    if (item === undefined || item === null || item === '') throw new UsageError(`agreement: ${path} line ${line} has no "${itemField}"`, `name the item field with --item-field (this row has ${Object.keys(row).join(', ')})`);
    const who = rater ?? row[raterField];
    if (who === undefined || who === null || who === '') throw new UsageError(`agreement: ${path} line ${line} has no "${raterField}"`, `name the rater field with --rater-field, or give the file one rater as name=${path}`);
    const label = row[labelField];
    if (label === undefined || label === null || label === '') { skipped++; continue; }
    ratings.push({ item: normalizeItemId(item), rater: String(who), label: String(label) });
  }
  if (ratings.length === 0) throw new UsageError(`agreement: ${path} has no labels in field "${labelField}"`, `name the label field with --label-field, or as ${rater ?? 'name'}=${path}#<field>`);
  return { ratings, skipped };
}

/** A run's scores as a rater: label 1/0 for items scored ok; errors, unparsed and refusals are not ratings. */
export function runRatings(store: Store, spec: string): Rating[] {
  const eq = spec.indexOf('=');
  const id = eq > 0 ? spec.slice(0, eq) : spec;
  const run = store.getRun(id);
  const rater = eq > 0 ? spec.slice(eq + 1) : `${run.name} (${run.id})`;
  const out: Rating[] = [];
  for (const item of store.items(run.id)) {
    const s = item.stages as unknown as Stages;
    if (s.score?.status === 'ok' && s.score.value !== null) out.push({ item: normalizeItemId(item.itemId), rater, label: String(s.score.value) });
  }
  if (out.length === 0) throw new UsageError(`agreement: run ${run.id} has no scored items`, 'use an eval run that finished scoring');
  return out;
}

/**
 * Applies `--binarize` maps: "map" for every rater, or "raterA,raterB=map" for some. Dropped labels
 * (mapped to `drop`) leave the rating out.
 */
export function binarize(ratings: readonly Rating[], specs: readonly string[]): Rating[] {
  const maps = specs.map((s) => {
    const eq = s.indexOf('=');
    return eq > 0 ? { raters: new Set(s.slice(0, eq).split(',').map((r) => r.trim())), map: parseBinarize(s.slice(eq + 1)) } : { raters: undefined, map: parseBinarize(s) };
  });
  const known = new Set(ratings.map((r) => r.rater));
  for (const m of maps) for (const r of m.raters ?? []) if (!known.has(r)) throw new UsageError(`--binarize names rater "${r}", which no source has (raters: ${[...known].join(', ')})`, 'use the rater names as given by the sources');
  const out: Rating[] = [];
  for (const r of ratings) {
    let label: string | null = r.label;
    for (const m of maps) if (!m.raters || m.raters.has(r.rater)) label = label === null ? null : m.map(label);
    if (label !== null) out.push({ ...r, label });
  }
  return out;
}

/** Item ids from a file: one per line (.txt), or the `item` field of a JSONL/CSV. */
export function readItemIds(path: string, field = 'item'): Set<string> {
  if (extname(path).toLowerCase() === '.txt') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`--items ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path');
    }
    return new Set(text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map(normalizeItemId));
  }
  return new Set(readRecords(path).map(({ row }) => normalizeItemId(row[field])));
}

export const defaultRaterName = (path: string): string => basename(path, extname(path));
