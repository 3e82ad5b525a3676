// The `plan` reproduce experiment: the planner on the paper's three machines at the paper's GPU
// counts finds a fitting split for every model size and lands near the paper's % of peak on
// Perlmutter, where the predecessor paper also gives a configuration to compare with.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { reproduce } from '../../src/reproduce/run.js';
import '../../src/reproduce/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

describe('reproduce plan (quick)', () => {
  it('plans GPT 20B–320B on Perlmutter, Frontier and Alps and compares with the paper', async () => {
    const dir = tempDir();
    const store = new Store(dir);
    try {
      const out = await reproduce(store, { budget: 'quick', only: ['plan'], seed: 0, outDir: join(dir, 'report') });
      const [e] = out.experiments;
      assert.equal(e!.status, 'completed', e!.error);
      const metrics = Object.fromEntries(store.metrics(e!.runId).map((m) => [m.name, m.value]));
      // Every machine × size found a split that fits (15 metrics, all positive).
      const pct = Object.entries(metrics).filter(([k]) => k.endsWith('_pct_peak'));
      assert.equal(pct.length, 15);
      for (const [k, v] of pct) assert.ok(v > 0 && v < 100, `${k} = ${v}`);
      const byMetric = new Map(e!.comparisons.slice(0, 3).map((c) => [c.metric.split(',')[0]!, c]));
      assert.deepEqual([...byMetric.keys()], ['Perlmutter', 'Frontier', 'Alps']);
      // Paper % of peak derived from its flop/s and the presets' peaks: 620.1e15 / (4096 · 312e12) = 48.5%.
      assert.equal(byMetric.get('Perlmutter')!.paper, 48.5);
      assert.equal(byMetric.get('Frontier')!.paper, 22);
      assert.equal(byMetric.get('Alps')!.paper, 23.4);
      // On Perlmutter the model lands within a factor of 1.25 of the paper's sustained fraction.
      const ours = Number(byMetric.get('Perlmutter')!.ours);
      assert.ok(ours > 48.5 / 1.25 && ours < 48.5 * 1.25, `Perlmutter ${ours}%`);
      // The predecessor's 80B run on 1,024 GPUs: 57% of peak.
      const p80 = e!.comparisons[3]!;
      assert.match(p80.metric, /^Perlmutter, 1,024 GPUs, GPT 80B/);
      assert.equal(p80.paper, 57);
      assert.ok(Number(p80.ours) > 57 / 1.25 && Number(p80.ours) < 57 * 1.25, `80B ${p80.ours}%`);
    } finally {
      store.close();
    }
  });
});
