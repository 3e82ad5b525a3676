// The native GEMMs (sgemm: OpenBLAS or fathom's blocked kernel; sgemmOwn: always fathom's;
// sgemmBatched) against a plain double-precision triple loop, over odd sizes, both transposes,
// alpha/beta, leading dimensions larger than the rows, the AVX2 and scalar kernels, and 1 or 2
// threads. Tolerance: |C − C_ref| ≤ 1e-5·(1 + √k·max|a||b|) elementwise, i.e. float32 rounding
// of a length-k dot product; fathom's own kernel must also be bitwise identical across thread
// counts (threads split rows/columns, never the k sum).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { nativeAddon, nativeStatus } from '../../src/tensor/native/index.js';

const addon = nativeAddon();
const skip = addon ? false : 'native addon not built: run `node scripts/build-native.mjs` (needs g++, make, python3; libopenblas-dev for OpenBLAS)';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 * 2 - 1;
  };
}

function filled(n: number, r: () => number): Float32Array {
  return Float32Array.from({ length: n }, r);
}

interface Case { ta: boolean; tb: boolean; m: number; n: number; k: number; alpha: number; beta: number; lda: number; ldb: number; ldc: number }

function refGemm(c: Case, a: Float32Array, b: Float32Array, c0: Float32Array): Float64Array {
  const out = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let p = 0; p < c.k; p++) {
        const av = c.ta ? a[p * c.lda + i]! : a[i * c.lda + p]!;
        const bv = c.tb ? b[j * c.ldb + p]! : b[p * c.ldb + j]!;
        s += av * bv;
      }
      out[i * c.n + j] = c.alpha * s + (c.beta === 0 ? 0 : c.beta * c0[i * c.ldc + j]!);
    }
  }
  return out;
}

function randomCase(r: () => number, maxDim: number): Case {
  const dim = () => 1 + Math.floor((r() + 1) / 2 * maxDim);
  const ta = r() < 0, tb = r() < 0;
  const m = dim(), n = dim(), k = dim();
  const pad = () => (r() < 0 ? 0 : 3);
  return {
    ta, tb, m, n, k, alpha: r() < 0 ? 1 : 0.75, beta: [0, 1, -0.5][Math.floor((r() + 1) * 1.5)] ?? 0,
    lda: (ta ? m : k) + pad(), ldb: (tb ? k : n) + pad(), ldc: n + pad(),
  };
}

type Gemm = 'sgemm' | 'sgemmOwn';

function check(fn: Gemm, c: Case, seed: number): void {
  const r = rng(seed);
  const a = filled((c.ta ? c.k : c.m) * c.lda, r), b = filled((c.tb ? c.n : c.k) * c.ldb, r);
  const cIn = filled(c.m * c.ldc, r);
  const cOut = cIn.slice();
  addon![fn](c.ta, c.tb, c.m, c.n, c.k, c.alpha, a, c.lda, b, c.ldb, c.beta, cOut, c.ldc);
  const want = refGemm(c, a, b, cIn);
  const tol = 1e-5 * (1 + Math.sqrt(c.k));
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      const got = cOut[i * c.ldc + j]!, exp = want[i * c.n + j]!;
      assert.ok(Math.abs(got - exp) <= tol * (1 + Math.abs(exp)), `${fn} ${JSON.stringify(c)} C[${i},${j}] = ${got}, expected ${exp}`);
    }
    // Padding columns beyond n are never written.
    for (let j = c.n; j < c.ldc; j++) assert.equal(cOut[i * c.ldc + j], cIn[i * c.ldc + j]);
  }
}

