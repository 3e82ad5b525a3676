// The fused attention kernels (attentionForward/attentionBackward) against a plain double-
// precision implementation: causal and not, the KV-cache path (fewer queries than keys, with an
// offset), grouped-query heads, additive masks (broadcast over batch/heads, with -inf entries and
// fully masked rows), head sizes that are not multiples of 8, sequences long enough for several
// query blocks, q/k/v read in place from a fused [B, T, 3, H, D] projection, both kernel tables
// and 1 or 2 threads. Tolerance: |got − want| ≤ 2e-5·(1 + |want|) (float32 GEMMs over T and D).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeAddon } from '../../src/tensor/native/index.js';

const addon = nativeAddon();
const skip = addon ? false : 'native addon not built: run `node scripts/build-native.mjs` (needs g++, make, python3; libopenblas-dev for OpenBLAS)';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 * 2 - 1;
  };
}

interface Geo { B: number; H: number; Hkv: number; Tq: number; Tk: number; D: number; causal: boolean; offset: number; scale: number }
type S3 = [number, number, number];
interface Layout { q: S3; k: S3; v: S3; o: S3; mask: S3 }

function dense(g: Geo): Layout {
  const q: S3 = [g.H * g.Tq * g.D, g.Tq * g.D, g.D], kv: S3 = [g.Hkv * g.Tk * g.D, g.Tk * g.D, g.D];
  return { q, k: kv, v: kv, o: q, mask: [0, 0, g.Tk] };
}

const at = (s: S3, b: number, h: number, t: number) => b * s[0] + h * s[1] + t * s[2];

/** Forward and backward in double precision, straight from the definitions. */
function reference(g: Geo, L: Layout, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, go: Float32Array) {
  const out = new Float64Array(g.B * g.H * g.Tq * g.D), lse = new Float64Array(g.B * g.H * g.Tq);
  const dq = new Float64Array(g.B * g.H * g.Tq * g.D), dk = new Float64Array(g.B * g.Hkv * g.Tk * g.D), dv = new Float64Array(dk.length);
  const group = g.H / g.Hkv;
  for (let b = 0; b < g.B; b++) for (let h = 0; h < g.H; h++) {
    const hk = Math.floor(h / group);
    for (let i = 0; i < g.Tq; i++) {
      const s = new Float64Array(g.Tk).fill(-Infinity);
      for (let j = 0; j < g.Tk; j++) {
        if (g.causal && j > i + g.offset) continue;
        let d = 0;
        for (let c = 0; c < g.D; c++) d += q[at(L.q, b, h, i) + c]! * k[at(L.k, b, hk, j) + c]!;
        s[j] = d * g.scale + (mask ? mask[at(L.mask, b, h, i) + j]! : 0);
      }
      const m = Math.max(...s);
      const row = (b * g.H + h) * g.Tq + i;
      if (m === -Infinity) { lse[row] = -Infinity; continue; }
      let sum = 0;
      for (let j = 0; j < g.Tk; j++) sum += Math.exp(s[j]! - m);
      lse[row] = m + Math.log(sum);
      const p = Array.from(s, (x) => Math.exp(x - lse[row]!));
      const oi = row * g.D;
      for (let j = 0; j < g.Tk; j++) for (let c = 0; c < g.D; c++) out[oi + c] = out[oi + c]! + p[j]! * v[at(L.v, b, hk, j) + c]!;
      const dp = p.map((_, j) => { let d = 0; for (let c = 0; c < g.D; c++) d += go[oi + c]! * v[at(L.v, b, hk, j) + c]!; return d; });
      const di = p.reduce((acc, pj, j) => acc + pj * dp[j]!, 0);
      for (let j = 0; j < g.Tk; j++) {
        const ds = p[j]! * (dp[j]! - di) * g.scale;
        const kj = ((b * g.Hkv + hk) * g.Tk + j) * g.D;
        for (let c = 0; c < g.D; c++) {
          dv[kj + c] = dv[kj + c]! + p[j]! * go[oi + c]!;
          dq[oi + c] = dq[oi + c]! + ds * k[at(L.k, b, hk, j) + c]!;
          dk[kj + c] = dk[kj + c]! + ds * q[at(L.q, b, h, i) + c]!;
        }
      }
    }
  }
  return { out, lse, dq, dk, dv };
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!Number.isFinite(w)) assert.equal(g, w, `${what}[${i}]`);
    else assert.ok(Math.abs(g - w) <= 2e-5 * (1 + Math.abs(w)), `${what}[${i}] = ${g}, expected ${w}`);
  }
}

function strides(L: Layout, out: S3): Float64Array {
  // q, k, v, mask, out (and gOut), gq, gk, gv — gradients are dense.
  return Float64Array.from([...L.q, ...L.k, ...L.v, ...L.mask, ...out, ...out, ...L.k, ...L.v]);
}

