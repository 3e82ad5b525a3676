// The op registry: every tensor op is declared once here (name, inputs, outputs, gradient rule),
// and each backend registers forward kernels for it by name. Modelled on tfjs's kernel registry
// and tinygrad's one-rule-per-primitive gradient table (CONVENTIONS.md 1–3).
//
// ## Contract for backends (the native addon codes to this)
//
// * A **kernel** is a plain function
//       (inputs: readonly TensorData[], attrs: OpAttrs[name]) => TensorData | TensorData[]
//   where `TensorData = { shape: readonly number[]; dtype: 'float32' | 'float64';
//   data: Float32Array | Float64Array }`, contiguous row-major, `data.length` = product of shape
//   (a scalar has shape [] and one element). Inputs and attributes of each op are listed in
//   `op-attrs.ts`. A kernel returns freshly allocated outputs (it may return a view of an input's
//   data only where the reference kernel does: `reshape`, contiguous `slice` and `split`), never mutates
//   its inputs (except the op marked in-place: `adamwStep`), and never touches autograd. Single-output
//   ops may return one TensorData; multi-output ops return an array in the documented order.
//   Integer data (ids, targets, indices) arrives in attributes as `IndexData` (`Int32Array`).
//   All inputs of an op share one dtype (the op wrapper checks before dispatch), and outputs
//   take that dtype (except `cast`).
// * `registerKernel(opName, backend, kernel)` registers one kernel; registering the same
//   (op, backend) twice throws. Kernels may be registered before the op is declared.
// * **Dispatch**: the active backend's kernel if it registered one for the op, else the
//   `reference` kernel. A backend can therefore start with a few hot ops.
// * **Gradients** are one rule per op, declared with the op and expressed in ops (so backward runs
//   on the active backend too). Fused ops (layerNorm, rmsNorm, softmax, logSoftmax,
//   crossEntropy, attention, rope, gelu, silu, embedding) have their backward as separate ops
//   (`layerNormBackward`, ...) with their own kernels, so a backend can accelerate backward.
//   Backward ops are not themselves differentiable (no double backward).
// * **Backend selection**: `FATHOM_BACKEND=reference|native`; by default `native` when the
//   native module has called `registerBackend({ name: 'native', available: true })`, else `reference`.
//   Tests use `setBackend()`, `getBackend()` and `withBackend(name, fn)`.
// * **Profiling**: with `FATHOM_PROFILE=1`, every dispatch is timed per op and backend;
//   `profileReport()` returns the table, and it is printed to stderr when the process exits.
// * **Memory**: outputs are plain typed arrays owned by the garbage collector (no dispose).
//   Kernels allocate with `new Float32Array(n)` or equivalent; a kernel that overwrites its whole
//   output may take it from `takeBuffer` (recycle.ts), where backward() returns gradient storage
//   it proved dead. backward() calls `reclaimIfNeeded()` (memory.ts) so dead tensor storage is
//   collected, and the C heap trimmed, at step boundaries.
// * **Integer indices** (`IndexTensor`: `Int32Array` + shape) are never differentiated, so they are
//   attributes, never inputs; `argmax` and `oneHot` are plain functions, not kernels.
import { ConfigError, FathomError, MissingDependencyError, didYouMean } from '../errors.js';
import type { OpAttrs, OpName } from './op-attrs.js';
import type { Tensor } from './tensor.js';
import type { TensorData } from './types.js';

export type { OpAttrs, OpName } from './op-attrs.js';
export type { TensorData, DType, FloatArray, IndexData } from './types.js';

export type BackendName = 'reference' | 'native';
export const BACKENDS: readonly BackendName[] = ['reference', 'native'];

/** A forward kernel: pure function from input data and attributes to output data. */
export type Kernel<A> = (inputs: readonly TensorData[], attrs: A) => TensorData | TensorData[];

/** What a gradient rule sees: the op's input and output tensors, attributes, and which inputs need a gradient. */
export interface GradContext<A> {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: A;
  /** `needs[i]` is true when input i requires a gradient; a rule may skip the others (return null). */
  readonly needs: readonly boolean[];
}

/**
 * A gradient rule: given the gradient of each output (null for outputs that received none),
 * return the gradient of each input (null where none flows), each with its input's shape.
 */
