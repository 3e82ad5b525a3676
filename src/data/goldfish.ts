// The Goldfish loss mask (Hans et al. 2024, as used in AxoNN, arXiv:2502.08145; see
// ../shared/papers/08-axonn.md): a pseudorandom 1/k of target positions is left out of the
// next-token loss, so the model never sees every token of a passage and cannot reproduce it
// verbatim. The mask is a pure function of the target ids (and a seed), returned as per-position
// loss weights (1 kept, 0 dropped) for crossEntropy's `weights`.
//
// Strategies:
//   static         drop every k-th position: start, start + k, ... (start defaults to k-1, so the
//                  k-th, 2k-th, ... tokens; the reference's goldfish_start_position)
//   seeded-random  drop each position with probability 1/k, from a generator seeded by `seed`
//   hash-table     drop position i when table[(t[i-h+1] · … · t[i]) mod size] < 1/k, where table
//                  holds `size` uniforms drawn from `seed`; the first h-1 positions are never
//                  dropped. The decision depends only on the h ids ending at i, so a passage that
//                  repeats (in any document, at any offset ≥ h-1) is masked identically every time.
// The product is taken modulo the table size as it is accumulated, i.e. the exact product mod
// size. The reference (ahans30/goldfish-loss, lit_gpt/utils.py `apply_goldfish`) multiplies in
// int64, which wraps around for long contexts, and fills its table with torch.rand from seed
// 2971215073; fathom uses the same default seed with its own generator, so its masks match the
// reference in definition, not bit for bit.
import { Rng } from '../tensor/rng.js';
import { DataError } from './errors.js';

export type GoldfishStrategy = 'static' | 'seeded-random' | 'hash-table';
export const GOLDFISH_STRATEGIES: readonly GoldfishStrategy[] = ['static', 'seeded-random', 'hash-table'];

export interface GoldfishOptions {
  strategy: GoldfishStrategy;
  /** Drop rate 1/k; the paper uses k = 4. */
  k: number;
  /** hash-table: context width (ids hashed per decision); the paper uses h = 13. Default 13. */
  h?: number;
  /** seeded-random and hash-table: the generator seed. Default 2971215073 (the reference's). */
  seed?: number;
  /** static: the first dropped position. Default k - 1. */
  start?: number;
  /** hash-table: table size, a prime; the paper's is 1,000,003 (the default). */
  tableSize?: number;
}

export const GOLDFISH_DEFAULTS = { h: 13, seed: 2_971_215_073, tableSize: 1_000_003 } as const;

function checkInt(field: string, value: number, min: number, example: string): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new DataError(`goldfishMask: ${field} must be a whole number ≥ ${min}, got ${value}`, `pass e.g. ${field}: ${example}`);
  }
}

const tables = new Map<string, Float64Array>();

/** The hash table for (seed, size): `size` uniforms in [0, 1), built once and kept. */
export function goldfishTable(seed: number, size: number): Float64Array {
  const key = `${seed}:${size}`;
  let table = tables.get(key);
  if (!table) {
    const rng = new Rng(seed);
    table = new Float64Array(size);
    for (let i = 0; i < size; i++) table[i] = rng.next();
    tables.set(key, table);
  }
  return table;
}

/** The table index for the h ids ending at position i: their product modulo `size`. */
export function goldfishHash(tokens: ArrayLike<number>, i: number, h: number, size: number): number {
  let acc = 1;
  // acc < size and each factor < size, so every partial product is < size² ≤ 2^53: exact.
  for (let j = i - h + 1; j <= i; j++) acc = (acc * (tokens[j]! % size)) % size;
  return acc;
}

/** Per-position loss weights for a target sequence: 1 where the loss counts, 0 where it is dropped. */
export function goldfishMask(tokens: ArrayLike<number>, opts: GoldfishOptions): Float32Array {
  if (!(GOLDFISH_STRATEGIES as readonly string[]).includes(opts.strategy)) {
    throw new DataError(`goldfishMask: strategy "${String(opts.strategy)}" is not one of ${GOLDFISH_STRATEGIES.join(', ')}`, 'pass strategy: \'hash-table\' (the paper\'s choice)');
  }
  checkInt('k', opts.k, 2, '4');
  const n = tokens.length;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    if (!Number.isSafeInteger(t) || t < 0) {
      throw new DataError(`goldfishMask: token at position ${i} is ${t}, not a non-negative integer id`, 'pass the target ids of one sequence');
    }
  }
  const mask = new Float32Array(n).fill(1);
  const rate = 1 / opts.k;
  switch (opts.strategy) {
    case 'static': {
      const start = opts.start ?? opts.k - 1;
      checkInt('start', start, 0, String(opts.k - 1));
      for (let i = start; i < n; i += opts.k) mask[i] = 0;
      break;
    }
    case 'seeded-random': {
      const seed = opts.seed ?? GOLDFISH_DEFAULTS.seed;
      checkInt('seed', seed, 0, '0');
      const rng = new Rng(seed);
      for (let i = 0; i < n; i++) if (rng.next() < rate) mask[i] = 0;
      break;
    }
    case 'hash-table': {
      const h = opts.h ?? GOLDFISH_DEFAULTS.h;
      const seed = opts.seed ?? GOLDFISH_DEFAULTS.seed;
      const size = opts.tableSize ?? GOLDFISH_DEFAULTS.tableSize;
      checkInt('h', h, 1, '13');
      checkInt('seed', seed, 0, '0');
      checkInt('tableSize', size, 2, '1000003');
      if (size > 94_906_265) {
        throw new DataError(`goldfishMask: tableSize ${size} is too large for exact products (max 94906265)`, 'use the paper\'s 1000003');
      }
      const table = goldfishTable(seed, size);
      for (let i = h - 1; i < n; i++) if (table[goldfishHash(tokens, i, h, size)]! < rate) mask[i] = 0;
      break;
    }
  }
  return mask;
}

/**
 * The mask for a batch of target rows ([batch * ctx] ids, row-major), each row masked on its own
 * as in the paper. seeded-random would give every row the same positions under one seed, so row
 * r of step s uses a seed derived from (seed, step, r): independent rows, reproducible steps.
 */
export function goldfishBatchMask(targets: ArrayLike<number>, ctx: number, opts: GoldfishOptions & { step?: number }): Float32Array {
  checkInt('ctx', ctx, 1, '64');
  if (targets.length % ctx !== 0) {
    throw new DataError(`goldfishBatchMask: ${targets.length} targets are not a whole number of rows of ctx ${ctx}`, 'pass the [batch * ctx] targets of one batch');
  }
  const step = opts.step ?? 0;
  checkInt('step', step, 0, '0');
  const out = new Float32Array(targets.length);
  const ids = Array.from(targets);
  const base = new Rng(opts.seed ?? GOLDFISH_DEFAULTS.seed);
  const { step: _step, ...rest } = opts;
  for (let r = 0; r < targets.length / ctx; r++) {
    const row = ids.slice(r * ctx, (r + 1) * ctx);
    const seed = opts.strategy === 'seeded-random' ? base.derive(`${step}:${r}`).nextUint32() : opts.seed;
    out.set(goldfishMask(row, { ...rest, ...(seed !== undefined ? { seed } : {}) }), r * ctx);
  }
  return out;
}
