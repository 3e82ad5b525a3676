// The forecasting report: the audit table before the scores, the log-score clamp stated, an HTML
// report with reliability diagrams, the betting plot, and --strict's LeakageError in process.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LeakageError, evaluate, loadEvaluation } from '../../src/forecast/evaluate.js';
import { bettingPlot, evaluationHtml, evaluationText } from '../../src/forecast/report.js';
import { simulateBetting } from '../../src/forecast/simulate.js';
import { renderSvg } from '../../src/report/index.js';
import { tempDir } from '../helpers/cli.js';

const FIX = new URL('../fixtures/forecast/', import.meta.url).pathname;
const files = { questions: join(FIX, 'questions.json'), resolutions: join(FIX, 'resolutions.json'), forecasts: [join(FIX, 'forecasts.json'), `again=${join(FIX, 'forecasts.json')}`] };

describe('forecast report', () => {
  it('puts the audit before the scores and says the log score alone is clamped', () => {
    const e = evaluate(loadEvaluation(files), { score: { resamples: 50 } });
    const text = evaluationText(e);
    assert.ok(text.indexOf('leakage audit: 1 finding(s) on 1 question(s)') < text.indexOf('brierIndex'));
    assert.match(text, /probabilities clamped to \[0\.001, 0\.999\] for it alone \(Brier uses them as given\)/);
    assert.match(text, /difficulty adjustment: two-way fixed effects/);
    assert.equal(e.adjusted!.length, 2);
  });

  it('refuses to score under strict when the audit finds a leak, and rejects two sets with one name', () => {
    assert.throws(() => evaluate(loadEvaluation(files), { strict: true }), (err: Error) => err instanceof LeakageError && err.exitCode === 3 && /early-closure \(1\)/.test(err.message));
    assert.throws(() => loadEvaluation({ ...files, forecasts: [join(FIX, 'forecasts.json'), join(FIX, 'forecasts.json')] }), /two forecast sets are both named "Example Lab\/forecaster-a".*Hint: name them apart with name=path/);
  });

  it('writes an HTML report with reliability diagrams, and renders the betting plot', async () => {
    const dir = tempDir();
    const e = evaluate(loadEvaluation(files), { score: { resamples: 50 } });
    const html = await evaluationHtml(e, dir);
    assert.ok(existsSync(html));
    const page = readFileSync(html, 'utf8');
    assert.match(page, /Leakage audit/);
    assert.match(page, /Reliability: Example Lab\/forecaster-a/);
    const svg = await renderSvg(bettingPlot(simulateBetting({ trials: 20, gammas: [1, 2], questions: 5, field: 2 })));
    assert.match(svg, /^<svg/);
  });

  it('reads a context file (what each forecaster saw) for the retrieval and prompt checks, naming bad lines', () => {
    const dir = tempDir();
    const path = join(dir, 'ctx.jsonl');
    writeFileSync(path, [
      { id: 'm1', source: 'manifold', documents: [{ id: 'late', date: '2025-02-01', text: 'The bridge reopened.' }] },
      { id: 'DGS10', source: 'fred', messages: [{ role: 'system', content: 'Today is 2025-01-09.' }] },
    ].map((r) => JSON.stringify(r)).join('\n'));
    const e = evaluate(loadEvaluation({ ...files, forecasts: [], contexts: [path] }));
    assert.deepEqual(e.audit.findings.filter((f) => f.check === 'document-after-freeze').map((f) => f.question), ['manifold/m1']);
    assert.equal(e.audit.summary.find((s) => s.check === 'prompt-date-after-freeze')!.status, 'pass');
    writeFileSync(path, '{"id": "m1", "source": "manifold", "documents": [{"id": "x", "text": "no date key"}]}\n');
    assert.throws(() => loadEvaluation({ ...files, forecasts: [], contexts: [path] }), /ctx\.jsonl: line 1, field "documents\.0\.date" is missing/);
  });
});
