// Weight averaging along the training trajectory (Ajroldi et al. 2025, "When, where and why to
// average weights?", shared/papers/09-weight-averaging.md). Averagers live outside the optimizer:
// they read the raw flat weights after an optimizer step and keep their own average, which can
// be evaluated (swapped in for a moment) or saved as its own checkpoint while training continues
// from the raw weights. One registry: ema, lawa, swa.
import { FathomError } from '../../errors.js';
import { Registry } from '../../registry.js';
import type { FloatArray } from '../../tensor/index.js';
import { decodeArray, encodeArray } from '../serialize.js';
import type { EncodedArray } from '../serialize.js';

export interface AveragerState {
  name: string;
  /** Scalars (counts, steps). */
  meta: Record<string, number>;
  /** Float buffers (the average, or LAWA's queue). */
  buffers: FloatArray[];
}

export interface Averager {
  /** Registry name, e.g. 'ema'; used in metric names (val_loss_ema). */
  readonly name: string;
  /** Called after optimizer step `step` (1-based) with the raw weights. */
  update(step: number, weights: FloatArray): void;
  /** The averaged weights, or null before the first update. A fresh array. */
  average(): Float32Array | null;
  state(): AveragerState;
  loadState(state: AveragerState): void;
}

export interface AveragerSpec {
  name: string;
  summary: string;
  create(options: Record<string, number>, size: number): Averager;
}

const registry = new Registry<AveragerSpec>('optim: averager', (s) => s.name);

export function registerAverager(spec: AveragerSpec): void {
  registry.register(spec);
}

export function registeredAveragers(): AveragerSpec[] {
  return registry.all();
}

export function createAverager(name: string, options: Record<string, number>, size: number): Averager {
  const spec = registry.get(name, (_, names, guess) => new FathomError(`averager '${name}' is not registered (known: ${names.join(', ')})`, guess ? `did you mean '${guess}'?` : `use one of ${names.join(', ')}`));
  return spec.create(options, size);
}

export function checkEvery(op: string, every: number): void {
  if (!Number.isInteger(every) || every < 1) throw new FathomError(`${op}: every = ${every} is not a whole number ≥ 1`, 'update every ν ≥ 1 steps (the paper: 64–128)');
}

export function checkSize(op: string, expected: number, got: number): void {
  if (expected !== got) throw new FathomError(`${op}: got ${got} weights but the average holds ${expected}`, 'average the weights of one model only');
}

export interface EncodedAveragerState {
  name: string;
  meta: Record<string, number>;
  buffers: EncodedArray[];
}

export function encodeAveragerState(s: AveragerState): EncodedAveragerState {
  return { name: s.name, meta: s.meta, buffers: s.buffers.map(encodeArray) };
}

export function decodeAveragerState(e: EncodedAveragerState): AveragerState {
  return { name: e.name, meta: e.meta, buffers: e.buffers.map((b, i) => decodeArray(b, `averager '${e.name}' buffer ${i}`)) };
}

export function checkStateName(op: string, expected: string, got: string): void {
  if (expected !== got) throw new FathomError(`${op}.loadState: the state was saved by averager '${got}'`, `load it into a '${got}' averager`);
}