describe('native GEMM', { skip }, () => {
  after(() => {
    addon?.setIsa('avx2');
    addon?.setThreads(2);
  });

  for (const isa of ['avx2', 'scalar'] as const) {
    for (const fn of ['sgemm', 'sgemmOwn'] as const) {
      test(`${fn} (${isa}) matches a double-precision loop over odd sizes, transposes, alpha/beta`, () => {
        addon!.setIsa(isa);
        const r = rng(isa === 'avx2' ? 1 : 2);
        for (let t = 0; t < 60; t++) check(fn, randomCase(r, t < 50 ? 40 : 150), 100 + t);
        addon!.setIsa('avx2');
      });
    }
  }

  test('large products take the parallel path and still match (sizes not multiples of the 6×16 tile)', () => {
    for (const fn of ['sgemm', 'sgemmOwn'] as const) {
      check(fn, { ta: false, tb: true, m: 131, n: 197, k: 300, alpha: 1, beta: 0, lda: 300, ldb: 300, ldc: 197 }, 7);
      check(fn, { ta: true, tb: false, m: 257, n: 65, k: 129, alpha: 0.5, beta: 1, lda: 257, ldb: 65, ldc: 65 }, 8);
    }
  });

  test('k = 0 gives beta·C (C written without reading it when beta = 0)', () => {
    for (const fn of ['sgemm', 'sgemmOwn'] as const) {
      const c = Float32Array.of(NaN, 2, 3, 4);
      addon![fn](false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 0, c, 2);
      assert.deepEqual([...c], [0, 0, 0, 0]);
      const d = Float32Array.of(1, 2, 3, 4);
      addon![fn](false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 0.5, d, 2);
      assert.deepEqual([...d], [0.5, 1, 1.5, 2]);
    }
  });

  test("fathom's own GEMM gives bitwise identical results with 1 and 2 threads", () => {
    const r = rng(3);
    const m = 150, n = 170, k = 190;
    const a = filled(m * k, r), b = filled(k * n, r);
    const runs = [1, 2].map((threads) => {
      addon!.setThreads(threads);
      const c = new Float32Array(m * n);
      addon!.sgemmOwn(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
      return c;
    });
    assert.deepEqual(runs[0], runs[1]);
    addon!.setThreads(2);
  });

  test('sgemmPair computes two independent products, concurrently on 2 threads and in turn on 1', () => {
    for (const threads of [2, 1]) {
      addon!.setThreads(threads);
      const r = rng(10 + threads);
      for (let t = 0; t < 24; t++) {
        const cases = [randomCase(r, t < 20 ? 40 : 300), randomCase(r, t < 20 ? 40 : 300)] as const;
        const data = cases.map((c) => ({
          a: filled((c.ta ? c.k : c.m) * c.lda, r), b: filled((c.tb ? c.n : c.k) * c.ldb, r), cIn: filled(c.m * c.ldc, r),
        }));
        const outs = data.map((d) => d.cIn.slice());
        const [c1, c2] = cases, [d1, d2] = data;
        addon!.sgemmPair(
          c1.ta, c1.tb, c1.m, c1.n, c1.k, c1.alpha, d1!.a, c1.lda, d1!.b, c1.ldb, c1.beta, outs[0]!, c1.ldc,
          c2.ta, c2.tb, c2.m, c2.n, c2.k, c2.alpha, d2!.a, c2.lda, d2!.b, c2.ldb, c2.beta, outs[1]!, c2.ldc,
        );
        cases.forEach((c, p) => {
          const want = refGemm(c, data[p]!.a, data[p]!.b, data[p]!.cIn), tol = 1e-5 * (1 + Math.sqrt(c.k));
          for (let i = 0; i < c.m; i++) {
            for (let j = 0; j < c.ldc; j++) {
              const got = outs[p]![i * c.ldc + j]!;
              if (j >= c.n) assert.equal(got, data[p]!.cIn[i * c.ldc + j], 'padding columns are never written');
              else assert.ok(Math.abs(got - want[i * c.n + j]!) <= tol * (1 + Math.abs(want[i * c.n + j]!)), `threads ${threads}, product ${p + 1} ${JSON.stringify(c)} C[${i},${j}]`);
            }
          }
        });
      }
    }
    addon!.setThreads(2);
    const a = filled(4, rng(5)), c = new Float32Array(4);
    assert.throws(() => addon!.sgemmPair(false, false, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2, false, false, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2),
      /fathom_native\.sgemmPair: the two products write the same C: pass two output arrays/);
    assert.throws(() => addon!.sgemmPair(false, false, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2, false, false, 3, 2, 2, 1, a, 2, a, 2, 0, new Float32Array(6), 2),
      /fathom_native\.sgemmPair: argument A has 4 elements, needs at least 6/);
  });

  test('sgemmBatched: strided batches, a shared operand (stride 0), many small products', () => {
    const r = rng(4);
    for (const [batch, m, n, k, sharedB] of [[5, 7, 9, 11, false], [64, 16, 16, 8, true], [3, 70, 80, 90, false]] as const) {
      for (const [ta, tb] of [[false, false], [true, true], [false, true]] as const) {
        const a = filled(batch * m * k, r), b = filled((sharedB ? 1 : batch) * k * n, r);
        const c = new Float32Array(batch * m * n);
        const lda = ta ? m : k, ldb = tb ? k : n;
        addon!.sgemmBatched(ta, tb, m, n, k, 1, a, lda, m * k, b, ldb, sharedB ? 0 : k * n, 0, c, n, m * n, batch);
        for (let i = 0; i < batch; i++) {
          const want = refGemm({ ta, tb, m, n, k, alpha: 1, beta: 0, lda, ldb, ldc: n }, a.subarray(i * m * k), b.subarray(sharedB ? 0 : i * k * n), new Float32Array(m * n));
          want.forEach((v, j) => assert.ok(Math.abs(c[i * m * n + j]! - v) <= 1e-5 * (1 + Math.sqrt(k)) * (1 + Math.abs(v)), `batch ${i} element ${j}`));
        }
      }
    }
  });

  test('cblasSgemm calls OpenBLAS directly, or says how to get it', () => {
    const info = addon!.info();
    const a = Float32Array.of(1, 2, 3, 4), b = Float32Array.of(5, 6, 7, 8), c = new Float32Array(4);
    if (info.blas === 'openblas') {
      addon!.cblasSgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2);
      assert.deepEqual([...c], [19, 22, 43, 50]);
    } else {
      assert.throws(() => addon!.cblasSgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), /no OpenBLAS.*libopenblas-dev/);
    }
  });

  test('two JS threads (worker_threads) can run kernels at once and get the same results', async () => {
    // The pool has one job slot; a second thread runs its kernels on itself meanwhile.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const m = require(workerData);
      const n = 200, a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i)), c = new Float32Array(n * n);
      const sums = [];
      for (let i = 0; i < 50; i++) { m.sgemmOwn(false, false, n, n, n, 1, a, n, a, n, 0, c, n); sums.push(c.reduce((s, v) => s + v, 0)); }
      parentPort.postMessage(sums);`;
    const worker = new Worker(code, { eval: true, workerData: nativeStatus().path });
    const fromWorker = new Promise<number[]>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    const n = 200, a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i)), c = new Float32Array(n * n);
    const mine: number[] = [];
    for (let i = 0; i < 50; i++) {
      addon!.sgemmOwn(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
      mine.push(c.reduce((s, v) => s + v, 0));
    }
    const theirs = await fromWorker;
    await worker.terminate();
    assert.ok(mine.every((v) => v === mine[0]) && theirs.every((v) => v === mine[0]), 'every product is identical');
  });

  test('argument errors name the function and the argument instead of touching memory', () => {
    const a = new Float32Array(4), b = new Float32Array(4), c = new Float32Array(3);
    assert.throws(() => addon!.sgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), /fathom_native\.sgemm: argument C has 3 elements, needs at least 4/);
    assert.throws(() => addon!.sgemm(false, false, 2, 2, 2, 1, a, 1, b, 2, 0, new Float32Array(4), 2), /lda = 1 is smaller than the row length 2/);
    assert.throws(() => addon!.sgemm(false, false, 2, 2, 2, 1, new Float64Array(4) as unknown as Float32Array, 2, b, 2, 0, new Float32Array(4), 2), /argument A must be a Float32Array/);
    assert.throws(() => addon!.sgemmBatched(false, false, 2, 2, 2, 1, a, 2, 0, b, 2, 0, 0, new Float32Array(8), 2, 0, 2), /strideC is smaller than one C matrix/);
  });
});
