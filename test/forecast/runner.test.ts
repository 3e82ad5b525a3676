// The forecaster runner on a scripted provider: one item per market question and per dataset
// horizon, probabilities parsed (unparsed kept apart), retrieval cut at the freeze date and
// stored for the audit, and a killed run resumed from the store and the request cache.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { audit } from '../../src/forecast/audit.js';
import { readQuestions, readResolutions } from '../../src/forecast/import.js';
import { parseProbability } from '../../src/forecast/parse.js';
import { contextsFromRun, forecastRunSchema, forecastsFromRun, resumeForecastRun, retryForecastRun, startForecastRun } from '../../src/forecast/runner.js';
import { scoreForecaster } from '../../src/forecast/score.js';
import { LlmPool, ProviderFailure, scriptedProvider, type GenerateRequest } from '../../src/llm/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

const FIX = new URL('../fixtures/forecast/', import.meta.url).pathname;
const dir = tempDir('fathom-forecast-run-');
after(() => rmSync(dir, { recursive: true, force: true }));

const docs = join(dir, 'docs.jsonl');
writeFileSync(docs, [
  { id: 'ferry-jan', date: '2025-01-08', title: 'Ferry strike', text: 'The harbour ferry strike continues; talks are planned.' },
  { id: 'ferry-apr', date: '2025-04-02', title: 'Ferry strike ends', text: 'The harbour ferry strike ended before April after a deal.' },
  { id: 'ferry-undated', title: 'Ferry history', text: 'A history of ferry strikes at the harbour.' },
  { id: 'bridge-dec', date: '2024-12-20', title: 'Riverton bridge', text: 'Repairs to the Riverton bridge are on schedule for spring.' },
].map((d) => JSON.stringify(d)).join('\n'));

let calls = 0;
function forecaster(req: GenerateRequest): string {
  calls++;
  const user = req.messages.at(-1)!.content;
  if (user.includes('ACME')) return 'I cannot say.';
  if (user.includes('Riverton')) return 'Repairs look on track. <probability>0.85</probability>';
  if (user.includes('ferry')) return 'Talks are slow; I would say 30%.';
  if (user.includes('2025-01-27')) return 'Probability: 0.55';
  return 'Final answer: 0.5';
}

describe('forecast run', () => {
  it('asks each question as of its freeze date, retrieves only earlier documents, keeps unparsed apart, and resumes from the store', async () => {
    const store = new Store(join(dir, 'ws'));
    try {
      const pool = new LlmPool({ store });
      pool.add(scriptedProvider('scripted', forecaster));
      const config = forecastRunSchema.parse({ questions: join(FIX, 'questions.json'), forecaster: 'scripted:v1', corpus: docs, k: 3 });
      const first = await startForecastRun(store, config, { pool });
      // 2 market questions + 2 dataset questions × 2 horizons
      assert.equal(first.summary.items, 6);
      assert.equal(first.summary.forecasts, 4);
      assert.equal(first.summary.unparsed, 2); // ACME at both horizons
      assert.deepEqual(first.summary.excluded, { afterFreeze: 1, undated: 1 }); // the ferry question: the April article and the undated history
      assert.equal(calls, 6);

      const set = forecastsFromRun(store, first.runId);
      assert.deepEqual(set.forecasts.map((f) => [f.source, f.id, f.resolutionDate, f.probability]).sort(), [
        ['fred', 'DGS10', '2025-01-27', 0.55], ['fred', 'DGS10', '2025-02-19', 0.5], ['manifold', 'm1', null, 0.85], ['polymarket', '0xabc', null, 0.3],
      ]);
      assert.equal(set.unparsed, 2);

      const contexts = contextsFromRun(store, first.runId);
      const ferry = contexts.get('polymarket/0xabc')!;
      assert.deepEqual(ferry.documents.map((d) => d.id), ['ferry-jan']);
      assert.match(ferry.messages[0]!.content, /Today's date is 2025-01-10/);
      assert.match(ferry.messages[1]!.content, /Documents published on or before 2025-01-10:\n\[1\] Ferry strike \(2025-01-08\)/);
      assert.doesNotMatch(ferry.messages[1]!.content, /0\.3|30%/); // the crowd value is never in the prompt
      const questions = readQuestions(join(FIX, 'questions.json')).rows;
      const report = audit({ questions, resolutions: [], contexts });
      for (const check of ['document-after-freeze', 'prompt-date-after-freeze', 'crowd-piggybacking']) assert.equal(report.summary.find((s) => s.check === check)!.status, 'pass', check);
      assert.deepEqual(report.excluded, { afterFreeze: 1, undated: 1 });

      const scored = scoreForecaster(questions, readResolutions(join(FIX, 'resolutions.json')).rows, set, { resamples: 10 });
      assert.equal(scored.missing, 2); // the unparsed ACME horizons are not scored as anything

      // A kill before two items were written: resume requests only those, and the cache answers them.
      store.db.prepare('DELETE FROM eval_items WHERE run_id = ? AND item_id LIKE ?').run(first.runId, 'fred/%');
      const resumed = await resumeForecastRun(store, first.runId, { pool });
      assert.equal(resumed.work.processed, 2);
      assert.equal(resumed.work.skipped, 4);
      assert.equal(calls, 6); // from the request cache: no new provider call
      assert.equal(resumed.summary.forecasts, 4);
      assert.equal(resumed.runId, first.runId);
    } finally {
      store.close();
    }
  });

  it('keeps a failed request as an error (never a forecast) and retries only it', async () => {
    const store = new Store(join(dir, 'ws-retry'));
    try {
      let down = true;
      let requests = 0;
      const pool = new LlmPool({ store });
      pool.add(scriptedProvider('flaky', (req) => {
        requests++;
        if (down && req.messages.at(-1)!.content.includes('Riverton')) throw new ProviderFailure('server', 'upstream 503', { retryable: false });
        return '<probability>0.4</probability>';
      }), { maxRetries: 0 });
      const config = forecastRunSchema.parse({ questions: join(FIX, 'questions.json'), forecaster: 'flaky:v1' });
      const first = await startForecastRun(store, config, { pool });
      assert.equal(first.summary.errors, 1);
      assert.equal(first.summary.forecasts, 5);
      assert.equal(forecastsFromRun(store, first.runId).forecasts.length, 5);
      down = false;
      const before = requests;
      const retried = await retryForecastRun(store, first.runId, { pool });
      assert.equal(retried.work.processed, 1);
      assert.equal(requests - before, 1);
      assert.equal(retried.summary.forecasts, 6);
      assert.equal(retried.summary.errors, 0);
    } finally {
      store.close();
    }
  });

  it('reads probabilities robustly and keeps what it cannot read unparsed', () => {
    const cases: [string, number | null, string | null][] = [
      ['<probability>0.73</probability>', 0.73, 'tag'],
      ['Probability: 70', 0.7, 'label'],
      ['Final answer: **0.35**', 0.35, 'label'],
      ["I'd say about 70%.", 0.7, 'last-number'],
      ['My forecast is 7/10.', 0.7, 'label'],
      ['The yield was 4.77 in 2025; probability of 0.2', 0.2, 'label'],
      ['Given 3 rate cuts, 55 percent.', 0.55, 'last-number'],
      ['no idea', null, null],
      ['Probability: 150', null, null],
      ['There were 12 events in 2024.', null, null],
    ];
    for (const [text, p, method] of cases) {
      const r = parseProbability(text);
      assert.equal(r.answer === null ? null : Number(r.answer), p, text);
      assert.equal(r.method, method, text);
      assert.equal(r.status, p === null ? 'unparsed' : 'ok');
    }
  });
});
