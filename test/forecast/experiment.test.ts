// The forecasting reproduce experiment runs offline: every planted leak found, no false alarms on
// the clean half, always 0.5 at Brier Index 50, the crowd better than it, and the betting pitfall.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { plantedLeakSet, PLANTED_CUTOFF } from '../../src/forecast/fixture.js';
import { audit } from '../../src/forecast/audit.js';
import { reproduce } from '../../src/reproduce/run.js';
import '../../src/reproduce/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

describe('reproduce forecasting (quick)', () => {
  it('the planted set: each leaky question is flagged by its check, the clean half by none', () => {
    const set = plantedLeakSet();
    const report = audit(set, { cutoff: PLANTED_CUTOFF });
    for (const [question, check] of set.planted) assert.ok(report.findings.some((f) => f.question === question && f.check === check), `${check} missed ${question}`);
    assert.deepEqual(report.findings.filter((f) => f.question !== null && set.clean.has(f.question)), []);
    assert.equal(set.clean.size, 10);
  });

  it('runs end to end and reports what the paper file expects', async () => {
    const dir = tempDir();
    const store = new Store(dir);
    try {
      const out = await reproduce(store, { budget: 'quick', only: ['forecasting'], seed: 0, outDir: join(dir, 'report') });
      const [e] = out.experiments;
      assert.equal(e!.status, 'completed', e!.error);
      const metrics = Object.fromEntries(store.metrics(e!.runId).map((m) => [m.name, m.value]));
      assert.equal(metrics.found, metrics.planted);
      assert.equal(metrics.falseAlarms, 0);
      assert.ok(metrics.crowdBrier! < 0.25, String(metrics.crowdBrier));
      assert.ok(metrics.crowdIndex! > 50);
      assert.ok(metrics.pFirstGamma2Corr08! > 0.1, String(metrics.pFirstGamma2Corr08));
      assert.equal(e!.comparisons.find((c) => c.metric === 'Brier Index of always 0.5')!.ours, 50);
    } finally {
      store.close();
    }
  });
});
