// `fathom bench gemm`: the report's shape (per-size GFLOP/s, the paired ratio with its quartiles,
// the number of pairs) on tiny sizes, and its usage errors. Timings are never asserted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nativeAddon } from '../../src/tensor/native/index.js';
import { fathom } from '../helpers/cli.js';

const skip = nativeAddon() ? false : 'native addon not built: run `node scripts/build-native.mjs`';

describe('fathom bench gemm', { skip }, () => {
  it('reports each size with the paired ratio and its spread', () => {
    const r = fathom(['bench', 'gemm', '--sizes', '16,33', '--repeats', '7', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { blas: string; rows: Array<Record<string, unknown>> };
    assert.deepEqual(result.rows.map((row) => row.size), [16, 33]);
    for (const row of result.rows) {
      assert.equal(row.pairs, 7);
      for (const k of ['gflops', 'ownGflops']) assert.ok(Number.isFinite(row[k]) && (row[k] as number) > 0, `${k} = ${String(row[k])}`);
      if (result.blas === 'openblas') {
        const ratio = row.ratio as number, [q1, q3] = row.ratioIqr as [number, number];
        assert.ok(ratio > 0 && Number.isFinite(ratio));
        assert.ok(q1 <= ratio && ratio <= q3, `quartiles ${q1}, ${q3} around ${ratio}`);
      } else {
        assert.equal(row.ratio, null);
      }
    }
    const text = fathom(['bench', 'gemm', '--sizes', '16', '--repeats', '3']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /ratio IQR/);
    assert.match(text.stdout, /ratio = median over adjacent pairs/);
  });

  it('rejects bad sizes and repeats with a hint', () => {
    const sizes = fathom(['bench', 'gemm', '--sizes', '64,x']);
    assert.equal(sizes.code, 2);
    assert.match(sizes.stderr, /--sizes "64,x" must be comma-separated whole numbers from 1 to 8192\. Hint: pass e\.g\. --sizes 64,256,512,1024/);
    const repeats = fathom(['bench', 'gemm', '--sizes', '16', '--repeats', '0']);
    assert.equal(repeats.code, 2);
    assert.match(repeats.stderr, /--repeats must be a positive whole number, got "0"\. Hint: pass e\.g\. --repeats 200/);
  });
});
