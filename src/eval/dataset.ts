// Datasets: JSONL and CSV files with a field mapping (id, question, reference, options, answer as a
// letter or an index, category), the MMLU-Pro convention (up to 10 options, letters A–J) and the
// GPQA convention (the correct answer plus three incorrect ones, shuffled with a seed per item),
// and the bundled demo set. Bad rows are errors naming the file, the line and the field.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { DEMO_SET } from './data/demo.js';
import { LETTERS } from './extract.js';
import { hashString, rng, shuffled } from './stats.js';
import type { Sample } from './types.js';

export const datasetSchema = z.strictObject({
  path: z.string().min(1).default('demo').describe('"demo" (the bundled set), or a .jsonl / .csv file'),
  format: z.enum(['auto', 'jsonl', 'csv']).default('auto').describe('file format (auto: by extension)'),
  fields: z.strictObject({
    id: z.string().default('id').describe('item id (default: the row number)'),
    question: z.string().default('question'),
    reference: z.string().default('reference').describe('free-form reference answer'),
    options: z.union([z.string(), z.array(z.string())]).default('options').describe('a field holding a list (JSON in CSV), or a list of fields'),
    answer: z.string().default('answer').describe('correct option as a letter or a 0-based index'),
    category: z.string().default('category'),
  }).default({ id: 'id', question: 'question', reference: 'reference', options: 'options', answer: 'answer', category: 'category' }),
  convention: z.enum(['plain', 'mmlu-pro', 'gpqa']).default('plain').describe('mmlu-pro: ≤10 options A–J; gpqa: options = [correct, 3 incorrect] fields, shuffled with the seed'),
  seed: z.number().int().default(0).describe('seed of the GPQA option shuffle'),
  limit: z.number().int().positive().optional().describe('only the first N items'),
});

export type DatasetConfig = z.output<typeof datasetSchema>;

/** RFC 4180 CSV: quoted fields with doubled quotes and embedded newlines. Returns rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Records of a JSONL or CSV file, each with its line number for messages. */
export function readRecords(path: string, format: 'auto' | 'jsonl' | 'csv' = 'auto'): { line: number; row: Record<string, unknown> }[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`dataset ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path (or use "demo" for the bundled set)');
  }
  const kind = format !== 'auto' ? format : extname(path).toLowerCase() === '.csv' ? 'csv' : extname(path).toLowerCase().startsWith('.json') ? 'jsonl' : undefined;
  if (!kind) throw new UsageError(`dataset ${path}: unknown format "${extname(path) || '(no extension)'}"`, 'name it .jsonl or .csv, or set dataset.format');
  if (kind === 'jsonl') {
    const out: { line: number; row: Record<string, unknown> }[] = [];
    text.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      let row: unknown;
      try {
        row = JSON.parse(l);
      } catch (err) {
        throw new UsageError(`dataset ${path}: line ${i + 1} is not JSON (${(err as Error).message})`, 'write one JSON object per line');
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new UsageError(`dataset ${path}: line ${i + 1} is not a JSON object`, 'write one {field: value} object per line');
      out.push({ line: i + 1, row: row as Record<string, unknown> });
    });
    return out;
  }
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((cells, i) => ({ line: i + 2, row: Object.fromEntries(header.map((h, j) => [h.trim(), cells[j] ?? ''])) }));
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : String(v);
}

/** Turns mapped records into samples, applying the convention. */
export function toSamples(records: { line: number; row: Record<string, unknown> }[], config: DatasetConfig, source: string): Sample[] {
  const f = config.fields;
  const seen = new Set<string>();
  const where = (line: number, field: string) => `dataset ${source}: line ${line}, field "${field}"`;
  return records.map(({ line, row }, index) => {
    const id = text(row[f.id]) ?? `row-${index + 1}`;
    if (seen.has(id)) throw new UsageError(`dataset ${source}: line ${line}: id "${id}" appears twice`, `give every item a distinct "${f.id}"`);
    seen.add(id);
    const question = text(row[f.question]);
    if (question === undefined) throw new UsageError(`${where(line, f.question)} is missing`, `map the question field with dataset.fields.question (this row has ${Object.keys(row).join(', ')})`);
    const sample: Sample = { id, question };
    const reference = text(row[f.reference]);
    if (reference !== undefined) sample.reference = reference;
    const category = text(row[f.category]);
    if (category !== undefined) sample.category = category;
    let options: string[] | undefined;
    if (Array.isArray(f.options)) {
      const values = f.options.map((name) => text(row[name]));
      if (values.some((v) => v === undefined)) throw new UsageError(`${where(line, f.options[values.findIndex((v) => v === undefined)]!)} is missing`, 'every option field must be present');
      options = values as string[];
    } else if (row[f.options] !== undefined && row[f.options] !== '') {
      let v = row[f.options];
      if (typeof v === 'string') {
        try { v = JSON.parse(v); } catch { /* reported below */ }
      }
      if (!Array.isArray(v)) throw new UsageError(`${where(line, f.options)} is not a list`, 'give the options as a JSON array');
      options = v.map((o) => String(o));
    }
    if (config.convention === 'gpqa') {
      if (!options || options.length !== 4) throw new UsageError(`${where(line, Array.isArray(f.options) ? f.options.join('+') : f.options)}: GPQA items have 4 options (correct first), this one has ${options?.length ?? 0}`, 'map fields.options to [correct, incorrect 1, incorrect 2, incorrect 3]');
      const order = shuffled([0, 1, 2, 3], rng(hashString(`${config.seed}:${id}`)));
      sample.options = order.map((k) => options![k]!);
      sample.answerIndex = order.indexOf(0);
      sample.reference ??= options[0]!;
      return sample;
    }
    if (options) {
      const max = config.convention === 'mmlu-pro' ? 10 : LETTERS.length;
      if (options.length < 2 || options.length > max) throw new UsageError(`${where(line, String(f.options))} has ${options.length} options`, `give 2 to ${max} options`);
      sample.options = options;
      const a = row[f.answer];
      if (a !== undefined && a !== '') {
        const s = String(a).trim();
        const index = /^\d+$/.test(s) ? Number(s) : LETTERS.indexOf(s.toUpperCase());
        if (s.length === 0 || index < 0 || index >= options.length) throw new UsageError(`${where(line, f.answer)} is "${s}", not a letter or index among ${options.length} options`, `use A–${LETTERS[options.length - 1]} or 0–${options.length - 1}`);
        sample.answerIndex = index;
      }
    }
    return sample;
  });
}

export function loadDataset(config: DatasetConfig): { name: string; samples: Sample[] } {
  const samples = config.path === 'demo'
    ? DEMO_SET.map(({ aliases: _a, ...s }) => ({ ...s, options: [...s.options] }))
    : toSamples(readRecords(config.path, config.format), config, config.path);
  return { name: config.path, samples: config.limit === undefined ? samples : samples.slice(0, config.limit) };
}