function run(g: Geo, seed: number, options: { mask?: 'none' | '2d' | '4d'; fused?: boolean } = {}): void {
  const r = rng(seed);
  const rand = (n: number) => Float32Array.from({ length: n }, () => r());
  let L = dense(g);
  let q: Float32Array, k: Float32Array, v: Float32Array;
  if (options.fused) {
    // One [B, T, 3, H, D] projection; q, k, v are strided views of it (Tq = Tk, H = Hkv).
    const qkv = rand(g.B * g.Tq * 3 * g.H * g.D);
    const s: S3 = [g.Tq * 3 * g.H * g.D, g.D, 3 * g.H * g.D];
    L = { ...L, q: s, k: s, v: s };
    q = qkv;
    k = qkv.subarray(g.H * g.D);
    v = qkv.subarray(2 * g.H * g.D);
  } else {
    q = rand(g.B * g.H * g.Tq * g.D);
    k = rand(g.B * g.Hkv * g.Tk * g.D);
    v = rand(g.B * g.Hkv * g.Tk * g.D);
  }
  let mask: Float32Array | null = null;
  if (options.mask === '2d' || options.mask === '4d') {
    const per = g.Tq * g.Tk;
    mask = Float32Array.from({ length: options.mask === '2d' ? per : g.H * per }, () => (r() < -0.8 ? -Infinity : r()));
    if (options.mask === '2d') for (let j = 0; j < g.Tk; j++) mask[j] = -Infinity; // row 0 fully masked
    L = { ...L, mask: options.mask === '2d' ? [0, 0, g.Tk] : [0, per, g.Tk] };
  }
  const o: S3 = [g.H * g.Tq * g.D, g.Tq * g.D, g.D];
  const dims = Float64Array.of(g.B, g.H, g.Hkv, g.Tq, g.Tk, g.D, g.D, g.offset, g.causal ? 1 : 0, g.scale);
  const out = new Float32Array(g.B * g.H * g.Tq * g.D), lse = new Float32Array(g.B * g.H * g.Tq);
  addon!.attentionForward(q, k, v, mask, out, lse, dims, strides(L, o));
  const go = rand(out.length);
  const want = reference(g, L, q, k, v, mask, go);
  const what = JSON.stringify({ ...g, ...options });
  close(out, want.out, `out ${what}`);
  close(lse, want.lse, `lse ${what}`);
  const dq = new Float32Array(out.length), dk = new Float32Array(g.B * g.Hkv * g.Tk * g.D), dv = new Float32Array(dk.length);
  const dense3: S3 = [g.Hkv * g.Tk * g.D, g.Tk * g.D, g.D];
  addon!.attentionBackward(q, k, v, mask, lse, go, dq, dk, dv, dims, Float64Array.from([...L.q, ...L.k, ...L.v, ...L.mask, ...o, ...o, ...dense3, ...dense3]));
  close(dq, want.dq, `dq ${what}`);
  close(dk, want.dk, `dk ${what}`);
  close(dv, want.dv, `dv ${what}`);
}

describe('native attention vs plain JS', { skip }, () => {
  after(() => {
    addon?.setIsa('avx2');
    addon?.setThreads(2);
  });

  for (const isa of ['avx2', 'scalar'] as const) {
    for (const threads of [1, 2]) {
      test(`causal, non-causal, KV cache, GQA, masks, long rows, fused layout (${isa}, ${threads} threads)`, () => {
        addon!.setIsa(isa);
        addon!.setThreads(threads);
        const base = { B: 2, H: 4, Hkv: 4, causal: true, scale: 0.25 };
        run({ ...base, Tq: 37, Tk: 37, D: 32, offset: 0 }, 1);
        run({ ...base, Tq: 37, Tk: 37, D: 20, offset: 0, causal: false }, 2);
        run({ ...base, Tq: 5, Tk: 40, D: 16, offset: 35 }, 3); // KV cache: the last 5 positions
        run({ ...base, Tq: 1, Tk: 9, D: 8, offset: 8 }, 4); // one-token decode
        run({ ...base, H: 4, Hkv: 2, Tq: 33, Tk: 33, D: 12, offset: 0 }, 5); // grouped-query
        run({ ...base, Tq: 20, Tk: 24, D: 8, offset: 4 }, 6, { mask: '2d' });
        run({ ...base, Tq: 20, Tk: 20, D: 8, offset: 0, causal: false }, 7, { mask: '4d' });
        run({ ...base, B: 2, H: 2, Hkv: 2, Tq: 19, Tk: 19, D: 24, offset: 0 }, 8, { fused: true });
        run({ B: 1, H: 1, Hkv: 1, Tq: 300, Tk: 300, D: 36, offset: 0, causal: true, scale: 1 / 6 }, 9); // several query blocks
        run({ B: 1, H: 2, Hkv: 1, Tq: 3, Tk: 2100, D: 8, offset: 2097, causal: true, scale: 0.3 }, 10); // long keys: small blocks
      });
    }
  }

  test('shape errors are caught before any memory is touched', () => {
    const x = new Float32Array(16);
    const dims = Float64Array.of(1, 3, 2, 2, 2, 4, 4, 0, 1, 0.5);
    assert.throws(() => addon!.attentionForward(x, x, x, null, x, null, dims, new Float64Array(24)), /need batch ≥ 0, hq ≥ 1, hkv ≥ 1 dividing hq/);
    const ok = Float64Array.of(1, 1, 1, 4, 4, 4, 4, 0, 1, 0.5);
    const s = Float64Array.from([16, 16, 4, 16, 16, 4, 16, 16, 4, 0, 0, 4, 16, 16, 4, 16, 16, 4, 16, 16, 4, 16, 16, 4]);
    assert.throws(() => addon!.attentionForward(x, x, new Float32Array(8), null, x, null, ok, s), /argument v has 8 elements, needs at least 16/);
  });
});
