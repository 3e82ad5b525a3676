// Steps-to-target and curve binning used by `runs compare` and the averaging experiment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binCurve, stepsToTarget } from '../../src/train/index.js';

test('stepsToTarget is the first step at or below the target, null when never reached', () => {
  const curve: Array<[number, number]> = [[10, 3], [20, 2.5], [30, 2.4], [40, 2.45], [50, 2.3]];
  assert.equal(stepsToTarget(curve, 2.4), 30);
  assert.equal(stepsToTarget(curve, 2.45), 30);
  assert.equal(stepsToTarget(curve, 2.3), 50);
  assert.equal(stepsToTarget(curve, 2.0), null);
  // Interpolated: 2.45 lies halfway between step 20 (2.5) and step 30 (2.4) → 25.
  assert.ok(Math.abs(stepsToTarget(curve, 2.45, { interpolate: true })! - 25) < 1e-9);
  assert.equal(stepsToTarget(curve, 3, { interpolate: true }), 10);
});

test('binCurve keeps short curves and averages long ones into bins ending at their last step', () => {
  assert.deepEqual(binCurve([[1, 1], [2, 2]], 5), [[1, 1], [2, 2]]);
  const long = Array.from({ length: 10 }, (_, i) => [i + 1, i + 1] as [number, number]);
  assert.deepEqual(binCurve(long, 4), [[3, 2], [6, 5], [9, 8], [10, 10]]);
});