export type GradRule<A> = (grads: readonly (Tensor | null)[], ctx: GradContext<A>) => readonly (Tensor | null)[];

export interface OpSpec<N extends OpName> {
  readonly name: N;
  /** Input names in order; `?` marks trailing optional inputs, `...` a variadic list. */
  readonly inputs: readonly string[];
  /** Number of outputs (all float tensors); 'variadic' when an attribute decides (split). */
  readonly outputs: number | 'variadic';
  /** The gradient rule; absent for ops that are not differentiable (backward ops, comparisons). */
  readonly grad?: GradRule<OpAttrs[N]>;
  /** One line for docs and `fathom doctor`. */
  readonly doc: string;
}

type AnyKernel = Kernel<never>;
interface OpEntry {
  spec: OpSpec<OpName> | undefined;
  kernels: Partial<Record<BackendName, AnyKernel>>;
}

const table = new Map<string, OpEntry>();

function entry(name: string): OpEntry {
  let e = table.get(name);
  if (!e) {
    e = { spec: undefined, kernels: {} };
    table.set(name, e);
  }
  return e;
}

/** Declares an op. Declaring a name twice throws. */
export function defineOp<N extends OpName>(spec: OpSpec<N>): OpSpec<N> {
  const e = entry(spec.name);
  if (e.spec) throw new FathomError(`defineOp: op '${spec.name}' is already declared`, 'each op is declared once, in src/tensor/ops/');
  e.spec = spec as unknown as OpSpec<OpName>;
  return spec;
}

/** Registers `backend`'s forward kernel for `name`. Registering the same (op, backend) twice throws. */
export function registerKernel<N extends OpName>(name: N, backend: BackendName, kernel: Kernel<OpAttrs[N]>): void {
  const e = entry(name);
  if (e.kernels[backend]) {
    throw new FathomError(`registerKernel: op '${name}' already has a '${backend}' kernel`, 'register each (op, backend) kernel once');
  }
  e.kernels[backend] = kernel as AnyKernel;
}

/** The declaration of an op (throws for unknown names, with a suggestion). */
export function getOp<N extends OpName>(name: N): OpSpec<N> {
  const spec = table.get(name)?.spec;
  if (!spec) {
    const guess = didYouMean(name, listOps());
    throw new FathomError(`op '${name}' is not declared`, guess ? `did you mean '${guess}'?` : 'see listOps()');
  }
  return spec as unknown as OpSpec<N>;
}

/** Names of all declared ops, sorted. */
export function listOps(): OpName[] {
  return [...table.entries()].filter(([, e]) => e.spec).map(([n]) => n as OpName).sort();
}

