// The `goldfish` experiment on a smaller setup than its quick budget (same code path): both
// trainings run, the report has its tables, plot and comparisons, and the Goldfish loss extracts
// less than the standard loss. The training stream places every copy of a passage whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GOLDFISH_BUDGETS, goldfishExperiment, trainingStream } from '../../src/memorization/experiment.js';
import type { GoldfishSetup } from '../../src/memorization/experiment.js';
import { createProgress } from '../../src/log/index.js';
import { registeredExperiments } from '../../src/reproduce/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

const SMALL: GoldfishSetup = {
  passages: 4, repeats: 8, generalTokens: 256, contextLength: 64, suffix: 16,
  steps: 500, layers: 2, dim: 64, heads: 4, batch: 8, lr: 5e-3, evalBatches: 2,
};

test('trainingStream interleaves general text with every copy of every passage', () => {
  const p = [Int32Array.from([1, 2]), Int32Array.from([3, 4])];
  const general = Int32Array.from([9, 8, 7, 6, 5, 4, 3, 2]);
  assert.deepEqual([...trainingStream(p, 2, general)], [9, 8, 1, 2, 7, 6, 3, 4, 5, 4, 1, 2, 3, 2, 3, 4]);
  assert.deepEqual([...trainingStream(p, 1, new Int32Array(0))], [1, 2, 3, 4]);
});

test('goldfish experiment: standard loss extracts more than Goldfish loss; the report is complete', async () => {
  assert.ok(registeredExperiments().some((e) => e.id === 'goldfish' && e.paper === '08-axonn.md'));
  assert.equal(GOLDFISH_BUDGETS.quick.suffix, 50);
  const store = new Store(tempDir());
  try {
    const run = store.createRun({ kind: 'reproduce', name: 'goldfish' });
    const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
    const result = await goldfishExperiment({ budget: 'quick', run, seed: 0, progress: (label, total, unit) => createProgress({ label, ...(total === undefined ? {} : { total }), ...(unit ? { unit } : {}), stream: quiet }) }, SMALL);
    const [main, perPassage] = result.tables;
    assert.equal(main!.rows.length, 3);
    const [standard, goldfish, heldOut] = main!.rows as Array<Record<string, number | string | null>>;
    assert.equal(standard!.loss, 'standard');
    assert.equal(goldfish!.loss, 'goldfish');
    assert.equal(heldOut!.probed, 'held-out windows');
    assert.equal(perPassage!.rows.length, SMALL.passages);
    const em = (r: Record<string, unknown>): number => r.exactMatch as number;
    const rl = (r: Record<string, unknown>): number => r.rougeL as number;
    assert.ok(em(standard!) > em(goldfish!), `rouge ${rl(standard!)} ${rl(goldfish!)} exact match standard ${em(standard!)} vs goldfish ${em(goldfish!)}`);
    assert.ok(rl(standard!) > rl(goldfish!), `ROUGE-L standard ${rl(standard!)} vs goldfish ${rl(goldfish!)}`);
    assert.ok(Number.isFinite(standard!.valLoss as number) && Number.isFinite(goldfish!.valLoss as number));
    assert.equal(result.plots.length, 1);
    assert.equal(result.plots[0]!.kind, 'bar');
    assert.equal(result.comparisons.length, 4);
    assert.match(result.summary, /Standard loss: [\d.]+% exact matches/);
    // Both training runs are in the store beside the experiment's run.
    assert.equal(store.listRuns({ kind: 'train' }).length, 2);
  } finally {
    store.close();
  }
});
