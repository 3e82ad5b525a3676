// The scaling-law fit: a hand-computed least-squares case, the w ≥ 0 constraint, and recovery of
// known (w, b) per target from noisy synthetic results within the reported bootstrap intervals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '../../src/eval/stats.js';
import { bestOverAttacks, capabilityGap, fitScalingLaws, logit, nonNegativeLeastSquares, predictAsr, sigmoid, type PairResult } from '../../src/redteam/fit.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

/** Standard normal by Box–Muller from a seeded uniform. */
const normal = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

describe('redteam fit', () => {
  it('least squares by hand: x = 0,1,2,3, y = 1,3,4,8', () => {
    // mean x 1.5, mean y 4; Sxy = (-1.5)(-3)+(-0.5)(-1)+0.5·0+1.5·4 = 11; Sxx = 5 → w = 2.2, b = 4 − 3.3 = 0.7
    // residuals 0.3, 0.1, −1.1, 0.7 → SSres 1.8; SStot 9+1+0+16 = 26 → R² = 1 − 1.8/26
    const l = nonNegativeLeastSquares([0, 1, 2, 3], [1, 3, 4, 8]);
    close(l.slope, 2.2); close(l.intercept, 0.7); close(l.r2!, 1 - 1.8 / 26);
  });

  it('a falling trend is fitted with w = 0 and b = mean(y)', () => {
    const l = nonNegativeLeastSquares([0, 1, 2], [3, 2, 1]);
    assert.equal(l.slope, 0); close(l.intercept, 2); close(l.r2!, 0);
  });

  it('gaps: logit, log and abs differences; out-of-domain capabilities are usage errors', () => {
    close(capabilityGap('logit', 0.8, 0.5), Math.log(4));
    close(capabilityGap('log', 0.8, 0.4), Math.log(2));
    close(capabilityGap('abs', 0.8, 0.5), 0.3);
    assert.throws(() => capabilityGap('logit', 1, 0.5), /attacker capability 1 is outside the domain of the logit gap.*Hint: logit needs capabilities strictly between 0 and 1/);
    assert.throws(() => capabilityGap('log', 0.5, 0), /target capability 0 is outside the domain of the log gap/);
  });

  it('keeps the best ASR over attacks per pair, clips ASR before the logit, computes the midpoint', () => {
    const rows: PairResult[] = [
      { attacker: 'a', target: 't', attack: 'pair', asr: 0.2, attackerCapability: 0.3, targetCapability: 0.5 },
      { attacker: 'a', target: 't', attack: 'direct', asr: 0.0, attackerCapability: 0.3, targetCapability: 0.5 },
      { attacker: 'b', target: 't', attack: 'pair', asr: 0.5, attackerCapability: 0.5, targetCapability: 0.5 },
      { attacker: 'c', target: 't', attack: 'pair', asr: 1, attackerCapability: 0.7, targetCapability: 0.5 },
    ];
    assert.equal(bestOverAttacks(rows).length, 3);
    const [law] = fitScalingLaws(rows, { gap: 'abs', resamples: 50 });
    assert.deepEqual(law!.pairs.map((p) => p.asr), [0.2, 0.5, 1]);
    close(law!.pairs[2]!.y, logit(0.99));
    const expected = nonNegativeLeastSquares([-0.2, 0, 0.2], [logit(0.2), 0, logit(0.99)]);
    close(law!.slope, expected.slope); close(law!.intercept, expected.intercept);
    close(law!.midpoint!, -expected.intercept / expected.slope);
    close(predictAsr(law!, 0.6, { resamples: 50 }).asr, sigmoid(expected.slope * 0.1 + expected.intercept));
  });

  it('errors name the target and the fix', () => {
    const two: PairResult[] = [0.3, 0.6].map((c, i) => ({ attacker: `a${i}`, target: 't', asr: 0.5, attackerCapability: c, targetCapability: 0.5 }));
    assert.throws(() => fitScalingLaws(two), /target "t" has 2 attacker\(s\); a law needs at least 3\. Hint: attack this target with more attackers/);
    assert.throws(() => fitScalingLaws([{ ...two[0]!, asr: 1.5 }]), /ASR 1.5 of a0 → t is not in \[0, 1\]/);
  });

  it('recovers known w and b per target within its 95% bootstrap intervals in ≥ 90% of seeds', () => {
    const truth = [{ target: 'small', cap: 0.35, w: 1.7, b: -0.8 }, { target: 'large', cap: 0.7, w: 1.2, b: -1.5 }];
    const covered = { w: 0, b: 0 };
    let trials = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const random = rng(seed);
      const rows: PairResult[] = [];
      for (const t of truth) {
        for (let i = 0; i < 32; i++) {
          // Gaps spread so the true logit runs over [−2.5, 2.5]: the curve (and most noise) stays
          // inside the [0.01, 0.99] clip, which would otherwise bias the fit by design.
          const d = (-2.5 - t.b + (5 * i) / 31) / t.w;
          const cap = sigmoid(d + logit(t.cap));
          const asr = sigmoid(t.w * d + t.b + 0.3 * normal(random));
          rows.push({ attacker: `m${i}`, target: t.target, asr, attackerCapability: cap, targetCapability: t.cap });
        }
      }
      const laws = fitScalingLaws(rows, { resamples: 300, seed });
      for (const t of truth) {
        const law = laws.find((l) => l.target === t.target)!;
        trials++;
        const inW = law.slopeCi!.low <= t.w && t.w <= law.slopeCi!.high;
        const inB = law.interceptCi!.low <= t.b && t.b <= law.interceptCi!.high;
        covered.w += Number(inW);
        covered.b += Number(inB);
      }
    }
    // Each parameter inside its 95% interval in at least 90% of the 80 fits (40 seeds × 2 targets).
    assert.ok(covered.w / trials >= 0.9 && covered.b / trials >= 0.9, `slope inside its interval in ${covered.w}, intercept in ${covered.b} of ${trials} fits`);
  });
});
