// Training checkpoints: the weights as safetensors (F32, the model config in the metadata, so a
// weights file alone can be evaluated) plus a JSON state — optimizer moments, averager states,
// sampler state (its RNG and position), step, elapsed time — that lets training continue bit for
// bit. Every file is written atomically (temp file, fsync, rename), and `latest.json` — a pointer
// to the newest complete state — is written last, so a crash at any moment leaves the previous
// checkpoint intact. Averaged weights are saved beside the raw ones as their own checkpoints.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { FathomError } from '../errors.js';
import type { Transformer, TransformerConfig } from '../models/index.js';
import type { EncodedAveragerState, EncodedOptimizerState } from '../optim/index.js';
import type { TrainConfig } from './config.js';
import { decodeSafetensors, encodeSafetensors, readSafetensors } from '../io/safetensors.js';
import type { SafetensorsFile } from '../io/safetensors.js';

export const CHECKPOINT_FORMAT = 'fathom-train-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  runId: string;
  /** Optimizer steps done. */
  step: number;
  totalSteps: number;
  config: TrainConfig;
  model: TransformerConfig;
  data: { source: string; vocabSize: number; trainTokens: number; valTokens: number };
  /** Weight file names (beside this state): raw, and one per averager that has an average. */
  weights: { raw: string; averaged: Record<string, string> };
  sha256: Record<string, string>;
  optimizer: EncodedOptimizerState;
  averagers: EncodedAveragerState[];
  sampler: Record<string, unknown>;
  /** Seconds of training before this checkpoint (all segments), and train tokens seen. */
  elapsed: number;
  tokensSeen: number;
}

/** Writes `bytes` to `path` atomically: a temp file in the same folder, fsync, rename. */
export function writeAtomic(path: string, bytes: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The safetensors bytes of a model's weights (or of `flat` values laid out like them). */
export function weightsFile(model: Transformer, metadata: Record<string, string>, values?: { flat: Float32Array; offsets: Map<string, number> }): Buffer {
  const named = model.namedParameters().map(([name, p]) => {
    const data = values ? values.flat.subarray(values.offsets.get(name)!, values.offsets.get(name)! + p.size) : p.data;
    if (!(data instanceof Float32Array)) throw new FathomError(`checkpoint: parameter '${name}' is ${p.dtype}`, 'train in float32 to save safetensors checkpoints');
    return [name, { shape: p.shape, data }] as const;
  });
  return encodeSafetensors(named, { metadata: { format: 'pt', 'fathom.model': JSON.stringify(model.config), ...metadata } });
}

export interface SaveInput {
  dir: string;
  state: Omit<CheckpointState, 'weights' | 'sha256'>;
  raw: Buffer;
  averaged: Record<string, Buffer>;
  keep: number;
}

/** Saves one checkpoint and prunes older ones; returns the path of its state file. */
export function saveCheckpoint(input: SaveInput): string {
  const stem = `step-${String(input.state.step).padStart(6, '0')}`;
  const files: Record<string, Buffer> = { [`${stem}.safetensors`]: input.raw };
  const averaged: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(input.averaged)) {
    averaged[name] = `${stem}.${name}.safetensors`;
    files[averaged[name]] = bytes;
  }
  for (const [file, bytes] of Object.entries(files)) writeAtomic(join(input.dir, file), bytes);
  const state: CheckpointState = {
    ...input.state,
    weights: { raw: `${stem}.safetensors`, averaged },
    sha256: Object.fromEntries(Object.entries(files).map(([f, b]) => [f, sha(b)])),
  };
  const statePath = join(input.dir, `${stem}.json`);
  writeAtomic(statePath, JSON.stringify(state));
  writeAtomic(join(input.dir, 'latest.json'), JSON.stringify({ state: `${stem}.json`, step: state.step }));
  prune(input.dir, input.keep);
  return statePath;
}

