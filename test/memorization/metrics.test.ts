// Extraction metrics against hand-computed cases: LCS length, ROUGE-L precision/recall/F1,
// exact match and the matched prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactMatch, lcsLength, matchedPrefix, rougeL } from '../../src/memorization/index.js';

const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? ''} ${a} ≠ ${b}`);

test('lcsLength matches hand counts', () => {
  assert.equal(lcsLength([1, 2, 3, 4], [2, 4, 3]), 2); // [2,4] or [2,3]
  assert.equal(lcsLength([1, 2, 3], [1, 2, 3]), 3);
  assert.equal(lcsLength([1, 2, 3], [4, 5]), 0);
  assert.equal(lcsLength([], [1]), 0);
  // "ABCBDAB" vs "BDCABA" (CLRS): LCS 4 ("BCBA").
  const ids = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
  assert.equal(lcsLength(ids('ABCBDAB'), ids('BDCABA')), 4);
  assert.equal(lcsLength(ids('BDCABA'), ids('ABCBDAB')), 4);
});

test('rougeL is the F1 of LCS precision and recall', () => {
  // candidate [1,2,3,4,5], reference [1,3,5,7]: LCS [1,3,5] = 3; P = 3/5, R = 3/4, F = 2PR/(P+R) = 2/3.
  const r = rougeL([1, 2, 3, 4, 5], [1, 3, 5, 7]);
  close(r.precision, 0.6);
  close(r.recall, 0.75);
  close(r.f1, 2 / 3);
  assert.deepEqual(rougeL([7, 8, 9], [7, 8, 9]), { precision: 1, recall: 1, f1: 1 });
  assert.equal(rougeL([1, 2], [3, 4]).f1, 0);
  // Reordered: [3,2,1] vs [1,2,3] share one id in order: P = R = F = 1/3.
  close(rougeL([3, 2, 1], [1, 2, 3]).f1, 1 / 3);
  assert.equal(rougeL([], []).f1, 1);
  assert.equal(rougeL([], [1]).f1, 0);
  assert.equal(rougeL([1], []).f1, 0);
});

test('exactMatch needs every id and the same length; matchedPrefix counts up to the first error', () => {
  assert.equal(exactMatch([1, 2, 3], [1, 2, 3]), true);
  assert.equal(exactMatch(Int32Array.from([1, 2, 3]), [1, 2, 3]), true);
  assert.equal(exactMatch([1, 2], [1, 2, 3]), false);
  assert.equal(exactMatch([1, 2, 4], [1, 2, 3]), false);
  assert.equal(matchedPrefix([1, 2, 4, 4], [1, 2, 3, 4]), 2);
  assert.equal(matchedPrefix([9], [1, 2]), 0);
  assert.equal(matchedPrefix([1, 2], [1, 2]), 2);
});
