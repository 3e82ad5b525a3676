// Agreement statistics against hand-computed values, including the degenerate tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agreementStats, kendallTau, pairwiseAgreement, parseBinarize, type Rating } from '../../src/eval/agreement.js';

/** Two raters over a 2×2 table: [both 1, A1 B0, A0 B1, both 0]. */
function table(cells: [number, number, number, number]): { a: string[]; b: string[] } {
  const a: string[] = [];
  const b: string[] = [];
  const add = (n: number, x: string, y: string) => { for (let i = 0; i < n; i++) { a.push(x); b.push(y); } };
  add(cells[0], '1', '1'); add(cells[1], '1', '0'); add(cells[2], '0', '1'); add(cells[3], '0', '0');
  return { a, b };
}
const ratings = (a: string[], b: string[]): Rating[] => [...a.map((label, i) => ({ item: `i${i}`, rater: 'A', label })), ...b.map((label, i) => ({ item: `i${i}`, rater: 'B', label }))];

describe('agreement', () => {
  it('matches hand-computed π and κ on a 2×2 table', () => {
    // Po = 35/50 = 0.7. Cohen: pA(1) = .5, pB(1) = .6 → Pe = .5·.6 + .5·.4 = .5 → κ = .4.
    // Scott: pooled p(1) = 55/100 → Pe = .55² + .45² = .505 → π = .195/.495.
    const { a, b } = table([20, 5, 10, 15]);
    const s = agreementStats(a, b);
    assert.equal(s.raw, 0.7);
    assert.ok(Math.abs(s.cohensKappa! - 0.4) < 1e-12);
    assert.ok(Math.abs(s.scottsPi! - 0.195 / 0.495) < 1e-12);
  });

  it('matches a hand-computed three-class table', () => {
    // A: x x y y z z ; B: x y y y z x → Po = 4/6. A marginals (2,2,2)/6, B (2,3,1)/6.
    // Cohen Pe = (4+6+2)/36 = 1/3 → κ = (2/3 − 1/3)/(2/3) = .5.
    // Scott pooled (4,5,3)/12 → Pe = (16+25+9)/144 = 50/144 → π = (2/3 − 50/144)/(94/144) = 46/94.
    const s = agreementStats(['x', 'x', 'y', 'y', 'z', 'z'], ['x', 'y', 'y', 'y', 'z', 'x']);
    assert.ok(Math.abs(s.cohensKappa! - 0.5) < 1e-12);
    assert.ok(Math.abs(s.scottsPi! - 46 / 94) < 1e-12);
  });

  it('all-agree with two classes is 1; one class only is undefined (null), never a division by zero', () => {
    const agree = agreementStats(['1', '0', '1', '0'], ['1', '0', '1', '0']);
    assert.deepEqual(agree, { raw: 1, scottsPi: 1, cohensKappa: 1 });
    const single = agreementStats(['1', '1', '1'], ['1', '1', '1']);
    assert.deepEqual(single, { raw: 1, scottsPi: null, cohensKappa: null });
    // One rater constant, the other not: Cohen's Pe = pB(1) < 1, defined; here κ = 0.
    const oneSided = agreementStats(['1', '1', '1', '1'], ['1', '1', '0', '0']);
    assert.equal(oneSided.cohensKappa, 0);
    assert.ok(Math.abs(oneSided.scottsPi! - (0.5 - 0.625) / 0.375) < 1e-12); // pooled p(1) = 6/8
    const [pair] = pairwiseAgreement(ratings(['1', '1', '1'], ['1', '1', '1']));
    assert.equal(pair!.scottsPi, null);
    assert.equal(pair!.scottsPiCi, null);
    assert.match(pair!.note!, /chance agreement is 1/);
    assert.equal(pair!.raw, 1);
  });

  it('bootstraps CIs over items that contain the estimate, reproducibly', () => {
    const { a, b } = table([20, 5, 10, 15]);
    const [p] = pairwiseAgreement(ratings(a, b), { seed: 1 });
    assert.equal(p!.items, 50);
    assert.ok(p!.scottsPiCi!.low < p!.scottsPi! && p!.scottsPi! < p!.scottsPiCi!.high);
    assert.ok(p!.cohensKappaCi!.low < 0.4 && 0.4 < p!.cohensKappaCi!.high);
    assert.equal(p!.rawCi!.resamples, 1000);
    const [q] = pairwiseAgreement(ratings(a, b), { seed: 1 });
    assert.deepEqual(q, p);
  });

  it('uses only items both raters labelled, and names bad input', () => {
    const r: Rating[] = [{ item: '1', rater: 'A', label: '1' }, { item: '2', rater: 'A', label: '0' }, { item: '2', rater: 'B', label: '0' }, { item: '3', rater: 'B', label: '1' }];
    assert.equal(pairwiseAgreement(r)[0]!.items, 1);
    assert.throws(() => pairwiseAgreement([{ item: '1', rater: 'A', label: '1' }]), /needs two or more raters, got 1 \(A\)/);
    assert.throws(() => pairwiseAgreement([...r, { item: '1', rater: 'A', label: '0' }]), /rater "A" gives item "1" two labels \(1, 0\)/);
  });

  it('binarizes 1–5 ratings with ranges and drop, and rejects uncovered labels', () => {
    const map = parseBinarize('1-2:0,4-5:1,3:drop');
    assert.deepEqual(['1', '2', '3', '4', '5'].map(map), ['0', '0', null, '1', '1']);
    assert.throws(() => map('7'), /--binarize "1-2:0,4-5:1,3:drop" does not cover the label "7". Hint: add it/);
    assert.throws(() => parseBinarize('1-2'), /"1-2" is not from:to/);
    assert.throws(() => parseBinarize('5-4:1'), /range 5-4 runs backwards/);
  });

  it('Kendall τ-b: identical, reversed, tied and constant rankings', () => {
    assert.equal(kendallTau([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(kendallTau([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    // x = 1,2,3 ; y = 1,1,2: pairs (1,2) tie in y, (1,3) and (2,3) concordant → 2/√(3·2).
    assert.ok(Math.abs(kendallTau([1, 2, 3], [1, 1, 2])! - 2 / Math.sqrt(6)) < 1e-12);
    assert.equal(kendallTau([1, 1, 1], [1, 2, 3]), null);
  });
});
