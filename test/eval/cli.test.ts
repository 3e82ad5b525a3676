// `fathom eval` end to end in child processes, against the scripted provider: every protocol
// (free-form + matcher, cascade, MCQ, choices-only probe, reference-free judge), report escaping of
// model output in the terminal and in HTML, agreement and rankings, and the usage errors.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fathom, tempDir } from '../helpers/cli.js';

const ESC = '\u001b';
const PROVIDERS = {
  providers: {
    cand: {
      type: 'scripted',
      rules: [
        { match: 'question itself is hidden', reply: '<answer>B</answer>' },
        { match: 'Options:', reply: '<answer>A</answer>' },
        { match: 'What is 17 × 23', reply: 'Let me think. <answer>391</answer>' },
        { match: 'What is 348 \\+ 579', reply: `<answer>927</answer> ${ESC}[31mRED${ESC}[0m <script>alert(1)</script>` },
        { match: 'How many metres are in 3\\.5', reply: 'It is <answer>3.5 km</answer>' },
        { match: 'What is 1000 - 387', reply: 'no idea' },
      ],
      default: 'Hmm. <answer>42</answer>',
    },
    judge: {
      type: 'scripted',
      rules: [
        { match: 'Reference answer: (.*)\\n\\nResponse: \\1\\n', reply: '<answer>1</answer>' },
        { match: 'Reference answer: 3500 metres\\n\\nResponse: 3\\.5 km\\n', reply: '<answer>1</answer>' },
        { match: 'Reference answer:', reply: '<answer>0</answer>' },
        { match: 'Response: Let me think', reply: 'Correct. <answer>1</answer>' },
      ],
      default: '<answer>0</answer>',
    },
  },
};

