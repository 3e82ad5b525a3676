// `fathom bench train-step`: the report's fields on a tiny model (both layouts), the per-op
// profile printed once under FATHOM_PROFILE=1, the GC mode, and config errors. Timings are never
// asserted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fathom } from '../helpers/cli.js';

const tiny = ['--layers', '1', '--dim', '16', '--heads', '2', '--ctx', '8', '--vocab', '32', '--batch', '2', '--steps', '3', '--warmup', '1'];

describe('fathom bench train-step', () => {
  it('reports the median step, tokens/s, the engine and the GC mode for gpt2 and llama', () => {
    for (const arch of ['gpt2', 'llama']) {
      const r = fathom(['bench', 'train-step', '--arch', arch, ...tiny, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const res = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.equal(res.arch, arch);
      assert.equal(res.gc, 'concurrent'); // the tests run `node --import tsx`, without --single-threaded-gc
      assert.ok((res.step_ms_min as number) <= (res.step_ms_median as number));
      assert.ok(Math.abs((res.tokens_per_s as number) - (2 * 8) / ((res.step_ms_median as number) / 1000)) < 1e-6);
      assert.ok(Number.isFinite(res.loss) && (res.loss as number) > 0);
      assert.equal(res.profile, undefined);
    }
  });

  it('FATHOM_PROFILE=1 adds the per-op table once (in the report, not again at exit)', () => {
    const r = fathom(['bench', 'train-step', ...tiny], { env: { FATHOM_PROFILE: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /kernel time per op over the timed steps/);
    assert.match(r.stdout, /\n(linear|matmulPair) /);
    assert.doesNotMatch(r.stderr, /fathom profile/);
  });

  it('names a bad key or value and how to fix it', () => {
    const bad = fathom(['bench', 'train-step', '--arch', 'rnn']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /arch: Invalid option: expected one of "gpt2"\|"llama"\. Hint: fix the value of "arch"/);
    const typo = fathom(['bench', 'train-step', '--set', 'layer=2']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown key "layer".*did you mean "layers"\?/);
  });
});
