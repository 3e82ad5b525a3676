// Date-restricted BM25 retrieval: never a document dated after the cutoff, an undated one never
// returned and always counted, ranking statistics from the documents before the cutoff only.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DatedIndex, passages, readDocuments, sotuDocuments, type DatedDocument } from '../../src/forecast/retrieval.js';

const docs: DatedDocument[] = [
  { id: 'before-1', date: '2025-01-05', text: 'The harbour ferry strike began; unions demand higher wages.' },
  { id: 'before-2', date: '2025-02-28T23:59:00Z', text: 'Ferry strike talks stall as the harbour authority refuses.' },
  { id: 'at-freeze', date: '2025-03-01T00:00:00Z', text: 'Ferry strike enters its third month.' },
  { id: 'after-1', date: '2025-03-01T00:00:01Z', text: 'Ferry strike ends: harbour workers accept the deal.' },
  { id: 'after-2', date: '2025-06-10', text: 'Months after the ferry strike, the harbour is busy.' },
  { id: 'undated', date: null, text: 'Ferry strike: a timeline of the harbour dispute.' },
  { id: 'unrelated', date: '2024-12-01', text: 'Parliament passes the budget.' },
];

describe('forecast retrieval', () => {
  it('never returns a document dated after the freeze date, nor an undated one, and counts both', () => {
    const index = new DatedIndex(docs);
    const r = index.search('ferry strike harbour', '2025-03-01T00:00:00Z', 10);
    assert.deepEqual(r.documents.map((d) => d.id).sort(), ['at-freeze', 'before-1', 'before-2']);
    assert.deepEqual(r.excluded, { afterFreeze: 2, undated: 1 });
    for (const asOf of ['2025-01-01', '2025-01-05', '2025-02-28', '2025-03-01T00:00:00Z', '2025-03-02', '2030-01-01']) {
      const got = index.search('ferry strike harbour', asOf, 10).documents;
      assert.ok(got.every((d) => d.date !== null && Date.parse(d.date.length === 10 ? `${d.date}T00:00:00Z` : d.date) <= Date.parse(asOf.length === 10 ? `${asOf}T00:00:00Z` : asOf)), `leak at ${asOf}`);
      assert.ok(got.every((d) => d.id !== 'undated'));
    }
    assert.deepEqual(index.search('ferry', '2025-03-02', 10).documents.map((d) => d.id).sort(), ['after-1', 'at-freeze', 'before-1', 'before-2']);
  });

  it('ranks with statistics of the documents before the cutoff only (same result as an index of those alone)', () => {
    const cutoff = '2025-03-01T00:00:00Z';
    const mixed = new DatedIndex(docs).search('harbour workers deal', cutoff, 5).documents.map((d) => [d.id, d.score]);
    const past = new DatedIndex(docs.filter((d) => d.date !== null && Date.parse(d.date.length === 10 ? `${d.date}T00:00:00Z` : d.date) <= Date.parse(cutoff))).search('harbour workers deal', cutoff, 5).documents.map((d) => [d.id, d.score]);
    assert.deepEqual(mixed, past);
  });

  it('reads a JSONL store, keeping a missing date as null (excluded and reported), and rejects bad rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fathom-docs-'));
    const path = join(dir, 'docs.jsonl');
    writeFileSync(path, '{"id":"a","date":"2025-01-01","text":"alpha news"}\n{"id":"b","text":"alpha undated"}\n');
    const read = readDocuments(path);
    assert.equal(read[1]!.date, null);
    const r = new DatedIndex(read).search('alpha', '2026-01-01');
    assert.deepEqual(r.documents.map((d) => d.id), ['a']);
    assert.equal(r.excluded.undated, 1);
    writeFileSync(path, '{"id":"a","date":"soon","text":"x"}\n');
    assert.throws(() => readDocuments(path), /docs\.jsonl: line 1, field "date" is not a date/);
    assert.throws(() => readDocuments(join(dir, 'nope.jsonl')), /corpus ".*nope\.jsonl" is neither "sotu" nor a readable file/);
  });

  it('serves the State of the Union corpus dated by year end, never before the year is over', () => {
    const sotu = sotuDocuments({ from: 2000, to: 2002 });
    assert.ok(sotu.length > 50);
    assert.ok(sotu.every((d) => /^200[0-2]-12-31$/.test(d.date!)));
    const index = new DatedIndex(sotu);
    const mid2001 = index.search('terrorism homeland security', '2001-06-30', 5);
    assert.ok(mid2001.documents.every((d) => d.date === '2000-12-31'));
    assert.ok(mid2001.excluded.afterFreeze > 0);
    assert.ok(index.search('terrorism homeland security', '2003-01-01', 5).documents.some((d) => d.date === '2002-12-31'));
    assert.deepEqual(passages('One two three.\n\nFour five six.', 3), ['One two three.', 'Four five six.']);
  });
});
