// The trained choices-only probe on synthetic MCQ sets: where the right option gives itself away
// in its text, the probe is far above chance with a CI above it; where nothing in the options
// tells, it stays at chance and its CI includes chance. Plus the CLI and its error for a set
// without options.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { rng, trainChoicesOnlyProbe, type Sample } from '../../src/eval/index.js';
import { fathom, tempDir } from '../helpers/cli.js';

const WORDS = ['river', 'stone', 'cloud', 'lamp', 'forest', 'engine', 'paper', 'garden', 'silver', 'window', 'orbit', 'candle', 'harbor', 'meadow', 'signal', 'copper'];

/** 4 options of 2–4 random words; with `tell`, the right one also carries the word "certainly". */
function synthetic(n: number, tell: boolean, seed: number): Sample[] {
  const r = rng(seed);
  const phrase = (): string => Array.from({ length: 2 + Math.floor(r() * 3) }, () => WORDS[Math.floor(r() * WORDS.length)]!).join(' ');
  return Array.from({ length: n }, (_, i) => {
    const answerIndex = Math.floor(r() * 4);
    const options = Array.from({ length: 4 }, (_, k) => (tell && k === answerIndex ? `certainly ${phrase()}` : phrase()));
    return { id: `s${i}`, question: `Question ${i}?`, options, answerIndex };
  });
}

describe('trained choices-only probe', () => {
  it('finds an answer that the options give away: far above chance, CI above chance', () => {
    const r = trainChoicesOnlyProbe(synthetic(300, true, 1), { buckets: 512, steps: 120 });
    assert.equal(r.train + r.test, 300);
    assert.ok(Math.abs(r.chance - 0.25) < 1e-12);
    assert.ok(r.accuracy > 0.9, `accuracy ${r.accuracy}`);
    assert.ok(r.aboveChance && r.ci!.low > 0.8, JSON.stringify(r.ci));
  });

  it('stays at chance when nothing in the options tells: the CI includes chance', () => {
    const r = trainChoicesOnlyProbe(synthetic(300, false, 2), { buckets: 512, steps: 120 });
    assert.ok(r.trainAccuracy > r.accuracy, 'it can fit its training half, which does not carry over');
    assert.ok(r.ci!.low <= r.chance && r.chance <= r.ci!.high, `${r.accuracy} ${JSON.stringify(r.ci)}`);
    assert.equal(r.aboveChance, false);
  });

  it('refuses a set without options and answers, naming what it needs', () => {
    assert.throws(() => trainChoicesOnlyProbe([{ id: 'a', question: 'q', reference: 'x' }]), (err: unknown) => err instanceof UsageError && /0 items have options and a correct answer; the probe needs at least 4/.test(err.message));
  });

  it('`fathom eval probe --data` prints accuracy vs chance, and --json the result', () => {
    const dir = tempDir();
    const data = join(dir, 'mcq.jsonl');
    writeFileSync(data, synthetic(120, true, 3).map((s) => JSON.stringify({ id: s.id, question: s.question, options: s.options, answer: 'ABCD'[s.answerIndex!] })).join('\n'));
    const json = fathom(['--json', 'eval', 'probe', '--data', data, '--steps', '80', '--buckets', '256']);
    assert.equal(json.code, 0, json.stderr);
    const r = JSON.parse(json.stdout) as { accuracy: number; chance: number; test: number };
    assert.equal(r.test, 60);
    assert.ok(r.accuracy > r.chance);
    const text = fathom(['eval', 'probe', '--data', data, '--steps', '80', '--buckets', '256']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /choices-only probe: .*% on 60 held-out items \(95% CI .*\), chance 25\.0%/);
  });
});
