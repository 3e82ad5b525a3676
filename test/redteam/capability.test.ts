// Capabilities from a file (JSON, JSONL, CSV) or from a fathom evaluation run's accuracy.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evalConfigSchema, startEval } from '../../src/eval/index.js';
import { LlmPool, scriptedProvider } from '../../src/llm/index.js';
import { capabilityOf, loadCapabilities } from '../../src/redteam/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

describe('redteam capabilities', () => {
  it('reads JSON, JSONL and CSV; a missing model names the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ 'p:a': 0.7, 'p:b': '0.4' }));
    writeFileSync(join(dir, 'c.jsonl'), '{"model": "p:a", "capability": 0.7}\n');
    writeFileSync(join(dir, 'c.csv'), 'model,capability\np:a,0.7\n');
    for (const f of ['c.json', 'c.jsonl', 'c.csv']) assert.equal(loadCapabilities(join(dir, f)).get('p:a'), 0.7);
    assert.equal(loadCapabilities(join(dir, 'c.json')).get('p:b'), 0.4);
    assert.throws(() => capabilityOf(loadCapabilities(join(dir, 'c.csv')), 'p:z', 'c.csv'), /no capability for "p:z" in c.csv.*Hint: add a row/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ 'p:a': 'high' }));
    assert.throws(() => loadCapabilities(join(dir, 'bad.json')), /capability of "p:a" is "high", not a number/);
  });

  it('takes a model\'s capability from an evaluation run\'s accuracy', async () => {
    const dir = tempDir();
    const data = join(dir, 'qa.jsonl');
    // Four questions; the scripted model answers "4" to everything, right on two of them.
    writeFileSync(data, ['4', '4', '5', '6'].map((a, i) => JSON.stringify({ id: `q${i}`, question: `q${i}?`, reference: a })).join('\n'));
    const store = new Store(dir);
    try {
      const pool = new LlmPool({ store });
      pool.add(scriptedProvider('cand', () => 'The answer is 4.'));
      const out = await startEval(store, evalConfigSchema.parse({ dataset: { path: data }, scorer: 'exact', candidate: { model: 'cand:m' } }), { pool });
      assert.equal(out.summary.accuracy.accuracy, 0.5);
      writeFileSync(join(dir, 'caps.jsonl'), JSON.stringify({ model: 'cand:m', run: out.runId }));
      assert.equal(loadCapabilities(join(dir, 'caps.jsonl'), store).get('cand:m'), 0.5);
      assert.throws(() => loadCapabilities(join(dir, 'caps.jsonl')), /comes from run .* but no workspace is open/);
    } finally {
      store.close();
    }
  });
});
