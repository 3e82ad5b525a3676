// A run killed with SIGKILL while writing metrics leaves a consistent store, and the next open
// marks it interrupted (issue: foundation, "Done when").
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { fathom, tempDir } from '../helpers/cli.js';

const CHILD = new URL('./fixtures/write-metrics.ts', import.meta.url).pathname;

describe('SIGKILL in the middle of writing metrics', () => {
  it('leaves a store that `fathom runs ls` reads, with the run marked interrupted', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const runId = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    // Let it write for a while, then kill it without any chance to clean up.
    const db = new Database(join(dir, 'fathom.db'), { readonly: true });
    const count = (): number => (db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n;
    for (let i = 0; i < 200 && count() < 3000; i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(count() >= 300, `the writer wrote only ${count()} metrics`);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    db.close();

    const ls = fathom(['runs', 'ls', '--json', '--workspace', dir]);
    assert.equal(ls.code, 0, ls.stderr);
    const runs = JSON.parse(ls.stdout) as { id: string; status: string; metrics: number; error: string }[];
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.id, runId);
    assert.equal(runs[0]!.status, 'interrupted');
    assert.match(runs[0]!.error, /ended without finishing the run/);
    assert.ok(runs[0]!.metrics >= 300);

    const check = new Database(join(dir, 'fathom.db'), { readonly: true });
    assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
    // Every step is whole: each logged step has all three metrics.
    const partial = check.prepare('SELECT step FROM metrics GROUP BY step HAVING count(*) <> 3').all();
    assert.deepEqual(partial, []);
    check.close();

    const show = fathom(['runs', 'show', runId.slice(0, 15), '--workspace', dir]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /status {6}interrupted/);
  });
});
