// The betting simulator against a case solvable by hand, and the pitfall it exists to show.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalQuantile, simulateBetting } from '../../src/forecast/simulate.js';

describe('forecast betting simulation', () => {
  it('matches a hand-computed one-question race', () => {
    // p = 0.7; honest says 0.7: E[Brier] = 0.7·0.3² + 0.3·0.7² = 0.063 + 0.147 = 0.21.
    // γ = logit(0.9)/logit(0.7) makes the strategic forecast 0.9: E[Brier] = 0.7·0.1² + 0.3·0.9² = 0.25,
    // and it wins exactly when the event happens: P(first) = 0.7 (γ = 1 ties every time: 0.5).
    const gamma = Math.log(9) / Math.log(0.7 / 0.3);
    const [honest, strategic] = simulateBetting({ probabilities: [0.7], field: 1, noise: 0, gammas: [1, gamma], trials: 20000, seed: 3 });
    assert.ok(Math.abs(honest!.expectedBrier - 0.21) < 0.01, String(honest!.expectedBrier));
    assert.equal(honest!.pFirst, 0.5);
    assert.ok(Math.abs(strategic!.expectedBrier - 0.25) < 0.01, String(strategic!.expectedBrier));
    assert.ok(Math.abs(strategic!.pFirst - 0.7) < 0.015, String(strategic!.pFirst));
  });

  it('with correlated outcomes, extremizing wins the leaderboard more often while its expected Brier is worse', () => {
    const [g1, g2] = simulateBetting({ correlation: 0.8, gammas: [1, 2], trials: 1500, seed: 1 });
    assert.ok(g2!.expectedBrier > g1!.expectedBrier + 0.01);
    assert.ok(g2!.pFirst > g1!.pFirst + 0.04, `${g2!.pFirst} vs ${g1!.pFirst}`);
    assert.ok(g2!.pFirst > g2!.fairShare);
  });

  it('computes normal quantiles and rejects a correlation of 1', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.01) + 2.326348) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
    assert.throws(() => simulateBetting({ correlation: 1 }), /correlation 1 is outside \[0, 1\)/);
  });
});
