// `fathom forecast` as users run it: the audit before the scores, --strict's exit code, --json,
// and a malformed file's error naming the row and field.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fathom, tempDir } from '../helpers/cli.js';

const FIX = new URL('../fixtures/forecast/', import.meta.url).pathname;
const files = ['--questions', join(FIX, 'questions.json'), '--resolutions', join(FIX, 'resolutions.json')];

describe('fathom forecast', () => {
  it('score --json: audit first, then the ForecastBench scores of the fixture', () => {
    const r = fathom(['--json', 'forecast', 'score', ...files, '--forecasts', join(FIX, 'forecasts.json'), '--resamples', '100']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { audit: { summary: { check: string; status: string }[] }; scores: { forecaster: string; overall: number; brierIndex: number }[] };
    assert.equal(out.audit.summary.find((s) => s.check === 'early-closure')!.status, 'found'); // m1 resolved 90 days before its close
    assert.equal(out.scores[0]!.forecaster, 'Example Lab/forecaster-a');
    assert.ok(Math.abs(out.scores[0]!.overall - 0.07625) < 1e-12);
  });

  it('score --strict stops at the audit with exit code 3 and shows no scores', () => {
    const r = fathom(['forecast', 'score', ...files, '--forecasts', join(FIX, 'forecasts.json'), '--cutoff', '2024-11-01', '--strict']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /the leakage audit found 3 finding\(s\): resolved-before-cutoff \(2\), early-closure \(1\); no scores shown under --strict\. Hint: run `fathom forecast audit`/);
    assert.equal(r.stdout, '');
  });

  it('a forecast outside [0, 1] is a usage error naming the file, row and field', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id": "m1", "source": "manifold", "forecast": 0.4}\n{"id": "0xabc", "source": "polymarket", "forecast": 40}\n');
    const r = fathom(['forecast', 'score', ...files, '--forecasts', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.jsonl: line 2 \(id "0xabc"\), field "forecast" is outside \[0, 1\] \(write a probability, not a percentage\)\. Hint: probabilities and outcomes are numbers in \[0, 1\]/);
  });
});
