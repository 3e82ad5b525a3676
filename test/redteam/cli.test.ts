// `fathom redteam` as users run it: a matrix on the canaries, fit and predict from a results
// file, and the errors a user can hit.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fathom, tempDir } from '../helpers/cli.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));

describe('fathom redteam', () => {
  const dir = tempDir();
  const results = join(dir, 'results.jsonl');
  // Exact law for target t (capability 0.5): w = 2, b = −0.5; a second, weaker attack per pair is ignored.
  const rows = [0.2, 0.35, 0.5, 0.65, 0.8].flatMap((a) => {
    const asr = sigmoid(2 * (logit(a) - logit(0.5)) - 0.5);
    return [
      { attacker: `m${a}`, target: 't', attack: 'pair', asr, attacker_capability: a, target_capability: 0.5 },
      { attacker: `m${a}`, target: 't', attack: 'direct', asr: asr / 2, attacker_capability: a, target_capability: 0.5 },
    ];
  });
  writeFileSync(results, rows.map((r) => JSON.stringify(r)).join('\n'));

  it('fit recovers an exact law from a results file (--json)', () => {
    const r = fathom(['redteam', 'fit', '--results', results, '--gap', 'logit', '--bootstrap', '200', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [law] = JSON.parse(r.stdout) as { target: string; slope: number; intercept: number; midpoint: number; r2: number; pairs: number }[];
    assert.equal(law!.pairs, 5);
    assert.ok(Math.abs(law!.slope - 2) < 1e-9 && Math.abs(law!.intercept + 0.5) < 1e-9 && Math.abs(law!.midpoint - 0.25) < 1e-9 && Math.abs(law!.r2 - 1) < 1e-9);
  });

  it('predict gives σ(w·δ + b) for a hypothetical attacker', () => {
    const r = fathom(['redteam', 'predict', '--results', results, '--target', 't', '--attacker-capability', '0.9', '--bootstrap', '100', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout) as { asr: number };
    assert.ok(Math.abs(p.asr - sigmoid(2 * logit(0.9) - 0.5)) < 1e-9);
    const bad = fathom(['redteam', 'predict', '--results', results, '--target', 'nope', '--attacker-capability', '0.9']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /target "nope" is not in the results \(targets: t\).*Hint: name a target exactly as in the results/);
  });

  it('rejects an unknown gap, and a results row without capabilities', () => {
    const r = fathom(['redteam', 'fit', '--results', results, '--gap', 'ratio']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--gap "ratio" is not one of logit, log, abs.*Hint/);
    const partial = join(dir, 'partial.jsonl');
    writeFileSync(partial, JSON.stringify({ attacker: 'a', target: 't', asr: 0.5 }));
    const p = fathom(['redteam', 'fit', '--results', partial]);
    assert.equal(p.code, 2);
    assert.match(p.stderr, /partial.jsonl:1: no capability for a.*Hint: add attacker_capability\/target_capability columns, or pass --capabilities/);
  });

  it('runs a matrix on the canaries offline, then fits its run with a capabilities file', () => {
    const ws = tempDir();
    const r = fathom(['--workspace', ws, 'redteam', 'run', '--attackers', 'sim-attacker:0.2,sim-attacker:0.5,sim-attacker:0.8', '--targets', 'sim-target:0.6', '--judge', 'sim-judge:j', '--streams', '2', '--steps', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { runId: string; summary: { cells: { asr: number }[]; identities: { judge: string } } };
    assert.equal(out.summary.cells.length, 3);
    assert.equal(out.summary.identities.judge, 'sim-judge:j');
    const caps = join(ws, 'caps.json');
    writeFileSync(caps, JSON.stringify({ 'sim-attacker:0.2': 0.2, 'sim-attacker:0.5': 0.5, 'sim-attacker:0.8': 0.8, 'sim-target:0.6': 0.6 }));
    const fit = fathom(['--workspace', ws, 'redteam', 'fit', '--run', out.runId, '--capabilities', caps, '--bootstrap', '100', '--plot', join(ws, 'laws.svg'), '--heatmap', join(ws, 'asr.svg')]);
    assert.equal(fit.code, 0, fit.stderr);
    assert.match(fit.stdout, /sim-target:0\.6/);
    const missing = fathom(['--workspace', ws, 'redteam', 'run', '--targets', 'sim-target:0.6', '--attack', 'direct']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no --judge.*Hint: pass --judge provider:model/);
  });
});
