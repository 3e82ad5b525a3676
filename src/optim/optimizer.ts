// The optimizer interface and its one registry. Every optimizer updates one flat parameter
// buffer (FlatParameters) group by group; its state is a step count plus named flat buffers
// (moments), which serialise exactly for checkpoints. Register a new optimizer with
// `registerOptimizer({ name, summary, create })`; `createOptimizer(name, params, options)` builds it.
import { FathomError } from '../errors.js';
import { Registry } from '../registry.js';
import type { Parameter } from '../nn/index.js';
import { allocate } from '../tensor/index.js';
import type { FloatArray } from '../tensor/index.js';
import { FlatParameters } from './flat.js';
import { defaultGroupRules, resolveGroups, ruleIndex } from './groups.js';
import type { GroupRule, ParamGroup } from './groups.js';
import { decodeArray, encodeArray } from './serialize.js';
import type { EncodedArray } from './serialize.js';

/** Options every optimizer reads (each uses the ones that apply to it). */
export interface OptimizerOptions {
  /** Learning rate (default 1e-3); set `optimizer.lr` between steps for a schedule. */
  lr?: number;
  /** Weight decay of the 'decay' group (default 0; AdamW's default 0.01, as PyTorch). */
  weightDecay?: number;
  /** Group rules (first match wins; the rest form 'decay'); default: no decay on norms, biases, embeddings. */
  groups?: readonly GroupRule[];
  /** SGD: momentum factor (default 0 = plain SGD). */
  momentum?: number;
  /** SGD: dampening of the momentum buffer (default 0). */
  dampening?: number;
  /** SGD: Nesterov momentum (default false). */
  nesterov?: boolean;
  /** Adam/AdamW: (β1, β2), default (0.9, 0.999); signum: β1 is the momentum. */
  betas?: readonly [number, number];
  /** Adam/AdamW: default 1e-8. */
  eps?: number;
}

export type Params = ReadonlyArray<readonly [string, Parameter]> | FlatParameters;

/** A serialisable optimizer state: which optimizer, how many steps, and its flat buffers. */
export interface OptimizerState {
  name: string;
  step: number;
  buffers: Record<string, FloatArray>;
}

export interface Optimizer {
  readonly name: string;
  readonly flat: FlatParameters;
  readonly groups: readonly ParamGroup[];
  /** The learning rate the next step uses (groups scale it by their lrScale). */
  lr: number;
  readonly stepCount: number;
  step(): void;
  zeroGrad(): void;
  state(): OptimizerState;
  loadState(state: OptimizerState): void;
}

/** Flattens `params` so the 'decay' group is contiguous, and resolves the group rules. */
export function flatten(params: Params, rules: readonly GroupRule[]): FlatParameters {
  if (params instanceof FlatParameters) return params;
  // Order parameters by group (the decay group first), so each group is one contiguous range.
  return new FlatParameters(params, (name, p) => ruleIndex(rules, name, p) === rules.length);
}

function checkNumber(op: string, key: string, v: number, ok: (v: number) => boolean, range: string): void {
  if (!Number.isFinite(v) || !ok(v)) throw new FathomError(`${op}: ${key} = ${v} is out of range (${range})`, `pass ${key} ${range}`);
}

/** The shared machinery: groups, step count, named state buffers, serialisation. */
export abstract class FlatOptimizer implements Optimizer {
  abstract readonly name: string;
  readonly flat: FlatParameters;
  readonly groups: readonly ParamGroup[];
  lr: number;
  protected t = 0;
  protected readonly buffers: Record<string, FloatArray> = {};

  constructor(params: Params, options: OptimizerOptions, defaults: { weightDecay: number }) {
    const rules = options.groups ?? defaultGroupRules();
    this.flat = flatten(params, rules);
    this.lr = options.lr ?? 1e-3;
    const wd = options.weightDecay ?? defaults.weightDecay;
    checkNumber(this.constructor.name, 'lr', this.lr, (v) => v >= 0, '≥ 0');
    checkNumber(this.constructor.name, 'weightDecay', wd, (v) => v >= 0, '≥ 0');
    this.groups = resolveGroups(this.flat, rules, wd);
  }

  protected buffer(name: string): FloatArray {
    return (this.buffers[name] ??= allocate(this.flat.dtype, this.flat.size));
  }

  get stepCount(): number {
    return this.t;
  }

  step(): void {
    this.flat.ensureAttached();
    this.t++;
    for (const g of this.groups) {
      for (const [start, end] of g.ranges) this.update(start, end, this.lr * g.lrScale, g.weightDecay);
    }
  }

  /** Updates flat[start, end) with the group's learning rate and weight decay; `this.t` is already the new step. */
  protected abstract update(start: number, end: number, lr: number, weightDecay: number): void;

  zeroGrad(): void {
    this.flat.zeroGrad();
  }

  state(): OptimizerState {
    return { name: this.name, step: this.t, buffers: Object.fromEntries(Object.entries(this.buffers).map(([k, v]) => [k, v.slice()])) };
  }

  loadState(state: OptimizerState): void {
    if (state.name !== this.name) {
      throw new FathomError(`${this.name}.loadState: the state was saved by '${state.name}'`, `load it into a '${state.name}' optimizer, or start this one fresh`);
    }
    for (const [k, v] of Object.entries(state.buffers)) {
      if (v.length !== this.flat.size) {
        throw new FathomError(`${this.name}.loadState: buffer '${k}' holds ${v.length} values but the parameters have ${this.flat.size}`, 'load a state saved for the same model');
      }
    }
    this.t = state.step;
    // Buffers are filled in place: kernels may hold views of them.
    for (const [k, b] of Object.entries(this.buffers)) if (!(k in state.buffers)) b.fill(0);
    for (const [k, v] of Object.entries(state.buffers)) this.buffer(k).set(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Registry

export interface OptimizerSpec {
  name: string;
  summary: string;
  create(params: Params, options: OptimizerOptions): Optimizer;
}

const registry = new Registry<OptimizerSpec>('optim: optimizer', (s) => s.name);

export function registerOptimizer(spec: OptimizerSpec): void {
  registry.register(spec);
}

export function registeredOptimizers(): OptimizerSpec[] {
  return registry.all();
}

export function createOptimizer(name: string, params: Params, options: OptimizerOptions = {}): Optimizer {
  const spec = registry.get(name, (_, names, guess) => new FathomError(`optimizer '${name}' is not registered (known: ${names.join(', ')})`, guess ? `did you mean '${guess}'?` : `use one of ${names.join(', ')}`));
  return spec.create(params, options);
}

// ---------------------------------------------------------------------------------------------
// Serialisation (JSON-safe, exact)

export interface EncodedOptimizerState {
  name: string;
  step: number;
  buffers: Record<string, EncodedArray>;
}

export function encodeOptimizerState(s: OptimizerState): EncodedOptimizerState {
  return { name: s.name, step: s.step, buffers: Object.fromEntries(Object.entries(s.buffers).map(([k, v]) => [k, encodeArray(v)])) };
}

export function decodeOptimizerState(e: EncodedOptimizerState): OptimizerState {
  return { name: e.name, step: e.step, buffers: Object.fromEntries(Object.entries(e.buffers).map(([k, v]) => [k, decodeArray(v, `optimizer buffer '${k}'`)])) };
}

export { checkNumber };