function prune(dir: string, keep: number): void {
  const stems = [...new Set(readdirSync(dir).map((f) => /^(step-\d+)\.json$/.exec(f)?.[1]).filter((s): s is string => s !== undefined))].sort();
  for (const stem of stems.slice(0, Math.max(0, stems.length - keep))) {
    for (const f of readdirSync(dir)) if (f.startsWith(`${stem}.`)) rmSync(join(dir, f), { force: true });
  }
}

export interface LoadedCheckpoint {
  path: string;
  state: CheckpointState;
  weights: SafetensorsFile;
}

/**
 * Finds a checkpoint state: a state .json, a `latest.json`, or a folder holding one (a run's
 * artifact folder or its checkpoints/ folder).
 */
export function resolveCheckpoint(path: string): string {
  if (!existsSync(path)) throw new FathomError(`checkpoint ${path} does not exist`, 'pass a checkpoint .json, its folder, or a run id with --resume');
  if (statSync(path).isDirectory()) {
    for (const p of [join(path, 'latest.json'), join(path, 'checkpoints', 'latest.json')]) if (existsSync(p)) return resolveCheckpoint(p);
    throw new FathomError(`checkpoint folder ${path} holds no latest.json`, 'the run saved no checkpoint yet; pass a folder with checkpoints/latest.json');
  }
  if (basename(path) === 'latest.json') {
    const pointer = JSON.parse(readFileSync(path, 'utf8')) as { state?: string };
    if (typeof pointer.state !== 'string') throw new FathomError(`checkpoint pointer ${path} names no state file`, 'use a step-*.json file in the same folder');
    return join(dirname(path), pointer.state);
  }
  return path;
}

/** Loads a checkpoint state and its raw weights, checking formats and sha256 sums. */
export function loadCheckpoint(path: string): LoadedCheckpoint {
  const statePath = resolveCheckpoint(path);
  let state: CheckpointState;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as CheckpointState;
  } catch (err) {
    throw new FathomError(`checkpoint ${statePath} cannot be read (${(err as Error).message})`, 'use an earlier checkpoint of the run');
  }
  if (state.format !== CHECKPOINT_FORMAT) throw new FathomError(`checkpoint ${statePath} is not a fathom training checkpoint`, 'pass a step-*.json or latest.json written by `fathom train`');
  if (state.version !== CHECKPOINT_VERSION) throw new FathomError(`checkpoint ${statePath} has version ${state.version}, this fathom reads ${CHECKPOINT_VERSION}`, 'resume with the fathom version that wrote it');
  const file = join(dirname(statePath), state.weights.raw);
  const bytes = existsSync(file) ? readFileSync(file) : null;
  if (!bytes) throw new FathomError(`checkpoint ${statePath}: its weights ${file} are missing`, 'use an earlier checkpoint of the run');
  if (sha(bytes) !== state.sha256[state.weights.raw]) throw new FathomError(`checkpoint ${statePath}: ${file} does not match its recorded sha256`, 'the weights changed on disk; use an earlier checkpoint');
  return { path: statePath, state, weights: decodeSafetensors(bytes, file) };
}

/** Reads any weights: a .safetensors file (model config from its metadata) or a checkpoint (raw or `which` averaged). */
export function loadWeights(path: string, which = 'raw'): { file: string; model: TransformerConfig; weights: SafetensorsFile; state: CheckpointState | null } {
  let file = path;
  let state: CheckpointState | null = null;
  if (!path.endsWith('.safetensors')) {
    const statePath = resolveCheckpoint(path);
    state = JSON.parse(readFileSync(statePath, 'utf8')) as CheckpointState;
    const name = which === 'raw' ? state.weights.raw : state.weights.averaged[which];
    if (!name) throw new FathomError(`checkpoint ${statePath} has no '${which}' weights (has: raw${Object.keys(state.weights.averaged).map((k) => `, ${k}`).join('')})`, 'pick one it has with --weights');
    file = join(dirname(statePath), name);
  }
  const weights = readSafetensors(file);
  const model = weights.metadata['fathom.model'];
  if (!model) throw new FathomError(`${file} carries no fathom.model metadata`, 'evaluate a safetensors file written by fathom train');
  return { file, model: JSON.parse(model) as TransformerConfig, weights, state };
}
