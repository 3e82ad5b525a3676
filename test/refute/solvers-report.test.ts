// The REFUTE report against hand-computed numbers: refuted shares, bootstrap intervals around
// them, rating bands, tags, verdict counts, and the paper's numbers beside a matching model.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paperModel, ratingBand, refuteRate, refuteReport, reportItems, reportTables, type ReportItem } from '../../src/refute/report.js';
import type { SolveResult } from '../../src/refute/solvers/index.js';

function item(problemId: string, solver: string, model: string, verdict: SolveResult['verdict'], rating: number | null, tags: string[], calls = 1, executions = 0): ReportItem {
  const attempts = Array.from({ length: calls }, (_, i) => ({ n: i + 1, messages: [], status: 'ok' as const, reply: '', action: 'submit' as const, inputTokens: 10, outputTokens: 20, ms: 5 }));
  const execs = Array.from({ length: executions }, (_, i) => ({ n: i + 1, kind: 'agent-script' as const, verdict: 'ok' as const, cpuMs: 1 }));
  return { result: { problemId, solver, model, verdict, reason: '', attempts, executions: execs, ms: 1000 }, rating, tags, kind: null };
}

describe('refute report', () => {
  const items = [
    item('a', 'zero-shot', 'openai:o3-mini', 'refuted', 1250, ['math']),
    item('b', 'zero-shot', 'openai:o3-mini', 'not-refuted', 1300, ['math', 'greedy']),
    item('c', 'zero-shot', 'openai:o3-mini', 'invalid-input', 1700, []),
    item('d', 'zero-shot', 'openai:o3-mini', 'refuted', null, ['greedy']),
    item('a', 'agent', 'local:qwen', 'refuted', 1250, ['math'], 4, 3),
    item('b', 'agent', 'local:qwen', 'refuted', 1300, ['math', 'greedy'], 2, 1),
  ];

  it('counts only `refuted` as success and brackets the rate with a bootstrap interval', () => {
    const z = refuteRate(items.slice(0, 4));
    assert.deepEqual([z.n, z.refuted, z.rate], [4, 2, 50]);
    assert.ok(z.low! >= 0 && z.low! < 50 && z.high! > 50 && z.high! <= 100, `${z.low}..${z.high}`);
    assert.deepEqual(refuteRate([]), { n: 0, refuted: 0, rate: 0, low: null, high: null });
    const all = refuteRate(items.slice(4));
    assert.deepEqual([all.rate, all.low, all.high], [100, 100, 100]);
  });

  it('breaks results down by solver × model, rating band and tag, with usage means and verdict counts', () => {
    const r = refuteReport(items, { paper: true });
    const zero = r.overall.find((x) => x.solver === 'zero-shot')!;
    assert.equal(zero['rate %'], 50);
    assert.equal(zero['paper %'], 8.6, 'o3-mini zero-shot in the paper');
    const agent = r.overall.find((x) => x.solver === 'agent')!;
    assert.deepEqual([agent['model calls'], agent.executions, agent['tokens out'], agent['paper %']], [3, 2, 60, null]);
    assert.deepEqual(r.verdicts.find((x) => x.solver === 'zero-shot'), { solver: 'zero-shot', model: 'openai:o3-mini', refuted: 2, 'not-refuted': 1, 'invalid-input': 1 });
    const bands = r.byRating.filter((x) => x.solver === 'zero-shot').map((x) => [x.rating, x.problems, x.refuted]);
    assert.deepEqual(bands, [['1200–1599', 2, 1], ['1600–1999', 1, 0], ['unrated', 1, 1]]);
    const tags = r.byTag.filter((x) => x.solver === 'zero-shot').map((x) => [x.tag, x.problems, x.refuted]);
    assert.deepEqual(tags, [['(none)', 1, 0], ['greedy', 2, 1], ['math', 2, 1]]);
    assert.equal(r.paper!.length, 3);
    assert.equal(refuteReport(items).paper, null);
    assert.deepEqual(reportTables(r).map((t) => t.caption!.split(' ')[0]), ['Refuted', 'Verdicts', 'By', 'By', 'The']);
  });

  it('maps model names to the paper\'s models and ratings to bands', () => {
    assert.equal(paperModel('openai:o3-mini'), 'o3-mini (high)');
    assert.equal(paperModel('deepseek:deepseek-reasoner'), 'DeepSeek-R1');
    assert.equal(paperModel('together:deepseek-ai/DeepSeek-V3'), 'DeepSeek-V3');
    assert.equal(paperModel('local:qwen'), undefined);
    assert.equal(ratingBand(800), '800–1199');
    assert.equal(ratingBand(3500), '3200–3599');
    assert.equal(ratingBand(null), 'unrated');
  });

  it('reads stored items, skipping those without a solver result', () => {
    const stored = [
      { runId: 'r', itemId: 'x', status: 'refuted', stages: { problem: { rating: 900, tags: ['math'], kind: 'overflow' }, result: items[0]!.result }, updatedAt: '' },
      { runId: 'r', itemId: 'known::a::ce.py', status: 'refuted', stages: { verdict: {} }, updatedAt: '' },
    ];
    const read = reportItems(stored as never);
    assert.equal(read.length, 1);
    assert.deepEqual([read[0]!.rating, read[0]!.kind], [900, 'overflow']);
  });
});
