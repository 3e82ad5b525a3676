// Every leakage check with a planted leak it must find and a clean case it must pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit, auditChecks, type AuditInput, type QuestionContext } from '../../src/forecast/audit.js';
import { addMonths, dateMentions } from '../../src/forecast/dates.js';
import { questionKey, type Question, type Resolution } from '../../src/forecast/schema.js';

const q = (id: string, over: Partial<Question> = {}): Question => ({
  id, source: 'metaculus', kind: 'market', text: `Will event ${id} happen before the end of the year?`, background: '', resolutionCriteria: '', url: null,
  openDate: '2024-06-01', closeDate: '2025-12-31T00:00:00Z', freezeDate: '2025-03-01T00:00:00Z', crowd: 0.37, freezeValue: '0.37', resolutionDates: [], period: '2025-03', ...over,
});
const res = (question: Question, date: string, value = 1): Resolution => ({ id: question.id, source: question.source, direction: null, resolutionDate: date, value, resolved: true });
const ctx = (over: Partial<QuestionContext> = {}): QuestionContext => ({ documents: [], messages: [], ...over });
const run = (questions: Question[], resolutions: Resolution[] = [], contexts: [Question, QuestionContext][] = [], options = {}) => {
  const input: AuditInput = { questions, resolutions, contexts: new Map(contexts.map(([k, c]) => [questionKey(k), c])) };
  return audit(input, options);
};
const flagged = (r: ReturnType<typeof audit>, check: string) => r.findings.filter((f) => f.check === check);
const status = (r: ReturnType<typeof audit>, check: string) => r.summary.find((s) => s.check === check)!.status;

