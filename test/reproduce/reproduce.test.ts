import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { linePlot } from '../../src/report/index.js';
import { registerExperiment } from '../../src/reproduce/index.js';
import { reproduce, selectExperiments } from '../../src/reproduce/run.js';
import { Store } from '../../src/store/index.js';
import { fathom, tempDir } from '../helpers/cli.js';

describe('reproduce', () => {
  it('says when no experiment is registered', () => {
    assert.throws(() => selectExperiments(undefined, []), /no experiment is registered yet.*Hint: run `fathom doctor`/);
  });

  it('lists the registered experiments and rejects unknown ids with exit code 2', () => {
    const list = fathom(['reproduce', '--list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const ids = (JSON.parse(list.stdout) as { id: string }[]).map((e) => e.id);
    assert.ok(ids.includes('answer-matching'));
    const bad = fathom(['reproduce', '--quick', '--only', 'answer-matchin', '--workspace', tempDir()]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no experiment "answer-matchin" .*Hint: did you mean "answer-matching"\?/);
  });

  it('runs a registered experiment from the CLI and writes the HTML report', () => {
    const ws = tempDir();
    const r = fathom(['reproduce', '--quick', '--only', 'answer-matching', '--json', '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { report: string; experiments: { id: string; status: string }[] };
    assert.deepEqual(summary.experiments.map((e) => [e.id, e.status]), [['answer-matching', 'completed']]);
    assert.ok(summary.report.startsWith(`${ws}/reports/`));
    assert.match(readFileSync(summary.report, 'utf8'), /<svg|<table/);
  });

  it('runs registered experiments into store runs and one HTML report, and records failures', async () => {
    // A real (if tiny) experiment: estimate pi by the Leibniz series at two budgets.
    registerExperiment({
      id: 'leibniz-pi',
      system: 'Harness check',
      paper: 'none',
      title: 'pi from the Leibniz series',
      budgets: { quick: '1,000 terms', full: '1,000,000 terms' },
      async run(ctx) {
        const terms = ctx.budget === 'quick' ? 1000 : 1_000_000;
        let sum = 0;
        const xs: number[] = [];
        const ys: number[] = [];
        for (let k = 0; k < terms; k++) {
          sum += (k % 2 === 0 ? 4 : -4) / (2 * k + 1);
          if ((k + 1) % 100 === 0) {
            ctx.run.log(k + 1, { estimate: sum });
            xs.push(k + 1);
            ys.push(sum);
          }
        }
        return {
          summary: `Partial sums of the Leibniz series over ${terms} terms.`,
          tables: [{ rows: [{ terms, estimate: sum, error: Math.abs(sum - Math.PI) }] }],
          plots: [linePlot({ title: 'estimate', series: [{ name: 'partial sum', x: xs, y: ys }] })],
          comparisons: [{ metric: 'pi', ours: sum, paper: Math.PI, note: '<b>not markup</b>' }],
        };
      },
    });
    registerExperiment({
      id: 'always-fails',
      system: 'Harness check',
      paper: 'none',
      title: 'a failing experiment',
      budgets: { quick: 'none', full: 'none' },
      async run() {
        throw new Error('diverged at step 3');
      },
    });
    assert.throws(() => registerExperiment({ id: 'leibniz-pi' } as never), /registered twice/);
    assert.throws(() => selectExperiments(['leibniz-py']), /no experiment "leibniz-py" .*Hint: did you mean "leibniz-pi"\?/);

    const store = new Store(tempDir());
    try {
      const summary = await reproduce(store, { budget: 'quick', seed: 0, only: ['leibniz-pi', 'always-fails'] });
      assert.deepEqual(summary.experiments.map((e) => [e.id, e.status]), [['leibniz-pi', 'completed'], ['always-fails', 'failed']]);
      assert.match(summary.report, /reports\/\d{8}-\d{6}\/index\.html$/);
      const html = readFileSync(summary.report, 'utf8');
      assert.match(html, /Harness check: pi from the Leibniz series/);
      assert.match(html, /&lt;b&gt;not markup&lt;\/b&gt;/);
      assert.match(html, /<svg/);
      assert.match(html, /This experiment failed after [\d.]+ s: diverged at step 3/);
      const ok = store.getRun(summary.experiments[0]!.runId);
      assert.equal(ok.status, 'completed');
      assert.equal(store.metrics(ok.id, 'estimate').length, 10);
      assert.deepEqual(store.artifacts(ok.id).map((a) => a.path), ['result.json']);
      const failed = store.getRun(summary.experiments[1]!.runId);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error, 'diverged at step 3');
    } finally {
      store.close();
    }
  });
});
