// Model capabilities for the scaling law: given in a file (JSON {"provider:model": 0.71}, or
// JSONL/CSV rows {model, capability}), or taken from a fathom evaluation run's accuracy
// (a row {model, run} or a JSON value "run:<id>", e.g. an MMLU-Pro run of that model).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { UsageError } from '../errors.js';
import { readRecords } from '../eval/dataset.js';
import { summarize } from '../eval/evaluate.js';
import type { Store } from '../store/index.js';

export type Capabilities = Map<string, number>;

function resolveValue(model: string, value: unknown, where: string, store: Store | undefined): number {
  if (typeof value === 'string' && value.startsWith('run:')) {
    if (!store) throw new UsageError(`${where}: capability of "${model}" comes from run ${value.slice(4)} but no workspace is open`, 'pass --workspace with the evaluation run');
    const s = summarize(store, value.slice(4));
    if (s.accuracy.accuracy === null) throw new UsageError(`${where}: run ${s.runId} has no scored items, so "${model}" has no accuracy`, 'finish the evaluation run first (fathom eval resume)');
    return s.accuracy.accuracy;
  }
  const c = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(c)) throw new UsageError(`${where}: capability of "${model}" is "${String(value)}", not a number`, 'give an accuracy such as 0.71, or "run:<eval run id>"');
  return c;
}

export function loadCapabilities(path: string, store?: Store): Capabilities {
  const out: Capabilities = new Map();
  if (extname(path).toLowerCase() === '.json') {
    let raw: unknown;
    try { raw = JSON.parse(readFileSync(path, 'utf8')); } catch (err) {
      throw new UsageError(`capabilities ${path}: cannot be read as JSON (${(err as Error).message})`, 'write {"provider:model": 0.71, ...}');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`capabilities ${path}: expected an object of model → capability`, 'write {"provider:model": 0.71, ...}');
    for (const [model, v] of Object.entries(raw)) out.set(model, resolveValue(model, v, `capabilities ${path}`, store));
    return out;
  }
  for (const { line, row } of readRecords(path)) {
    const model = row.model;
    if (typeof model !== 'string' || !model) throw new UsageError(`capabilities ${path}:${line}: no "model"`, 'each row needs model and capability (or run)');
    const value = row.capability ?? (row.run ? `run:${String(row.run)}` : undefined);
    out.set(model, resolveValue(model, value, `capabilities ${path}:${line}`, store));
  }
  return out;
}

/** The capability of `model`; a missing one names the file to fix. */
export function capabilityOf(caps: Capabilities, model: string, source: string): number {
  const c = caps.get(model);
  if (c === undefined) throw new UsageError(`redteam: no capability for "${model}" in ${source}`, `add a row {"model": "${model}", "capability": <accuracy>} (or its eval run)`);
  return c;
}
