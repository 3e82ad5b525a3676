// Importers of ForecastBench question/resolution/forecast sets and the plain JSONL/CSV form, and
// the errors malformed files give: each names the file, the row and the field.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkReferences, readForecasts, readQuestions, readResolutions } from '../../src/forecast/import.js';
import { ForecastDataError } from '../../src/forecast/schema.js';

const FIX = new URL('../fixtures/forecast/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fathom-forecast-'));
const write = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const question = (over: Record<string, unknown> = {}) => ({ id: 'm1', source: 'manifold', question: 'Q?', resolution_criteria: '', background: '', market_info_open_datetime: '2024-01-01', market_info_close_datetime: '2025-06-30T00:00:00+00:00', url: 'u', freeze_datetime: '2025-01-10T00:00:00+00:00', freeze_datetime_value: '0.8', resolution_dates: 'N/A', ...over });

describe('forecast import', () => {
  it('reads a ForecastBench question set: market vs dataset, crowd only for markets, period = due date', () => {
    const { rows, dueDate } = readQuestions(join(FIX, 'questions.json'));
    assert.equal(dueDate, '2025-01-20');
    assert.equal(rows.length, 4);
    const [m1, , fred] = rows;
    assert.equal(m1!.kind, 'market');
    assert.equal(m1!.crowd, 0.8);
    assert.deepEqual(m1!.resolutionDates, []);
    assert.equal(fred!.kind, 'dataset');
    assert.equal(fred!.crowd, null);
    assert.equal(fred!.freezeValue, '4.77');
    assert.deepEqual(fred!.resolutionDates, ['2025-01-27', '2025-02-19']);
    assert.equal(fred!.period, '2025-01-20');
  });

  it('reads resolution and forecast sets, naming the forecaster organization/model', () => {
    const r = readResolutions(join(FIX, 'resolutions.json'));
    assert.equal(r.rows.length, 6);
    assert.deepEqual(r.rows[2], { id: 'DGS10', source: 'fred', direction: null, resolutionDate: '2025-01-27', value: 1, resolved: true });
    const f = readForecasts(join(FIX, 'forecasts.json'));
    assert.equal(f.forecaster, 'Example Lab/forecaster-a');
    assert.equal(f.forecasts[0]!.resolutionDate, null);
    assert.equal(f.forecasts[0]!.reasoning, 'Repairs are on schedule.');
    assert.equal(readForecasts(`mine=${join(FIX, 'forecasts.json')}`).forecaster, 'mine');
    const q = readQuestions(join(FIX, 'questions.json')).rows;
    assert.doesNotThrow(() => checkReferences(q, r.rows, [f]));
  });

  it('reads the plain CSV / JSONL form', () => {
    const q = readQuestions(join(FIX, 'questions.csv')).rows;
    assert.equal(q[0]!.crowd, 0.6);
    assert.equal(q[0]!.period, '2025-Q1');
    assert.deepEqual(q[1]!.resolutionDates, ['2025-02-01', '2025-03-01']);
    const r = readResolutions(join(FIX, 'resolutions.csv')).rows;
    assert.equal(r[2]!.resolved, true);
    const f = readForecasts(join(FIX, 'forecasts.jsonl'));
    assert.equal(f.forecaster, 'forecasts');
    assert.equal(f.forecasts[2]!.probability, 0.45);
    assert.doesNotThrow(() => checkReferences(q, r, [f]));
  });

  it('counts and skips combination questions instead of mis-reading them', () => {
    const path = write('combo.json', { forecast_due_date: '2025-01-20', questions: [question(), { ...question(), id: ['a', 'b'] }] });
    const r = readQuestions(path);
    assert.equal(r.rows.length, 1);
    assert.deepEqual(r.skipped, { combination: 1 });
  });

  const bad: [string, string, unknown, RegExp][] = [
    ['missing key', 'q-missing.json', { questions: [question({ freeze_datetime: undefined })] }, /q-missing\.json: row 1 \(id "m1"\), field "freeze_datetime" is missing/],
    ['crowd outside [0,1]', 'q-crowd.json', { questions: [question({ freeze_datetime_value: '80' })] }, /row 1 \(id "m1"\), field "freeze_datetime_value" is "80", outside \[0, 1\]/],
    ['bad date', 'q-date.json', { questions: [question({ freeze_datetime: 'yesterday' })] }, /field "freeze_datetime" is not a date/],
    ['duplicate question', 'q-dup.json', { questions: [question(), question()] }, /q-dup\.json: row 2, field "id" repeats the key manifold\/m1 of row 1/],
    ['not a question set', 'q-none.json', { forecasts: [] }, /not a ForecastBench question set/],
  ];
  for (const [what, name, content, re] of bad) {
    it(`rejects a question set with a ${what}`, () => {
      assert.throws(() => readQuestions(write(name, content)), (e: Error) => e instanceof ForecastDataError && re.test(e.message));
    });
  }

  it('rejects forecasts outside [0, 1], missing keys and duplicate keys, naming row and field', () => {
    const f = (rows: unknown[]) => ({ model: 'x', forecasts: rows });
    assert.throws(() => readForecasts(write('f1.json', f([{ id: 'm1', source: 'manifold', forecast: 1.2 }]))), /f1\.json: row 1 \(id "m1"\), field "forecast" is outside \[0, 1\]/);
    assert.throws(() => readForecasts(write('f2.json', f([{ id: 'm1', forecast: 0.2 }]))), /row 1 \(id "m1"\), field "source" is missing/);
    assert.throws(() => readForecasts(write('f3.json', f([{ id: 'm1', source: 'manifold', forecast: 0.2 }, { id: 'm1', source: 'manifold', forecast: 0.3 }]))), /row 2, field "resolution_date" repeats the key manifold\/m1\/\/\* of row 1/);
    assert.throws(() => readForecasts(write('f4.jsonl', '{"id":"q1","source":"s","forecast":"-0.1"}\n')), /f4\.jsonl: line 1 \(id "q1"\), field "forecast" is outside \[0, 1\]/);
    assert.throws(() => readForecasts(write('f5.csv', 'id,source,forecast,prob\nq1,s,0.5,1\n')), /f5\.csv: line 2 \(id "q1"\), field "\(row\)" has unknown field\(s\) prob/);
    assert.throws(() => readResolutions(write('r1.csv', 'id,source,resolution_date,resolved_to\nq1,s,2025-01-01,1\nq1,s,2025-01-01,0\n')), /r1\.csv: line 3, field "resolution_date" repeats the key s\/q1\/\/2025-01-01 of line 2/);
  });

  it('rejects unknown ids and resolution dates that are not horizons of the question', () => {
    const q = readQuestions(join(FIX, 'questions.json')).rows;
    const r = readResolutions(join(FIX, 'resolutions.json')).rows;
    const stray = { forecaster: 'x', forecasts: [{ id: 'nope', source: 'fred', direction: null, resolutionDate: null, probability: 0.5 }] };
    assert.throws(() => checkReferences(q, r, [stray], { forecasts: ['f.json'] }), /f\.json: row 1, field "id" names an unknown question fred\/nope/);
    assert.throws(() => checkReferences(q, [...r, { id: 'zz', source: 'fred', direction: null, resolutionDate: '2025-01-27', value: 1, resolved: true }], [], { resolutions: 'r.json' }), /r\.json: row 7, field "id" names an unknown question fred\/zz/);
    const off = { forecaster: 'x', forecasts: [{ id: 'DGS10', source: 'fred', direction: null, resolutionDate: '2025-01-28', probability: 0.5 }] };
    assert.throws(() => checkReferences(q, r, [off]), /field "resolution_date" 2025-01-28 is not one of the question's resolution dates/);
    assert.throws(() => readQuestions(write('q.csv', 'id,source,kind,question,freeze_date\nd,fred,dataset,Q?,2025-01-01\n')), /line 2 \(id "d"\), field "resolution_dates" is missing for a dataset question/);
  });
});
