import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTokens } from '../../src/refute/index.js';

describe('refute token checker', () => {
  it('compares whitespace-separated tokens exactly', () => {
    assert.equal(compareTokens('1 2\n3\n', '1   2 3').status, 'accepted');
    assert.equal(compareTokens('1 2 3', '1 2 3\n\n').status, 'accepted');
    const wa = compareTokens('1 2 3', '1 2 4');
    assert.equal(wa.status, 'wrong-answer');
    assert.equal(wa.message, 'token 3: expected "3", found "4"');
    assert.equal(compareTokens('1 2 3', '1 2').message, 'expected 3 tokens, found 2');
    assert.equal(compareTokens('1 2', '1 2 3').message, 'expected 2 tokens, found 3');
    assert.equal(compareTokens('abc', 'ABC').status, 'wrong-answer', 'case matters outside YES/NO');
    assert.equal(compareTokens('', '  \n').status, 'accepted');
    assert.equal(compareTokens('', 'x').status, 'wrong-answer');
    assert.equal(compareTokens('5', '').message, 'expected 1 tokens, found 0');
  });

  it('compares YES/NO case-insensitively only when every reference token is yes/no', () => {
    assert.equal(compareTokens('YES\nNO\n', 'yes no').status, 'accepted');
    assert.equal(compareTokens('Yes', 'yEs').status, 'accepted');
    assert.match(compareTokens('YES NO', 'yes yes').message, /token 2: expected "NO", found "yes" \(YES\/NO, case-insensitive\)/);
    assert.equal(compareTokens('YES 3', 'yes 3').status, 'wrong-answer', 'a mixed answer keeps exact comparison');
  });

  it('accepts numbers within an absolute-or-relative float tolerance', () => {
    assert.equal(compareTokens('0.5', '0.5000001', { floatTolerance: 1e-6 }).status, 'accepted');
    assert.equal(compareTokens('0.5', '0.501', { floatTolerance: 1e-6 }).status, 'wrong-answer');
    // relative for large values: 1e6 * 1e-6 = 1
    assert.equal(compareTokens('1000000', '1000000.9', { floatTolerance: 1e-6 }).status, 'accepted');
    assert.equal(compareTokens('1000000', '1000001.5', { floatTolerance: 1e-6 }).status, 'wrong-answer');
    assert.equal(compareTokens('0.5', '0.5000001').status, 'wrong-answer', 'no tolerance without the option');
    assert.equal(compareTokens('abc', 'abd', { floatTolerance: 1 }).status, 'wrong-answer', 'non-numbers stay exact');
    assert.equal(compareTokens('1e-3', '0.001', { floatTolerance: 1e-9 }).status, 'accepted');
  });
});