/** Whether `backend` registered its own kernel for `name` (no fallback). */
export function hasKernel(name: OpName, backend: BackendName): boolean {
  return table.get(name)?.kernels[backend] !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Backends

export interface BackendInfo {
  readonly name: BackendName;
  readonly available: boolean;
  /** Why it is unavailable (build failure, missing CPU feature), or a description when available. */
  readonly reason?: string;
  /** Free-form details for `fathom doctor` (BLAS, threads, SIMD). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

const backends = new Map<BackendName, BackendInfo>([
  ['reference', { name: 'reference', available: true, reason: 'plain TypeScript kernels, float32 and float64' }],
  ['native', { name: 'native', available: false, reason: 'the native module was not loaded' }],
]);

let explicit: BackendName | undefined; // set by setBackend()
let resolved: BackendName | undefined; // cached choice from the environment
let warned = false;

/** Called by a backend module when it loads (or fails to). */
export function registerBackend(info: BackendInfo): void {
  backends.set(info.name, info);
  resolved = undefined;
}

function parseBackend(value: string, where: string): BackendName {
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  const guess = didYouMean(value, BACKENDS);
  throw new ConfigError(`${where}: unknown backend '${value}'`, `use one of ${BACKENDS.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''}`);
}

function resolveBackend(): BackendName {
  const env = process.env.FATHOM_BACKEND;
  if (env !== undefined && env !== '') {
    const want = parseBackend(env, 'FATHOM_BACKEND');
    if (backends.get(want)?.available) return want;
    if (!warned) {
      warned = true;
      process.stderr.write(`fathom: FATHOM_BACKEND=${want} but it is unavailable (${backends.get(want)?.reason ?? 'unknown'}); using reference.\n`);
    }
    return 'reference';
  }
  return backends.get('native')?.available ? 'native' : 'reference';
}

/** The backend kernels are dispatched to. */
export function getBackend(): BackendName {
  if (explicit) return explicit;
  resolved ??= resolveBackend();
  return resolved;
}

/** Selects a backend for the whole process; `undefined` returns to the environment's choice. */
export function setBackend(name: BackendName | undefined): void {
  if (name === undefined) {
    explicit = undefined;
    return;
  }
  const checked = parseBackend(name, 'setBackend');
  const info = backends.get(checked);
  if (!info?.available) {
    throw new MissingDependencyError(`setBackend: the '${checked}' backend is not available (${info?.reason ?? 'unknown'})`, 'run `fathom doctor`, or use the reference backend');
  }
  explicit = checked;
}

/** Runs `fn` with `name` as the active backend, restoring the previous choice afterwards (also for async fns). */
export function withBackend<T>(name: BackendName, fn: () => T): T {
  const before = explicit;
  setBackend(name);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    explicit = before;
    throw err;
  }
  if (result instanceof Promise) {
    return result.finally(() => {
      explicit = before;
    }) as T;
  }
  explicit = before;
  return result;
}

/** Every backend with its availability, and which one is active. */
export function backendStatus(): { active: BackendName; backends: BackendInfo[] } {
  return { active: getBackend(), backends: [...backends.values()] };
}

// ---------------------------------------------------------------------------------------------
// Dispatch

const profiling = process.env.FATHOM_PROFILE === '1';
const profile = new Map<string, { calls: number; ms: number }>();

/**
 * Runs the active backend's kernel for `name` (falling back to `reference`) and returns its
 * outputs as an array. No autograd; ops in `ops/` wrap this with the tape.
 */
export function runKernel<N extends OpName>(name: N, inputs: readonly TensorData[], attrs: OpAttrs[N]): TensorData[] {
  const e = table.get(name);
  const backend = explicit ?? getBackend();
  const own = e?.kernels[backend];
  const kernel = (own ?? e?.kernels.reference) as Kernel<OpAttrs[N]> | undefined;
  if (!kernel) {
    throw new FathomError(`op '${name}' has no kernel for backend '${backend}' nor 'reference'`, "import 'src/tensor/index.js' so the reference kernels are registered");
  }
  if (!profiling) {
    const out = kernel(inputs, attrs);
    return Array.isArray(out) ? out : [out];
  }
  const t0 = performance.now();
  const out = kernel(inputs, attrs);
  const key = `${name}\t${own ? backend : 'reference'}`;
  const p = profile.get(key) ?? { calls: 0, ms: 0 };
  p.calls++;
  p.ms += performance.now() - t0;
  profile.set(key, p);
  return Array.isArray(out) ? out : [out];
}

export interface ProfileRow { op: string; backend: string; calls: number; ms: number }

/**
 * Per-op kernel time since start (or the last reset), slowest first. Empty unless FATHOM_PROFILE=1.
 * Whatever is left at exit is printed to stderr; a caller that reports the rows itself calls
 * resetProfile() afterwards so they are not printed twice.
 */
export function profileReport(): ProfileRow[] {
  return [...profile.entries()]
    .map(([k, v]) => {
      const [op, backend] = k.split('\t') as [string, string];
      return { op, backend, calls: v.calls, ms: v.ms };
    })
    .sort((a, b) => b.ms - a.ms);
}

export function resetProfile(): void {
  profile.clear();
}

if (profiling) {
  process.on('exit', () => {
    const rows = profileReport();
    if (rows.length === 0) return; // nothing ran since a caller took the profile (resetProfile)
    const total = rows.reduce((s, r) => s + r.ms, 0);
    const lines = rows.map((r) => `${r.op.padEnd(22)} ${r.backend.padEnd(10)} ${String(r.calls).padStart(8)} ${r.ms.toFixed(1).padStart(10)} ms ${((100 * r.ms) / (total || 1)).toFixed(1).padStart(5)}%`);
    process.stderr.write(`fathom profile (kernel time per op)\n${lines.join('\n')}\n${'total'.padEnd(42)} ${total.toFixed(1).padStart(10)} ms\n`);
  });
}
