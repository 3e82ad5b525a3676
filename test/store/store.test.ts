import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError, UsageError } from '../../src/errors.js';
import { SCHEMA_VERSION, Store, exportRows, formatRows, resolveWorkspace } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

describe('store', () => {
  it('creates a WAL-mode database with foreign keys and the current schema version', () => {
    const store = new Store(tempDir());
    try {
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(store.schemaVersion, SCHEMA_VERSION);
      assert.ok(existsSync(store.artifactsDir));
    } finally {
      store.close();
    }
  });

  it('records runs, metrics, eval items and artifacts, and reads them back after reopening', () => {
    const dir = tempDir();
    const store = new Store(dir);
    const run = store.createRun({ kind: 'train', name: 'tiny', config: { lr: 0.001 } });
    run.log(0, { loss: 3.5, lr: 0.001 });
    run.log(1, { loss: 3.25 });
    run.log(1, { loss: 3.0 }); // a step logged twice keeps the last value
    run.log(2, { loss: Number.NaN });
    run.putItem('q1', { generate: { text: 'Paris' } }, 'generated');
    run.putItem('q1', { match: { verdict: true } }, 'scored');
    const art = run.addArtifact('plots/loss.svg', '<svg/>', 'plot');
    assert.equal(art.bytes, 6);
    assert.equal(art.sha256, 'd4dc56669143034f31aa309635d4113d9ad76a02b1739da22c965ed2049be9e6'); // sha256sum of the same bytes
    run.finish('completed');
    store.close();

    const again = new Store(dir);
    try {
      const [rec] = again.listRuns();
      assert.equal(rec!.id, run.id);
      assert.equal(rec!.status, 'completed');
      assert.deepEqual(rec!.config, { lr: 0.001 });
      assert.ok(rec!.finishedAt);
      const loss = again.metrics(run.id, 'loss');
      assert.deepEqual(loss.map((m) => [m.step, m.value]), [[0, 3.5], [1, 3.0], [2, Number.NaN]]);
      const [item] = again.items(run.id);
      assert.deepEqual(item!.stages, { generate: { text: 'Paris' }, match: { verdict: true } });
      assert.equal(item!.status, 'scored');
      assert.deepEqual(again.counts(run.id), { metrics: 4, items: 1, artifacts: 1 });
      assert.equal(readFileSync(join(again.artifactsDir, run.id, 'plots/loss.svg'), 'utf8'), '<svg/>');
      assert.equal(again.getRun(run.id.slice(0, 12)).id, run.id, 'a unique prefix finds the run');
    } finally {
      again.close();
    }
  });

  it('checks artifact hashes and refuses paths that leave the run folder', () => {
    const store = new Store(tempDir());
    try {
      const run = store.createRun({ kind: 'eval' });
      run.addArtifact('out.txt', 'hello', 'text');
      assert.equal(run.readArtifact('out.txt').toString(), 'hello');
      writeFileSync(join(store.artifactsDir, run.id, 'out.txt'), 'tampered');
      assert.throws(() => run.readArtifact('out.txt'), /does not match its recorded sha256/);
      assert.throws(() => run.addArtifact('../escape.txt', 'x', 'text'), (e: Error) => e instanceof UsageError && /leaves the run's folder/.test(e.message));
      assert.throws(() => run.readArtifact('nope.txt'), /artifact "nope.txt" of run .* not found/);
    } finally {
      store.close();
    }
  });

  it('deletes a run with its rows and files, but not a running one without force', () => {
    const store = new Store(tempDir());
    try {
      const run = store.createRun({ kind: 'train' });
      run.log(0, { loss: 1 });
      run.addArtifact('a.bin', Buffer.from([1, 2, 3]), 'weights');
      assert.throws(() => store.deleteRun(run.id), /run .* is still running .*Hint: stop it first, or pass --force/);
      run.finish('failed', 'diverged');
      store.deleteRun(run.id);
      assert.equal(store.listRuns().length, 0);
      assert.equal((store.db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n, 0);
      assert.ok(!existsSync(join(store.artifactsDir, run.id)));
    } finally {
      store.close();
    }
  });

  it('gives clear errors for unknown and ambiguous ids, bad steps, and files that are not a store', () => {
    const dir = tempDir();
    const store = new Store(dir);
    try {
      store.createRun({ kind: 'a' });
      store.createRun({ kind: 'b' });
      assert.throws(() => store.getRun('zzz'), /run "zzz" not found .*Hint: list runs with `fathom runs ls`/);
      assert.throws(() => store.getRun('2'), /run id prefix "2" is ambiguous/);
      assert.throws(() => store.createRun({ kind: 'c' }).log(-1, { x: 1 }), /run\.log: step must be a non-negative integer, got -1/);
    } finally {
      store.close();
    }
    const junk = tempDir();
    writeFileSync(join(junk, 'fathom.db'), 'this is not sqlite, just text that is long enough to be a header '.repeat(20));
    assert.throws(() => new Store(junk), (e: Error) => e instanceof StoreError && /is not a readable fathom store .*Hint: move the file aside/.test(e.message));
  });

  it('refuses a store written by a newer schema', () => {
    const dir = tempDir();
    new Store(dir).close();
    const db = new Database(join(dir, 'fathom.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => new Store(dir), /has schema version \d+, newer than this fathom's \d+\. Hint: upgrade fathom/);
  });

  it('marks runs of dead processes as interrupted on open', () => {
    const dir = tempDir();
    const store = new Store(dir);
    const run = store.createRun({ kind: 'train' });
    store.db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(2 ** 22 + 12345, run.id); // no such pid
    store.close();
    const again = new Store(dir);
    try {
      const rec = again.getRun(run.id);
      assert.equal(rec.status, 'interrupted');
      assert.match(rec.error ?? '', /ended without finishing the run/);
    } finally {
      again.close();
    }
  });

  it('exports metrics and items as JSONL and CSV', () => {
    const store = new Store(tempDir());
    try {
      const run = store.createRun({ kind: 'eval' });
      run.log(0, { acc: 0.5 });
      run.putItem('q,1', { answer: 'say "hi"' }, 'done');
      const jsonl = formatRows(exportRows(store, run.id, 'metrics'), 'jsonl');
      assert.equal(JSON.parse(jsonl.trim()).value, 0.5);
      const csv = formatRows(exportRows(store, run.id, 'items'), 'csv').split('\n');
      assert.equal(csv[0], 'run,item_id,status,updated_at,stages');
      assert.ok(csv[1]!.includes('"q,1"'));
      assert.ok(csv[1]!.includes('"{""answer"":""say \\""hi\\""""}"'));
    } finally {
      store.close();
    }
  });

  it('resolves the workspace from the flag, then FATHOM_HOME, then ./.fathom', () => {
    const saved = process.env.FATHOM_HOME;
    try {
      process.env.FATHOM_HOME = '/tmp/fh';
      assert.equal(resolveWorkspace('/x/y'), '/x/y');
      assert.equal(resolveWorkspace(), '/tmp/fh');
      delete process.env.FATHOM_HOME;
      assert.equal(resolveWorkspace(), join(process.cwd(), '.fathom'));
    } finally {
      if (saved === undefined) delete process.env.FATHOM_HOME;
      else process.env.FATHOM_HOME = saved;
    }
  });
});