describe('fathom eval (CLI, scripted provider)', () => {
  const ws = tempDir();
  const providers = join(ws, 'providers.json');
  const runs: Record<string, string> = {};
  const run = (name: string, args: string[]) => {
    const r = fathom(['eval', 'run', '--json', '-q', '--workspace', ws, '--providers', providers, '--candidate', 'cand:c', '--dataset', 'demo', '--limit', '30', '--name', name, ...args]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { runId: string; summary: { accuracy: { accuracy: number; scored: number; unparsed: number; errors: number }; methods: Record<string, number>; matcherCallsSaved: number } };
    runs[name] = out.runId;
    return out.summary;
  };
  before(() => writeFileSync(providers, JSON.stringify(PROVIDERS)));

  it('free-form + LLM matcher: 3.5 km matches 3500 metres, an unparsed answer is counted apart', () => {
    const s = run('match', ['--scorer', 'match', '--matcher', 'judge:j']);
    assert.equal(s.accuracy.scored, 29);
    assert.equal(s.accuracy.unparsed, 1);
    assert.equal(s.accuracy.errors, 0);
    assert.equal(Math.round(s.accuracy.accuracy * 29), 3); // 391, 927 and 3.5 km
    assert.deepEqual(s.methods, { llm: 29 });
  });

  it('cascade: rules decide the clear cases and report the matcher calls saved', () => {
    const s = run('cascade', ['--scorer', 'cascade', '--matcher', 'judge:j']);
    assert.equal(Math.round(s.accuracy.accuracy * 29), 3);
    assert.equal(s.methods.llm, 10); // the 10 unit answers: no rule compares "42" or "3.5 km" with "… metres"
    assert.equal(s.matcherCallsSaved, 19); // 2 exact, 17 numeric; the unparsed item needs no verdict
  });

  it('MCQ with letter extraction, the choices-only probe (no question in the prompt), and the reference-free judge', () => {
    const mcq = run('mcq', ['--solver', 'mcq', '--scorer', 'letter']);
    const probe = run('probe', ['--solver', 'choices-only', '--scorer', 'letter']);
    const judge = run('judge', ['--scorer', 'judge', '--matcher', 'judge:j']);
    assert.equal(mcq.accuracy.scored, 30);
    assert.equal(probe.accuracy.scored, 30);
    assert.equal(judge.accuracy.scored, 30); // the judge reads whole responses, even unparsed ones
    assert.equal(judge.accuracy.accuracy * 30, 1);
    const items = fathom(['runs', 'export', runs.probe!, '--what', 'items', '--workspace', ws]);
    const first = JSON.parse(items.stdout.split('\n')[0]!) as { stages: { prompt: { messages: { content: string }[] }; sample: { question: string } } };
    assert.ok(!first.stages.prompt.messages[0]!.content.includes(first.stages.sample.question), 'the probe never shows the question');
  });

  it('escapes model output: ANSI sequences are visible escapes in the terminal, <script> is inert in HTML', () => {
    const html = join(ws, 'report');
    const r = fathom(['eval', 'report', runs.match!, '--items', '5', '--html', html, '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(ESC), 'no raw escape character reaches the terminal');
    assert.match(r.stdout, /\\x1b\[31mRED\\x1b\[0m/);
    const page = readFileSync(join(html, 'index.html'), 'utf8');
    assert.ok(!page.includes('<script'), 'no script element in the report');
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('agreement between two runs\' scores, and rankings across protocols', () => {
    const a = fathom(['eval', 'agreement', '--run', `${runs.match}=matcher`, '--run', `${runs.cascade}=cascade`, '--json', '--workspace', ws]);
    assert.equal(a.code, 0, a.stderr);
    const [pair] = (JSON.parse(a.stdout) as { pairs: { items: number; raw: number; scottsPi: number }[] }).pairs;
    assert.deepEqual([pair!.items, pair!.raw, pair!.scottsPi], [29, 1, 1]);
    const k = fathom(['eval', 'rankings', runs.match!, runs.mcq!, '--workspace', ws]);
    assert.equal(k.code, 0, k.stderr + k.stdout);
    assert.match(k.stdout, /freeform\/match vs mcq\/letter/);
  });

  it('names usage errors with a hint', () => {
    const bad = fathom(['eval', 'run', '--workspace', ws, '--scorer', 'macth', '--candidate', 'cand:c', '--providers', providers]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown scorer "macth" .*Hint: did you mean "match"\?/);
    const noMatcher = fathom(['eval', 'run', '--workspace', ws, '--scorer', 'match', '--candidate', 'cand:c', '--providers', providers]);
    assert.match(noMatcher.stderr, /scorer "match" needs a matcher model\. Hint: pass --matcher/);
    const resume = fathom(['eval', 'run', '--workspace', ws, '--resume', runs.match!, '--scorer', 'exact']);
    assert.equal(resume.code, 2);
    assert.match(resume.stderr, /--resume: the run's stored config is used, so --scorer cannot be changed/);
    const mcqFree = fathom(['eval', 'run', '--workspace', ws, '--solver', 'mcq', '--scorer', 'letter', '--candidate', 'cand:c', '--providers', providers, '--dataset', join(ws, 'free.jsonl')]);
    assert.match(mcqFree.stderr, /dataset .*free\.jsonl: cannot be read \(ENOENT\)/);
  });
});

describe('fathom eval agreement (CLI)', () => {
  it('reproduces hand-computed π and κ, binarizes ratings, plots the matrix and names degenerate tables', () => {
    const dir = tempDir();
    const file = join(dir, 'ratings.jsonl');
    // A/B 2×2 table [both 1: 2, A1B0: 1, A0B1: 1, both 0: 2] from 1–5 ratings, and a 3 that is dropped.
    const rows = [[5, 4], [4, 5], [5, 1], [2, 4], [1, 2], [2, 1], [3, 5]].flatMap(([a, b], i) => [{ item: i, rater: 'A', label: a }, { item: i, rater: 'B', label: b }]);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const plot = join(dir, 'pi.svg');
    const r = fathom(['eval', 'agreement', file, '--binarize', '1-2:0,4-5:1,3:drop', '--plot', plot, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [p] = (JSON.parse(r.stdout) as { pairs: { items: number; raw: number; scottsPi: number; cohensKappa: number }[] }).pairs;
    // Po = 4/6; pA(1) = pB(1) = 1/2 → Pe = 1/2 for both → π = κ = 1/3.
    assert.equal(p!.items, 6);
    assert.ok(Math.abs(p!.scottsPi - 1 / 3) < 1e-12 && Math.abs(p!.cohensKappa - 1 / 3) < 1e-12);
    assert.ok(existsSync(plot) && readFileSync(plot, 'utf8').startsWith('<svg'));
    writeFileSync(file, [0, 1, 2].flatMap((i) => ['A', 'B'].map((rater) => JSON.stringify({ item: i, rater, label: 'yes' }))).join('\n'));
    const single = fathom(['eval', 'agreement', file]);
    assert.equal(single.code, 0, single.stderr);
    assert.match(single.stdout, /chance agreement is 1 \(one class only\): π and κ are undefined/);
    const bad = fathom(['eval', 'agreement', file, '--binarize', '1-2:0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /does not cover the label "yes"/);
  });

  const shared = new URL('../../../shared/data/answer-matching/mmlu_pro/', import.meta.url).pathname;
  it('reproduces the released MMLU-Pro agreement (π 0.893 humans, 0.862 / 0.849 matcher) on the 493 filtered items', { skip: existsSync(shared) ? false : `${shared} is absent` }, () => {
    const r = fathom(['eval', 'agreement', '--json', '--item-field', 'question_id',
      `human A=${shared}human_annotator_2907.jsonl#rating_match`, `human B=${shared}human_annotator_strat1shash.jsonl#rating_match`,
      `matcher=${shared}mmlu_pro_combined_samples_to_annotate2.jsonl#score_deepseek-chat-v3-0324`,
      '--binarize', 'human A,human B=1-2:0,4-5:1,3:drop', '--items', `${shared}mmlu_pro_human_filtered_ids.txt`, '--resamples', '200']);
    assert.equal(r.code, 0, r.stderr);
    const pairs = (JSON.parse(r.stdout) as { pairs: { raterA: string; raterB: string; items: number; scottsPi: number }[] }).pairs;
    assert.deepEqual(pairs.map((p) => [p.raterA, p.raterB, p.items, Number(p.scottsPi.toFixed(3))]), [
      ['human A', 'human B', 493, 0.893], ['human A', 'matcher', 493, 0.862], ['human B', 'matcher', 493, 0.849],
    ]);
  });
});
