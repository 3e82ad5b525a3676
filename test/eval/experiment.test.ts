// The answer-matching reproduce experiment runs offline and shows what the paper claims on the
// demo set: the matcher agrees with the truth far better than exact match, and the cascade gives
// the matcher's verdicts while saving most of its calls.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { reproduce } from '../../src/reproduce/run.js';
import '../../src/reproduce/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

describe('reproduce answer-matching (quick)', () => {
  it('grades stored responses four ways and compares each with the truth', async () => {
    const dir = tempDir();
    const store = new Store(dir);
    try {
      const out = await reproduce(store, { budget: 'quick', only: ['answer-matching'], seed: 0, outDir: join(dir, 'report') });
      const [e] = out.experiments;
      assert.equal(e!.status, 'completed', e!.error);
      assert.deepEqual(store.artifacts(e!.runId).map((a) => a.path), ['result.json']);
      const metrics = Object.fromEntries(store.metrics(e!.runId).map((m) => [m.name, m.value]));
      assert.ok(metrics.pi_match! > 0.75, `matcher π ${metrics.pi_match}`);
      assert.ok(metrics.pi_exact! < 0.5, `exact π ${metrics.pi_exact}`);
      assert.equal(metrics.pi_cascade, metrics.pi_match, 'the rules only decide where they agree with the matcher');
      const saved = e!.comparisons.find((c) => c.metric.startsWith('cascade'))!.ours as string;
      const [n, of] = saved.split(' of ').map(Number);
      assert.ok(n! > of! / 2, saved);
    } finally {
      store.close();
    }
  });
});
