import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/store/index.js';
import { fathom, tempDir } from '../helpers/cli.js';

describe('fathom CLI', () => {
  it('--help lists the commands with examples and exits 0', () => {
    const r = fathom(['--help']);
    assert.equal(r.code, 0);
    for (const name of ['doctor', 'runs', 'reproduce']) assert.match(r.stdout, new RegExp(`\\n  ${name} `));
    assert.match(r.stdout, /Examples:\n {2}\$ fathom doctor/);
    const sub = fathom(['runs', 'export', '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--format <format>/);
    assert.match(sub.stdout, /Examples:/);
  });

  it('exits 2 on usage errors with a suggestion', () => {
    const r = fathom(['runs', 'lss']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'lss'/);
    assert.match(r.stderr, /Did you mean ls\?/);
    const opt = fathom(['doctor', '--jsn']);
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /unknown option '--jsn'/);
    const bad = fathom(['runs', 'ls', '--limit', 'many', '--workspace', tempDir()]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--limit must be a positive whole number, got "many"\. Hint: pass e\.g\. --limit 20/);
  });

  it('doctor --json prints the machine report', () => {
    const ws = tempDir();
    const r = fathom(['doctor', '--json', '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.node.version, process.version);
    assert.ok(['native', 'reference'].includes(report.engine.backend));
    for (const k of ['bubblewrap', 'gpp', 'python3']) assert.equal(typeof report.sandbox[k].ok, 'boolean');
    assert.equal(typeof report.chromium.ok, 'boolean');
    assert.equal(report.store.workspace, ws);
    assert.ok(Array.isArray(report.missing));
    for (const m of report.missing) assert.match(m.fix, /\S/);
    assert.ok(!existsSync(join(ws, 'fathom.db')), 'doctor does not create a store');
  });

  it('lists, shows, exports and removes runs', () => {
    const ws = tempDir();
    const store = new Store(ws);
    const run = store.createRun({ kind: 'train', name: 'demo', config: { lr: 0.1 } });
    run.log(0, { loss: 2 });
    run.log(1, { loss: 1.5 });
    run.finish('completed');
    store.close();

    const ls = fathom(['runs', 'ls', '--workspace', ws]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, new RegExp(`${run.id} +train +demo +completed`));

    const show = fathom(['--json', 'runs', 'show', run.id, '--workspace', ws]);
    assert.equal(JSON.parse(show.stdout).lastMetrics.loss.value, 1.5);

    const out = join(ws, 'm.csv');
    const ex = fathom(['runs', 'export', run.id, '--format', 'csv', '-o', out, '--workspace', ws]);
    assert.equal(ex.code, 0, ex.stderr);
    assert.equal(readFileSync(out, 'utf8').split('\n')[0], 'run,step,name,value,time');
    const bad = fathom(['runs', 'export', run.id, '--format', 'xml', '--workspace', ws]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format "xml" is not one of jsonl, csv/);

    const rm = fathom(['runs', 'rm', run.id, '--workspace', ws]);
    assert.equal(rm.code, 0, rm.stderr);
    const empty = fathom(['runs', 'ls', '--json', '--workspace', ws]);
    assert.deepEqual(JSON.parse(empty.stdout), []);
  });

  it('uses FATHOM_HOME and says when there is no store', () => {
    const ws = tempDir();
    const r = fathom(['runs', 'show', 'abc'], { env: { FATHOM_HOME: ws } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `fathom: no fathom store in ${ws}. Hint: pass --workspace (or set FATHOM_HOME) to the folder your runs were written to`);
  });
});
