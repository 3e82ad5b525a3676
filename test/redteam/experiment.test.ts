// The redteam reproduce experiment runs offline: a positive slope per target, success falling as
// targets grow, no undetermined labels, and a low predicted ASR for an attacker weaker than all targets.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { reproduce } from '../../src/reproduce/run.js';
import '../../src/reproduce/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

describe('reproduce redteam (quick)', () => {
  it('runs end to end and fits a rising law per target', async () => {
    const dir = tempDir();
    const store = new Store(dir);
    try {
      const out = await reproduce(store, { budget: 'quick', only: ['redteam'], seed: 0, outDir: join(dir, 'report') });
      const [e] = out.experiments;
      assert.equal(e!.status, 'completed', e!.error);
      const metrics = Object.fromEntries(store.metrics(e!.runId).map((m) => [m.name, m.value]));
      assert.ok(metrics.medianSlope! > 0.5, String(metrics.medianSlope));
      assert.ok(metrics.medianR2! > 0.3, String(metrics.medianR2));
      assert.equal(metrics.undetermined, 0);
      const weak = e!.comparisons.find((c) => c.metric.startsWith('predicted ASR of an attacker at capability 0.1'))!;
      assert.ok(Number(weak.ours) < 0.2, String(weak.ours));
      // Both matrices (PAIR, Crescendo) were stored as red-teaming runs with every turn.
      const runs = store.listRuns({ kind: 'redteam' });
      assert.equal(runs.length, 2);
      assert.equal(store.items(runs[0]!.id).length, 6 * 3 * 9);
    } finally {
      store.close();
    }
  });
});
