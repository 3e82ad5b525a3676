// The shared named registry behind fathom's extension points.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../src/errors.js';
import { Registry } from '../src/registry.js';

test('a registry keeps entries in order, refuses a name twice and suggests the closest name on a miss', () => {
  const r = new Registry<{ id: string; n: number }>('demo: widget', (e) => e.id);
  r.register({ id: 'alpha', n: 1 });
  r.register({ id: 'beta', n: 2 });
  assert.deepEqual(r.names(), ['alpha', 'beta']);
  assert.deepEqual(r.all().map((e) => e.n), [1, 2]);
  assert.throws(() => r.register({ id: 'beta', n: 3 }), /^Error: demo: widget "beta" is registered twice$/);
  assert.equal(r.get('beta', () => new Error('unreachable')).n, 2);
  const unknown = (name: string, known: string[], guess: string | undefined) => new UsageError(`no widget "${name}" (known: ${known.join(', ')})`, guess ? `did you mean "${guess}"?` : 'pick a known one');
  assert.throws(() => r.get('alpah', unknown), (e: unknown) => e instanceof UsageError && e.message === 'no widget "alpah" (known: alpha, beta). Hint: did you mean "alpha"?');
  assert.throws(() => r.get('zzzzzzzz', unknown), /no widget "zzzzzzzz" \(known: alpha, beta\)\. Hint: pick a known one/);
});
