// `fathom bench eval` does what it reports: the stub runs in its own process, every item of the
// run is stored with all its stages, and the stub's own rate is measured beside it (no timing
// is asserted); bad flags are usage errors that say how to fix them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runEvalBench } from '../../src/eval/bench/throughput.js';
import { fathom } from '../helpers/cli.js';

describe('eval throughput bench', () => {
  it('runs the eval against the stub process, storing every item, beside the stub alone', async () => {
    const r = await runEvalBench({ items: 40, delays: [0, 5], concurrency: 8, repeats: 2 });
    assert.equal(r.runs.length, 4);
    for (const run of r.runs) {
      assert.equal(run.stored, 40);
      assert.equal(run.accuracy, 1, 'the stub answers every sum right and contains finds it');
      assert.ok(run.itemsPerSec > 0 && run.stubItemsPerSec > 0 && Math.abs(run.ratio - run.itemsPerSec / run.stubItemsPerSec) < 1e-9);
      assert.ok(run.cpuMsPerItem > 0 && run.peakRssMiB > 0);
    }
    assert.deepEqual(r.summary.map((s) => s.delayMs), [0, 5]);
    for (const s of r.summary) assert.ok(s.itemsPerSec.min <= s.itemsPerSec.median && s.itemsPerSec.median <= s.itemsPerSec.max);
  });

  it('rejects bad flags with a hint', () => {
    const bad = fathom(['bench', 'eval', '--delays', '0,-5']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--delays "0,-5" must be comma-separated milliseconds from 0 to 10000.*pass e\.g\. --delays 0,50/s);
    const json = fathom(['--json', 'bench', 'eval', '--items', '20', '--delays', '0', '--concurrency', '4']);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { items: number; runs: { stored: number }[] };
    assert.equal(out.items, 20);
    assert.equal(out.runs[0]!.stored, 20);
  });
});