describe('forecast audit', () => {
  it('registers one check per pitfall', () => {
    assert.deepEqual(auditChecks().map((c) => c.name), ['resolved-before-cutoff', 'resolved-before-freeze', 'early-closure', 'document-after-freeze', 'document-mentions-later-date', 'crowd-piggybacking', 'prompt-date-after-freeze', 'near-duplicate', 'source-skew']);
  });

  it('resolved-before-cutoff: finds a question resolved inside cutoff + 3 months, passes one resolved after; skipped without a cutoff', () => {
    const leak = q('a', { closeDate: '2026-06-30' });
    const clean = q('b', { closeDate: '2026-06-30' });
    // cutoff 2025-02-01 + 3 months = 2025-05-01; a resolved 2025-04-15 (inside), b 2025-09-01 (after)
    const r = run([leak, clean], [res(leak, '2025-04-15'), res(clean, '2025-09-01')], [], { cutoff: '2025-02-01' });
    assert.deepEqual(flagged(r, 'resolved-before-cutoff').map((f) => f.question), ['metaculus/a']);
    assert.match(flagged(r, 'resolved-before-cutoff')[0]!.detail, /resolved 2025-04-15, not after cutoff 2025-02-01 \+ 3 months \(2025-05-01\)/);
    const closed = q('c', { closeDate: '2025-04-30' });
    assert.equal(flagged(run([closed], [], [], { cutoff: '2025-02-01' }), 'resolved-before-cutoff').length, 1);
    assert.equal(flagged(run([closed], [], [], { cutoff: '2025-02-01', bufferMonths: 0 }), 'resolved-before-cutoff').length, 0);
    assert.equal(status(run([leak]), 'resolved-before-cutoff'), 'skipped');
    assert.equal(addMonths('2024-11-30', 3), '2025-02-28');
  });

  it('resolved-before-freeze and early-closure: find a resolution known at freeze and one before the scheduled close; pass on-schedule ones', () => {
    const known = q('k', { closeDate: '2025-12-31' });
    const early = q('e', { closeDate: '2025-12-31' });
    const onTime = q('t', { closeDate: '2025-06-30' });
    const r = run([known, early, onTime], [res(known, '2025-02-20'), res(early, '2025-07-04'), res(onTime, '2025-06-30', 0)]);
    assert.deepEqual(flagged(r, 'resolved-before-freeze').map((f) => f.question), ['metaculus/k']);
    assert.deepEqual(flagged(r, 'early-closure').map((f) => f.question), ['metaculus/k', 'metaculus/e']);
    assert.match(flagged(r, 'early-closure')[1]!.detail, /resolved 2025-07-04 to 1, 180 days before its scheduled close 2025-12-31/);
    const clean = run([onTime], [res(onTime, '2025-06-30', 0)]);
    assert.equal(status(clean, 'early-closure'), 'pass');
    assert.equal(status(clean, 'resolved-before-freeze'), 'pass');
  });

  it('document-after-freeze: finds a document dated after freeze and an undated one; passes documents up to freeze', () => {
    const a = q('a');
    const leak = ctx({ documents: [{ id: 'd1', date: '2025-02-28', text: 'old news' }, { id: 'd2', date: '2025-03-02T09:00:00Z', text: 'new news' }, { id: 'd3', date: null, text: 'who knows' }] });
    const r = run([a], [], [[a, leak]]);
    assert.deepEqual(flagged(r, 'document-after-freeze').map((f) => f.detail.split(' ').slice(0, 2).join(' ')), ['document d2', 'document d3']);
    const clean = run([a], [], [[a, ctx({ documents: [{ id: 'd1', date: '2025-03-01T00:00:00Z', text: 'same moment' }] })]]);
    assert.equal(status(clean, 'document-after-freeze'), 'pass');
    assert.equal(status(run([a]), 'document-after-freeze'), 'skipped');
  });

  it('document-mentions-later-date: finds text naming a later day or month; passes earlier dates', () => {
    const a = q('a');
    const leak = ctx({ documents: [{ id: 'd1', date: '2025-01-05', text: 'Updated on April 2, 2025: the vote passed. Earlier, on 2024-12-01, talks began.' }] });
    const r = run([a], [], [[a, leak]]);
    assert.match(flagged(r, 'document-mentions-later-date')[0]!.detail, /document d1 mentions "April 2, 2025", after freeze 2025-03-01/);
    const clean = ctx({ documents: [{ id: 'd1', date: '2025-01-05', text: 'On 2025-01-04 and in February 2025 talks went on; 1 March 2025 is the deadline.' }] });
    assert.equal(status(run([a], [], [[a, clean]]), 'document-mentions-later-date'), 'pass');
    assert.deepEqual(dateMentions('on March 4, 2025 and 5th of May 2024, also 2025-13-01 (no) and June 2026').map((m) => [m.start, m.precision]), [['2025-03-04', 'day'], ['2024-05-05', 'day'], ['2026-06-01', 'month']]);
  });

  it('crowd-piggybacking: finds the crowd value quoted in a document or prompt, and a crowd-like probability; passes a clean context', () => {
    const a = q('a');
    const b = q('b');
    const quoted = ctx({ documents: [{ id: 'd1', date: '2025-02-01', text: 'Analysts were split; on the site, 37% expect it.' }] });
    const phrased = ctx({ messages: [{ role: 'user', content: 'Note: the Metaculus community prediction currently stands at 0.41.' }] });
    const r = run([a, b], [], [[a, quoted], [b, phrased]]);
    assert.deepEqual(flagged(r, 'crowd-piggybacking').map((f) => f.question), ['metaculus/a', 'metaculus/b']);
    assert.match(flagged(r, 'crowd-piggybacking')[0]!.detail, /document d1 quotes the crowd value at freeze \("37%" for 0.37\)/);
    assert.match(flagged(r, 'crowd-piggybacking')[1]!.detail, /user message 1 gives a crowd-like probability \("Metaculus community prediction" next to a number\)/);
    const clean = ctx({ documents: [{ id: 'd1', date: '2025-02-01', text: 'Turnout was 61 percent; a prediction market exists for this question.' }], messages: [{ role: 'user', content: 'Give your probability.' }] });
    assert.equal(status(run([a], [], [[a, clean]]), 'crowd-piggybacking'), 'pass');
  });

  it('prompt-date-after-freeze: finds a system prompt carrying a later date; passes the question\'s own horizons', () => {
    const d = q('d', { kind: 'dataset', crowd: null, resolutionDates: ['2025-04-01'], text: 'Will the series be higher on 2025-04-01 than on 2025-03-01?' });
    const leak = ctx({ messages: [{ role: 'system', content: 'You are a forecaster. Today is 2025-06-15.' }, { role: 'user', content: d.text }] });
    const r = run([d], [], [[d, leak]]);
    assert.match(flagged(r, 'prompt-date-after-freeze')[0]!.detail, /system message 1 carries "2025-06-15", after freeze 2025-03-01/);
    const clean = ctx({ messages: [{ role: 'system', content: 'You are a forecaster. Today is 2025-03-01.' }, { role: 'user', content: d.text }] });
    assert.equal(status(run([d], [], [[d, clean]]), 'prompt-date-after-freeze'), 'pass');
  });

  it('near-duplicate: finds template questions; passes distinct ones', () => {
    const t1 = q('t1', { text: "Does the fictional ZEPH stock close higher on {resolution_date} than it closed on {forecast_due_date}, by the official closing auction?" });
    const t2 = q('t2', { text: "Does the fictional ACME stock close higher on {resolution_date} than it closed on {forecast_due_date}, by the official closing auction?" });
    const other = q('o', { text: 'Will the city council approve the new transit budget this spring?' });
    const r = run([t1, t2, other]);
    assert.deepEqual(flagged(r, 'near-duplicate').map((f) => f.question), ['metaculus/t1', 'metaculus/t2']);
    assert.equal(status(run([other, q('p', { text: 'Who wins the chess olympiad in Budapest next autumn?' })]), 'near-duplicate'), 'pass');
  });

  it('source-skew: finds a set dominated by one source or by crypto; passes a balanced set', () => {
    const skewed = [q('1'), q('2'), q('3'), q('4', { source: 'infer' })];
    assert.match(flagged(run(skewed), 'source-skew')[0]!.detail, /source metaculus holds 3 of 4 questions \(75% > 50%\)/);
    const crypto = [q('1', { text: 'Will Bitcoin close above $100k?' }), q('2', { source: 'infer', text: 'Will Ethereum flip Bitcoin?' }), q('3', { source: 'fred' }), q('4', { source: 'acled' })];
    assert.match(flagged(run(crypto), 'source-skew')[0]!.detail, /2 of 4 questions are about crypto/);
    const balanced = [q('1'), q('2', { source: 'infer' }), q('3', { source: 'fred' }), q('4', { source: 'acled' })];
    assert.equal(status(run(balanced), 'source-skew'), 'pass');
  });

  it('summarises per question and counts documents the retriever excluded; --skip names an unknown check', () => {
    const a = q('a', { closeDate: '2025-12-31' });
    const r = run([a], [res(a, '2025-02-01')], [[a, ctx({ excluded: { afterFreeze: 3, undated: 1 } })]]);
    assert.deepEqual(r.perQuestion, [{ question: 'metaculus/a', source: 'metaculus', checks: ['resolved-before-freeze', 'early-closure'] }]);
    assert.deepEqual(r.excluded, { afterFreeze: 3, undated: 1 });
    assert.equal(status(run([a], [], [], { skip: ['source-skew'] }), 'source-skew'), 'skipped');
    assert.throws(() => run([a], [], [], { skip: ['source-skwe'] }), /unknown check "source-skwe".*did you mean "source-skew"/);
  });
});
