// Training batches from one long token stream (documents already packed end to end), with a
// position that serialises to JSON so a resumed run draws exactly the batches it would have drawn.
//   random      nanoGPT's get_batch: each row starts at a uniform random offset in
//               [0, n - ctx - 1]; targets are the inputs shifted by one.
//   sequential  the stream cut into non-overlapping windows of ctx + 1 ids (consecutive windows
//               share their boundary id), visited in a seeded shuffled order that is reshuffled
//               every epoch; a batch may straddle two epochs.
import { Rng } from '../tensor/rng.js';
import { DataError } from './errors.js';

export type SamplerMode = 'random' | 'sequential';

export interface SamplerOptions {
  /** Rows per batch. */
  batch: number;
  /** Context length: ids per row. */
  ctx: number;
  /** Seed of the offsets (random) or of each epoch's order (sequential). */
  seed: number;
  /** Default 'random' (nanoGPT). */
  mode?: SamplerMode;
}

/** A JSON-serialisable sampler position. */
export interface SamplerState { [k: string]: unknown }

export interface Batch {
  /** [batch * ctx] input ids, row-major. */
  inputs: Int32Array;
  /** [batch * ctx] targets: the next id after each input. */
  targets: Int32Array;
}

const STATE_VERSION = 1;

/** FNV-1a over the ids, so a position is never restored onto a different token stream. */
function fingerprint(tokens: Int32Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < tokens.length; i++) h = Math.imul(h ^ tokens[i]!, 0x01000193);
  return `${tokens.length}:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

function checkPositiveInt(field: string, value: unknown, example: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new DataError(`BatchSampler: ${field} must be a positive whole number, got ${JSON.stringify(value)}`, `pass e.g. ${field}: ${example}`);
  }
  return value;
}

export class BatchSampler {
  readonly batch: number;
  readonly ctx: number;
  readonly seed: number;
  readonly mode: SamplerMode;
  private readonly tokens: Int32Array;
  private readonly windows: number;
  private fingerprintCache: string | undefined;
  private rng: Rng;
  private order: Int32Array | undefined;
  /** Batches drawn so far. */
  private step = 0;
  /** sequential: current epoch and the next index into its order. */
  private epoch = 0;
  private cursor = 0;

  constructor(tokens: Int32Array, opts: SamplerOptions) {
    if (!(tokens instanceof Int32Array)) throw new DataError('BatchSampler: tokens must be an Int32Array', 'pass the train or val split from prepareTokens');
    this.batch = checkPositiveInt('batch', opts.batch, 12);
    this.ctx = checkPositiveInt('ctx', opts.ctx, 64);
    if (typeof opts.seed !== 'number' || !Number.isSafeInteger(opts.seed) || opts.seed < 0) {
      throw new DataError(`BatchSampler: seed must be a non-negative whole number, got ${JSON.stringify(opts.seed)}`, 'pass e.g. seed: 1337');
    }
    this.seed = opts.seed;
    const mode = opts.mode ?? 'random';
    if (mode !== 'random' && mode !== 'sequential') {
      throw new DataError(`BatchSampler: mode "${String(mode)}" is not one of random, sequential`, 'pass mode: \'random\' (nanoGPT) or \'sequential\' (epochs of packed windows)');
    }
    this.mode = mode;
    if (tokens.length < this.ctx + 1) {
      throw new DataError(`BatchSampler: ${tokens.length} tokens are too few for ctx ${this.ctx} (a row needs ctx + 1 = ${this.ctx + 1})`, 'lower ctx, or use a larger corpus or a smaller valFraction');
    }
    this.tokens = tokens;
    this.windows = Math.floor((tokens.length - 1) / this.ctx);
    this.rng = new Rng(this.seed);
  }

  /** The order of window indices for one epoch: a function of (seed, epoch) alone. */
  private epochOrder(epoch: number): Int32Array {
    return new Rng(this.seed).derive(epoch).permutation(this.windows);
  }

  /** The next batch. */
  next(): Batch {
    const { batch, ctx, tokens } = this;
    const inputs = new Int32Array(batch * ctx);
    const targets = new Int32Array(batch * ctx);
    for (let r = 0; r < batch; r++) {
      let start: number;
      if (this.mode === 'random') {
        start = this.rng.int(tokens.length - ctx);
      } else {
        if (this.cursor >= this.windows) {
          this.epoch++;
          this.cursor = 0;
          this.order = undefined;
        }
        this.order ??= this.epochOrder(this.epoch);
        start = this.order[this.cursor++]! * ctx;
      }
      inputs.set(tokens.subarray(start, start + ctx), r * ctx);
      targets.set(tokens.subarray(start + 1, start + ctx + 1), r * ctx);
    }
    this.step++;
    return { inputs, targets };
  }

  /** Batches drawn so far, and (sequential) the epoch and fraction of it done. */
  progress(): { step: number; epoch: number; epochFraction: number } {
    return { step: this.step, epoch: this.epoch, epochFraction: this.mode === 'sequential' ? this.cursor / this.windows : 0 };
  }

  /** The position, as JSON-serialisable data. */
  state(): SamplerState {
    return {
      version: STATE_VERSION, mode: this.mode, batch: this.batch, ctx: this.ctx, seed: this.seed,
      tokens: (this.fingerprintCache ??= fingerprint(this.tokens)), step: this.step,
      ...(this.mode === 'random' ? { rng: this.rng.state() } : { epoch: this.epoch, cursor: this.cursor }),
    };
  }

  /** A sampler that continues exactly where the one that wrote `state` stopped. */
  static restore(tokens: Int32Array, state: SamplerState): BatchSampler {
    if (state === null || typeof state !== 'object') throw new DataError('BatchSampler.restore: state is not an object', 'pass the object saved from sampler.state()');
    if (state.version !== STATE_VERSION) {
      throw new DataError(`BatchSampler.restore: state version ${JSON.stringify(state.version)} is not ${STATE_VERSION}`, 'resume with the fathom version that wrote the checkpoint, or start a new run');
    }
    const sampler = new BatchSampler(tokens, {
      batch: state.batch as number, ctx: state.ctx as number, seed: state.seed as number, mode: state.mode as SamplerMode,
    });
    const fp = fingerprint(tokens);
    if (state.tokens !== fp) {
      throw new DataError(`BatchSampler.restore: the state was saved for token stream ${String(state.tokens)}, but these tokens are ${fp}`, 'resume with the same corpus, tokenizer and valFraction as the original run');
    }
    sampler.step = checkCount('step', state.step);
    if (sampler.mode === 'random') {
      sampler.rng = Rng.fromState(state.rng as number[]);
    } else {
      sampler.epoch = checkCount('epoch', state.epoch);
      sampler.cursor = checkCount('cursor', state.cursor);
      if (sampler.cursor > sampler.windows) {
        throw new DataError(`BatchSampler.restore: cursor ${sampler.cursor} is past the ${sampler.windows} windows of an epoch`, 'pass the object saved from sampler.state()');
      }
    }
    return sampler;
  }
}

function checkCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DataError(`BatchSampler.restore: state.${field} must be a non-negative whole number, got ${JSON.stringify(value)}`, 'pass the object saved from sampler.state()');
  }
  return value;
}
