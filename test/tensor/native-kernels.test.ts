// Each C++ kernel of the native addon (except GEMM and attention, tested in their own files)
// against a straightforward double-precision JS implementation, on the AVX2 and the scalar
// kernel tables and with 1 and 2 threads (sizes above the 16 384-element parallel threshold are
// included). Tolerances, as |got − want| ≤ tol·(1 + |want|):
//   exact ops (add, sub, mul, div, max, permute, where, embedding, relu, neg, abs, sqrt):  1e-6
//   exp, log, tanh, sigmoid, silu, gelu (tanh/erf) and their backward: 2e-6 (polynomial approximations, ≈ 2 ulp)
//   row reductions (sum, mean, norms, softmax, log-softmax, cross-entropy, logsumexp, AdamW):  1e-5
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeAddon } from '../../src/tensor/native/index.js';
import { BinaryOp, REDUCE_OP_COUNT, ReduceOp, UNARY_OP_COUNT, UnaryOp, BINARY_OP_COUNT } from '../../src/tensor/native/ops.js';

const addon = nativeAddon();
const skip = addon ? false : 'native addon not built: run `node scripts/build-native.mjs` (needs g++, make, python3; libopenblas-dev for OpenBLAS)';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 * 2 - 1;
  };
}
const randn = (n: number, r: () => number, scale = 2): Float32Array => Float32Array.from({ length: n }, () => r() * scale);

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${what}[${i}] = ${g}, expected NaN`);
    else if (!Number.isFinite(w)) assert.equal(g, w, `${what}[${i}]`);
    else assert.ok(Math.abs(g - w) <= tol * (1 + Math.abs(w)), `${what}[${i}] = ${g}, expected ${w}`);
  }
}

const erf = (x: number): number => {
  // Abramowitz–Stegun 7.1.26 is too coarse for a reference; integrate the series instead.
  let sum = x, term = x;
  if (Math.abs(x) > 4) return Math.sign(x);
  for (let n = 1; n < 100; n++) {
    term *= -x * x / n;
    sum += term / (2 * n + 1);
  }
  return 2 / Math.sqrt(Math.PI) * sum;
};
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const C = Math.sqrt(2 / Math.PI);

// [forward, derivative] per unary op, in double precision.
const UNARY: Record<string, [(x: number) => number, (x: number) => number, 'any' | 'positive']> = {
  neg: [(x) => -x, () => -1, 'any'],
  exp: [Math.exp, Math.exp, 'any'],
  log: [Math.log, (x) => 1 / x, 'positive'],
  sqrt: [Math.sqrt, (x) => 0.5 / Math.sqrt(x), 'positive'],
  rsqrt: [(x) => 1 / Math.sqrt(x), (x) => -0.5 * Math.pow(x, -1.5), 'positive'],
  abs: [Math.abs, (x) => Math.sign(x), 'any'],
  tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2, 'any'],
  sigmoid: [sig, (x) => sig(x) * (1 - sig(x)), 'any'],
  relu: [(x) => (x > 0 ? x : 0), (x) => (x > 0 ? 1 : 0), 'any'],
  geluTanh: [(x) => 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x ** 3))), (x) => {
    const t = Math.tanh(C * (x + 0.044715 * x ** 3));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x);
  }, 'any'],
  geluErf: [(x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), 'any'],
  silu: [(x) => x * sig(x), (x) => sig(x) * (1 + x * (1 - sig(x))), 'any'],
  square: [(x) => x * x, (x) => 2 * x, 'any'],
  reciprocal: [(x) => 1 / x, (x) => -1 / (x * x), 'positive'],
};

describe('native kernels vs plain JS', { skip }, () => {
  after(() => {
    addon?.setIsa('avx2');
    addon?.setThreads(2);
  });

  test('op codes mirror the C++ enums', () => {
    const codes = addon!.opCodes();
    assert.equal(codes.binaryCount, BINARY_OP_COUNT);
    assert.equal(codes.unaryCount, UNARY_OP_COUNT);
    assert.equal(codes.reduceCount, REDUCE_OP_COUNT);
    assert.equal(codes.geluErf, UnaryOp.geluErf);
    assert.equal(codes.cos, UnaryOp.cos);
    assert.equal(codes.gt, BinaryOp.gt);
    assert.equal(codes.min, ReduceOp.min);
  });

  for (const isa of ['avx2', 'scalar'] as const) {
    for (const threads of [1, 2]) {
      const label = `${isa}, ${threads} thread${threads > 1 ? 's' : ''}`;
      const setup = () => {
        addon!.setIsa(isa);
        addon!.setThreads(threads);
      };

      test(`unary ops and their backward (${label})`, () => {
        setup();
        const r = rng(10);
        for (const [name, [f, df, domain]] of Object.entries(UNARY)) {
          const n = 40000 + 3; // parallel path plus a vector tail
          const x = Float32Array.from({ length: n }, () => (domain === 'positive' ? 0.05 + 3 * Math.abs(r()) : r() * 6));
          const op = UnaryOp[name as keyof typeof UnaryOp];
          const y = new Float32Array(n);
          addon!.unary(op, x, y, 0);
          const tol = ['neg', 'abs', 'relu', 'sqrt', 'square'].includes(name) ? 1e-6 : 2e-6;
          close(y, Array.from(x, f), tol, `${name} forward`);
          const gy = randn(n, r, 1), gx = new Float32Array(n);
          addon!.unaryBackward(op, x, y, gy, gx, 0);
          close(gx, Array.from(x, (v, i) => gy[i]! * df(v)), 4e-6, `${name} backward`);
        }
      });

      test(`binary ops with broadcasts: same shape, scalar, bias row, column, 3-D (${label})`, () => {
        setup();
        const r = rng(11);
        const cases: [number[], number[], number[]][] = [[[300, 257], [300, 257], [300, 257]], [[300, 257], [1], [300, 257]], [[300, 257], [257], [300, 257]], [[300, 257], [300, 1], [300, 257]], [[7, 300, 33], [7, 1, 33], [7, 300, 33]], [[1], [5000], [5000]]];
        for (const [sa, sb, so] of cases) {
          const spec = specOf(so, [sa, sb]);
          const a = randn(prod(sa), r), b = randn(prod(sb), r);
          for (const [name, f] of [['add', (u: number, v: number) => u + v], ['sub', (u: number, v: number) => u - v], ['mul', (u: number, v: number) => u * v], ['div', (u: number, v: number) => u / v], ['maximum', Math.max], ['gt', (u: number, v: number) => (u > v ? 1 : 0)]] as const) {
            const out = new Float32Array(prod(so));
            addon!.binary(BinaryOp[name], a, b, out, spec);
            const want = Array.from({ length: out.length }, (_, i) => Math.fround(f(a[bIndex(i, so, sa)]!, b[bIndex(i, so, sb)]!)));
            close(out, want, 1e-6, `${name} ${JSON.stringify([sa, sb])}`);
          }
        }
      });

      test(`where, permute, reductions, argmax, sumSquares (${label})`, () => {
        setup();
        const r = rng(12);
        const [R, Cc] = [333, 129];
        const x = randn(R * Cc, r);
        const cond = Float32Array.from({ length: Cc }, (_, i) => i % 3);
        const out = new Float32Array(R * Cc);
        addon!.where(cond, x, Float32Array.of(-7), out, specOf([R, Cc], [[R, Cc], [1], [Cc]]));
        close(out, Array.from(x, (v, i) => (cond[i % Cc] !== 0 ? v : -7)), 0, 'where');

        const shape = [6, 35, 4, 50];
        const t = randn(prod(shape), r);
        const perm = [2, 0, 3, 1];
        const p = new Float32Array(t.length);
        addon!.permute(t, p, Float64Array.from(shape), Int32Array.from(perm));
        const st = [35 * 4 * 50, 4 * 50, 50, 1];
        const ps = perm.map((d) => shape[d]!);
        close(p, Array.from(p, (_, i) => {
          let rem = i, off = 0;
          for (let d = 3; d >= 0; d--) { off += (rem % ps[d]!) * st[perm[d]!]!; rem = Math.floor(rem / ps[d]!); }
          return t[off]!;
        }), 0, 'permute');

        // copyStrided: a [5, 7] window at (2, 3) of a [9, 12] matrix, into a padded [5, 8] buffer; fill.
        const src = randn(9 * 12, r), dst = new Float32Array(5 * 8 + 1).fill(-1);
        addon!.copyStrided(src, 2 * 12 + 3, dst, 1, Float64Array.of(5, 7), Float64Array.of(12, 1), Float64Array.of(8, 1));
        close(dst, Array.from(dst, (_, q) => (q === 0 || (q - 1) % 8 === 7 ? -1 : src[(2 + Math.floor((q - 1) / 8)) * 12 + 3 + ((q - 1) % 8)]!)), 0, 'copyStrided');
        const big = new Float32Array(70001);
        addon!.fill(big, 2.5);
        assert.ok(big.every((v) => v === 2.5));
        assert.throws(() => addon!.copyStrided(src, 60, dst, 0, Float64Array.of(5, 7), Float64Array.of(12, 1), Float64Array.of(8, 1)), /copyStrided: argument src has 108 elements, needs at least 115/);

        for (const [outer, mid, inner] of [[1, 2048, 768], [333, 129, 1], [5, 1000, 7], [3, 0, 4]] as const) {
          const v = randn(outer * mid * inner, r);
          for (const [name, op] of Object.entries(ReduceOp)) {
            const o = new Float32Array(outer * inner);
            addon!.reduce(op, v, o, outer, mid, inner);
            const want = Array.from({ length: outer * inner }, (_, q) => {
              const oo = Math.floor(q / inner), ii = q % inner;
              let acc = name === 'max' ? -Infinity : name === 'min' ? Infinity : 0;
              for (let j = 0; j < mid; j++) {
                const e = v[(oo * mid + j) * inner + ii]!;
                acc = name === 'max' ? Math.max(acc, e) : name === 'min' ? Math.min(acc, e) : acc + e;
              }
              return name === 'mean' ? acc / mid : acc;
            });
            close(o, want, 1e-5, `${name} over [${outer},${mid},${inner}]`);
          }
        }
        const am = new Float32Array(R);
        addon!.argmax(x, am, R, Cc, 1);
        am.forEach((idx, row) => assert.equal(idx, Array.from(x.subarray(row * Cc, (row + 1) * Cc)).reduce((bi, v, i, arr) => (v > arr[bi]! ? i : bi), 0)));
        const ss = Array.from(x).reduce((s, v) => s + v * v, 0);
        assert.ok(Math.abs(addon!.sumSquares(x) - ss) <= 1e-6 * ss);
      });

      test(`layerNorm and rmsNorm forward and backward (${label})`, () => {
        setup();
        const r = rng(13);
        for (const [rows, c] of [[2048, 256], [37, 5], [3, 1000]] as const) {
          const x = randn(rows * c, r), w = Float32Array.from({ length: c }, () => 1 + 0.5 * r()), b = randn(c, r), gy = randn(rows * c, r);
          const y = new Float32Array(rows * c), mean = new Float32Array(rows), rstd = new Float32Array(rows);
          addon!.layerNormForward(x, w, b, y, mean, rstd, rows, c, 1e-5);
          const ref = normRef(x, w, b, gy, rows, c, true);
          close(y, ref.y, 1e-5, 'layerNorm y');
          close(rstd, ref.rstd, 1e-5, 'layerNorm rstd');
          const gx = new Float32Array(rows * c), gw = new Float32Array(c), gb = new Float32Array(c);
          addon!.layerNormBackward(x, w, mean, rstd, gy, gx, gw, gb, rows, c);
          close(gx, ref.gx, 1e-5, 'layerNorm dx');
          close(gw, ref.gw, 1e-5 * Math.sqrt(rows), 'layerNorm dweight');
          close(gb, ref.gb, 1e-5 * Math.sqrt(rows), 'layerNorm dbias');

          const ry = new Float32Array(rows * c), rr = new Float32Array(rows);
          addon!.rmsNormForward(x, w, ry, rr, rows, c, 1e-5);
          const rref = normRef(x, w, null, gy, rows, c, false);
          close(ry, rref.y, 1e-5, 'rmsNorm y');
          const rgx = new Float32Array(rows * c), rgw = new Float32Array(c);
          addon!.rmsNormBackward(x, w, rr, gy, rgx, rgw, rows, c);
          close(rgx, rref.gx, 1e-5, 'rmsNorm dx');
          close(rgw, rref.gw, 1e-5 * Math.sqrt(rows), 'rmsNorm dweight');
        }
      });

      test(`softmax, log-softmax, logsumexp and fused cross-entropy (${label})`, () => {
        setup();
        const r = rng(14);
        for (const [rows, c] of [[2048, 256], [9, 3], [4, 5000]] as const) {
          const x = randn(rows * c, r, 4);
          x[3] = -Infinity; // a masked logit
          const gy = randn(rows * c, r);
          for (const log of [false, true]) {
            const y = new Float32Array(rows * c), gx = new Float32Array(rows * c);
            addon!.softmaxForward(x, y, rows, c, log);
            const ref = softmaxRef(x, gy, rows, c, log);
            close(y, ref.y, 1e-5, `${log ? 'log-' : ''}softmax`);
            addon!.softmaxBackward(y, gy, gx, rows, c, log);
            close(gx, ref.gx, 1e-5, `${log ? 'log-' : ''}softmax backward`);
          }
          const lse = new Float32Array(rows);
          addon!.logSumExp(x, lse, rows, c);
          close(lse, softmaxRef(x, gy, rows, c, true).lse, 1e-6, 'logsumexp');
          const targets = Int32Array.from({ length: rows }, (_, i) => (i % 7 === 3 ? -100 : Math.floor((r() + 1) / 2 * c) % c));
          const weights = Float32Array.from({ length: rows }, () => (r() + 1) / 2);
          const loss = new Float32Array(rows), lse2 = new Float32Array(rows), g = new Float32Array(rows * c);
          addon!.crossEntropyForward(x, targets, weights, -100, loss, lse2, rows, c);
          addon!.crossEntropyBackward(x, lse2, targets, weights, -100, 0.5, g, rows, c);
          const lseRef = softmaxRef(x, gy, rows, c, true).lse;
          const want = lseRef.map((l, i) => (targets[i] === -100 ? 0 : weights[i]! * (l - x[i * c + targets[i]!]!)));
          close(loss, want, 1e-5, 'cross-entropy loss');
          close(g, Array.from(g, (_, q) => {
            const i = Math.floor(q / c), j = q % c;
            if (targets[i] === -100) return 0;
            const p = Math.exp(x[q]! - lseRef[i]!);
            return 0.5 * weights[i]! * (p - (j === targets[i] ? 1 : 0));
          }), 1e-5, 'cross-entropy gradient');
        }
      });

      test(`rope (half and interleaved pairs, with offsets and heads), embedding, AdamW (${label})`, () => {
        setup();
        const r = rng(15);
        const [n, t, h, d, pos0] = [3, 40, 4, 32, 5];
        const half = d / 2;
        const cos = Float32Array.from({ length: (pos0 + t) * half }, (_, i) => Math.cos(i * 0.37));
        const sin = Float32Array.from({ length: (pos0 + t) * half }, (_, i) => Math.sin(i * 0.37));
        const x = randn(n * t * h * d, r);
        for (const interleaved of [false, true]) {
          const y = new Float32Array(x.length), back = new Float32Array(x.length);
          addon!.rope(x, cos, sin, y, n, t, h, d, pos0, interleaved, false);
          const want = Array.from(x, (_, q) => {
            const i = q % d, row = Math.floor(q / d), pos = pos0 + (Math.floor(row / h) % t);
            const pair = interleaved ? Math.floor(i / 2) : i % half;
            const [a, b, first] = interleaved ? [x[q - (i % 2)]!, x[q - (i % 2) + 1]!, i % 2 === 0] : [x[q - (i >= half ? half : 0)]!, x[q - (i >= half ? half : 0) + half]!, i < half];
            const cs = cos[pos * half + pair]!, sn = sin[pos * half + pair]!;
            return first ? a * cs - b * sn : b * cs + a * sn;
          });
          close(y, want, 1e-6, `rope ${interleaved ? 'interleaved' : 'half'}`);
          addon!.rope(y, cos, sin, back, n, t, h, d, pos0, interleaved, true);
          close(back, x, 1e-6, 'rope inverse');
        }

        const [V, Cc, N] = [50, 300, 600];
        const w = randn(V * Cc, r), ids = Int32Array.from({ length: N }, (_, i) => (i * 7) % V);
        const out = new Float32Array(N * Cc);
        addon!.embeddingForward(w, ids, out, N, Cc);
        close(out, Array.from(out, (_, q) => w[ids[Math.floor(q / Cc)]! * Cc + (q % Cc)]!), 0, 'embedding');
        const gout = randn(N * Cc, r), gw = new Float32Array(V * Cc);
        addon!.embeddingBackward(gout, ids, gw, N, Cc);
        const gwant = new Float64Array(V * Cc);
        for (let p = 0; p < N; p++) for (let j = 0; j < Cc; j++) gwant[ids[p]! * Cc + j] = gwant[ids[p]! * Cc + j]! + gout[p * Cc + j]!;
        close(gw, gwant, 1e-5, 'embedding backward');
        assert.throws(() => addon!.embeddingForward(w, Int32Array.of(V), new Float32Array(Cc), 1, Cc), /index 50 at position 0 is outside the table \(50 rows\)/);

        const P = 50003;
        const param = randn(P, r), grad = randn(P, r), m = randn(P, r, 0.1), v = Float32Array.from({ length: P }, () => Math.abs(r()) * 0.01);
        const [p0, m0, v0] = [param.slice(), m.slice(), v.slice()];
        const [lr, b1, b2, eps, wd, step] = [1e-3, 0.9, 0.95, 1e-8, 0.1, 7];
        addon!.adamw(param, grad, m, v, lr, b1, b2, eps, wd, 1 - b1 ** step, 1 - b2 ** step, 1);
        const want = Array.from(p0, (pv, i) => {
          const mi = b1 * m0[i]! + (1 - b1) * grad[i]!, vi = b2 * v0[i]! + (1 - b2) * grad[i]! ** 2;
          return pv * (1 - lr * wd) - (lr / (1 - b1 ** step)) * mi / (Math.sqrt(vi) / Math.sqrt(1 - b2 ** step) + eps);
        });
        close(param, want, 1e-5, 'AdamW param');
        close(m, Array.from(m0, (mv, i) => b1 * mv + (1 - b1) * grad[i]!), 1e-6, 'AdamW m');
      });
    }
  }

  test('argument errors throw instead of reading out of bounds', () => {
    const x = new Float32Array(10);
    assert.throws(() => addon!.layerNormForward(x, null, null, new Float32Array(10), null, null, 3, 4, 1e-5), /layerNormForward: argument x has 10 elements, needs at least 12/);
    assert.throws(() => addon!.unary(99, x, new Float32Array(10), 0), /unknown unary op 99/);
    assert.throws(() => addon!.permute(x, new Float32Array(10), Float64Array.of(2, 5), Int32Array.of(0, 0)), /perm must be a permutation/);
    assert.throws(() => addon!.rope(x, x, x, new Float32Array(10), 1, 1, 1, 3, 0, false, false), /d must be even/);
  });
});

// ---------------------------------------------------------------------------------------------
// Plain references

function prod(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

/** Index into an operand of shape `s` (right-aligned, broadcast) for flat output index i of shape `out`. */
function bIndex(i: number, out: readonly number[], s: readonly number[]): number {
  let rem = i, off = 0, stride = 1;
  for (let d = out.length - 1, e = s.length - 1; d >= 0; d--, e--) {
    const idx = rem % out[d]!;
    rem = Math.floor(rem / out[d]!);
    if (e >= 0) {
      if (s[e] !== 1) off += idx * stride;
      stride *= s[e]!;
    }
  }
  return off;
}

/** The Broadcast spec (see native/kernels.h) without collapsing dims: ≤ 4 dims, operands right-aligned. */
function specOf(out: readonly number[], operands: readonly (readonly number[])[]): Float64Array {
  const spec = new Float64Array(5 + 4 * operands.length);
  spec[0] = out.length;
  out.forEach((d, i) => (spec[1 + i] = d));
  operands.forEach((s, k) => {
    let stride = 1;
    for (let d = out.length - 1, e = s.length - 1; d >= 0; d--, e--) {
      const size = e >= 0 ? s[e]! : 1;
      spec[5 + 4 * k + d] = size === 1 ? 0 : stride;
      stride *= size;
    }
  });
  return spec;
}

function normRef(x: Float32Array, w: Float32Array, b: Float32Array | null, gy: Float32Array, rows: number, c: number, center: boolean) {
  const y = new Float64Array(rows * c), gx = new Float64Array(rows * c), gw = new Float64Array(c), gb = new Float64Array(c), rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let m = 0;
    if (center) { for (let j = 0; j < c; j++) m += x[o + j]!; m /= c; }
    let v = 0;
    for (let j = 0; j < c; j++) v += (x[o + j]! - m) ** 2;
    const s = 1 / Math.sqrt(v / c + 1e-5);
    rstd[r] = s;
    let d1 = 0, d2 = 0;
    for (let j = 0; j < c; j++) {
      const xh = (x[o + j]! - m) * s;
      y[o + j] = xh * w[j]! + (b ? b[j]! : 0);
      const dn = gy[o + j]! * w[j]!;
      d1 += dn; d2 += dn * xh;
      gw[j] = gw[j]! + gy[o + j]! * xh;
      gb[j] = gb[j]! + gy[o + j]!;
    }
    for (let j = 0; j < c; j++) {
      const xh = (x[o + j]! - m) * s;
      gx[o + j] = (gy[o + j]! * w[j]! - (center ? d1 / c : 0) - xh * d2 / c) * s;
    }
  }
  return { y, gx, gw, gb, rstd };
}

function softmaxRef(x: Float32Array, gy: Float32Array, rows: number, c: number, log: boolean) {
  const y = new Float64Array(rows * c), gx = new Float64Array(rows * c), lse = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, x[o + j]!);
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(x[o + j]! - m);
    lse[r] = m + Math.log(s);
    for (let j = 0; j < c; j++) y[o + j] = log ? x[o + j]! - lse[r]! : Math.exp(x[o + j]! - lse[r]!);
    let dot = 0;
    for (let j = 0; j < c; j++) dot += log ? gy[o + j]! : gy[o + j]! * Math.fround(y[o + j]!);
    for (let j = 0; j < c; j++) {
      const yf = Math.fround(y[o + j]!);
      gx[o + j] = log ? gy[o + j]! - Math.exp(yf) * dot : yf * (gy[o + j]! - dot);
    }
  }
  return { y, gx, lse };
}
