// A seeded, splittable random number generator: xoshiro128** (Blackman & Vigna 2018) seeded
// through splitmix32, with uniform, normal (Box–Muller), truncated normal (rejection, bounds as
// torch.nn.init.trunc_normal_), Poisson (Knuth below 30, Hörmann's PTRS above), categorical and
// permutations. Pure 32-bit integer arithmetic, so a seed reproduces bit for bit everywhere.
import { FathomError, ShapeError } from '../errors.js';
import { IndexTensor } from './index-tensor.js';
import { fmtShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';
import { allocate } from './types.js';
import type { DType } from './types.js';

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** FNV-1a of a string, for string seeds and keys. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function lgamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

export interface SampleOptions { dtype?: DType }

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A generator from a seed (an integer up to 2^53, or a string). */
  constructor(seed: number | string = 0) {
    let lo: number, hi: number;
    if (typeof seed === 'string') {
      lo = hashString(seed);
      hi = hashString(`${seed}\u0000`);
    } else {
      if (!Number.isSafeInteger(seed)) throw new FathomError(`Rng: seed ${seed} is not a safe integer`, 'use an integer seed below 2^53, or a string');
      lo = seed >>> 0;
      hi = Math.floor(seed / 4294967296) >>> 0;
    }
    this.s0 = splitmix32(lo);
    this.s1 = splitmix32(this.s0 ^ hi);
    this.s2 = splitmix32(this.s1 + 0x632be5ab);
    this.s3 = splitmix32(this.s2 ^ 0x85157af5);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The generator state (four uint32), for checkpoints. */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** A generator resumed from `state()`. */
  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new FathomError(`Rng.fromState: expected four uint32 values, got ${JSON.stringify(state)}`, 'pass the array returned by rng.state()');
    }
    const r = new Rng(0);
    [r.s0, r.s1, r.s2, r.s3] = state as [number, number, number, number];
    return r;
  }

  /** The next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5, b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A new independent generator; advances this one. */
  split(): Rng {
    return this.derive(this.nextUint32());
  }

  /** A generator determined by this one's current state and `key` (does not advance this one). */
  derive(key: number | string): Rng {
    const k = typeof key === 'string' ? hashString(key) : key >>> 0;
    const r = new Rng(0);
    r.s0 = splitmix32(this.s0 ^ k);
    r.s1 = splitmix32(this.s1 ^ r.s0);
    r.s2 = splitmix32(this.s2 ^ r.s1);
    r.s3 = splitmix32(this.s3 ^ r.s2);
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) r.s0 = 1;
    return r;
  }

  /** An integer in [0, n) without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new FathomError(`Rng.int: bound ${n} is not an integer in [1, 2^32]`, 'pass a positive integer bound');
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A standard normal draw. */
  gaussian(): number {
    const u = 1 - this.next(); // (0, 1]
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** U[low, high) samples. */
  uniform(shape: readonly number[], low = 0, high = 1, options: SampleOptions = {}): Tensor {
    const data = allocate(options.dtype ?? 'float32', sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * this.next();
    return new Tensor(data, [...shape]);
  }

  /** N(mean, std²) samples (Box–Muller, both values of each pair used). */
  normal(shape: readonly number[], mean = 0, std = 1, options: SampleOptions = {}): Tensor {
    const data = allocate(options.dtype ?? 'float32', sizeOf(shape));
    for (let i = 0; i < data.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - this.next()));
      const th = 2 * Math.PI * this.next();
      data[i] = mean + std * r * Math.cos(th);
      if (i + 1 < data.length) data[i + 1] = mean + std * r * Math.sin(th);
    }
    return new Tensor(data, [...shape]);
  }

  /** N(mean, std²) conditioned on [a, b] (absolute bounds, as torch.nn.init.trunc_normal_), by rejection. */
  truncatedNormal(shape: readonly number[], mean = 0, std = 1, a = -2, b = 2, options: SampleOptions = {}): Tensor {
    if (!(a < b)) throw new FathomError(`truncatedNormal: bounds [${a}, ${b}] are empty`, 'pass a < b');
    const lo = (a - mean) / std, hi = (b - mean) / std;
    if (lo > 5 || hi < -5) throw new FathomError(`truncatedNormal: bounds [${a}, ${b}] lie more than 5 std from the mean`, 'rejection would be too slow; widen the bounds');
    const data = allocate(options.dtype ?? 'float32', sizeOf(shape));
    for (let i = 0; i < data.length; i++) {
      let z: number;
      do z = this.gaussian(); while (z < lo || z > hi);
      data[i] = mean + std * z;
    }
    return new Tensor(data, [...shape]);
  }

  /** One Poisson(λ) draw. */
  poissonSample(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new FathomError(`poisson: rate ${lambda} is not a finite non-negative number`, 'pass λ ≥ 0');
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const L = Math.exp(-lambda);
      let k = 0, p = 1;
      for (;;) {
        p *= this.next();
        if (p <= L) return k;
        k++;
      }
    }
    // PTRS: transformed rejection with squeeze (Hörmann 1993).
    const slam = Math.sqrt(lambda), loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5, v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1)) return k;
    }
  }

  /** Poisson(λ) counts as floats. */
  poisson(shape: readonly number[], lambda: number, options: SampleOptions = {}): Tensor {
    const data = allocate(options.dtype ?? 'float32', sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.poissonSample(lambda);
    return new Tensor(data, [...shape]);
  }

  /**
   * One class per row of `probs` [..., K] (non-negative, need not sum to 1; pass `{ logits: true }`
   * for unnormalised log-probabilities) → IndexTensor [...].
   */
  categorical(probs: Tensor, options: { logits?: boolean } = {}): IndexTensor {
    if (probs.ndim < 1) throw new ShapeError(`categorical: probabilities ${fmtShape(probs.shape)} need a class axis`, 'pass [..., K]');
    const K = probs.shape[probs.ndim - 1]!;
    const rows = K === 0 ? 0 : probs.size / K;
    const out = new Int32Array(rows);
    const w = new Float64Array(K);
    for (let r = 0; r < rows; r++) {
      let total = 0;
      let m = -Infinity;
      if (options.logits) for (let c = 0; c < K; c++) m = Math.max(m, probs.data[r * K + c]!);
      for (let c = 0; c < K; c++) {
        const p = probs.data[r * K + c]!;
        const wc = options.logits ? Math.exp(p - m) : p;
        if (!(wc >= 0)) throw new FathomError(`categorical: weight ${p} in row ${r} is negative or NaN`, 'pass non-negative probabilities, or { logits: true }');
        w[c] = wc;
        total += wc;
      }
      if (!(total > 0)) throw new FathomError(`categorical: row ${r} has no probability mass`, 'each row needs a positive entry');
      let u = this.next() * total;
      let c = 0;
      for (; c < K - 1; c++) {
        u -= w[c]!;
        if (u < 0) break;
      }
      while (w[c] === 0 && c > 0) c--; // rounding at the end never picks a zero-weight class
      out[r] = c;
    }
    return new IndexTensor(out, probs.shape.slice(0, -1));
  }

  /** A random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** 1/(1−p)-scaled keep mask with P(keep) = 1 − p (for dropout). */
  dropoutMask(shape: readonly number[], p: number, dtype: DType = 'float32'): Tensor {
    const data = allocate(dtype, sizeOf(shape));
    const scale = 1 / (1 - p);
    // Compare 32-bit draws against an integer threshold: one draw per element.
    const threshold = Math.floor(p * 4294967296);
    for (let i = 0; i < data.length; i++) data[i] = this.nextUint32() >= threshold ? scale : 0;
    return new Tensor(data, [...shape]);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
