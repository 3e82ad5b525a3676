// Test helpers for the tensor engine: finite-difference gradient checks, backend-vs-backend
// comparison of an op's outputs and gradients, and OP_CASES, a table of every op with a generator
// of random valid inputs (random shapes with broadcasting, size-1 and empty dimensions), so the
// reference tests and the native backend's tests iterate the same list.
import { FathomError } from '../errors.js';
// Through index.js, so importing the test helpers also loads the native backend when it is built.
import * as F from './index.js';
import { Rng, noGrad, withBackend } from './index.js';
import type { BackendName, DType, Tensor } from './index.js';
import type { OpCase } from './op-cases.js';

// ---------------------------------------------------------------------------------------------
// Gradient check

export interface GradcheckOptions {
  /** Central-difference step (default 1e-6). */
  eps?: number;
  /** Pass when |numeric − analytic| ≤ atol + rtol·|numeric| (defaults 1e-6, 1e-4). */
  atol?: number;
  rtol?: number;
  seed?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |numeric − analytic| over all checked elements. */
  maxError: number;
  /** The worst element, for the failure message. */
  worst: string;
  checked: number;
}

/** L(x) = Σ f(x)·R for a fixed random R, so every output element's gradient is exercised. */
function projectedLoss(out: Tensor, r: Tensor): Tensor {
  return F.sum(F.mul(out, r));
}

/**
 * Compares the gradients of `f` (via backward) with central finite differences, for every input
 * that requires a gradient. Inputs must be float64; they are not modified.
 */
export function gradcheck(f: (xs: readonly Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-6, rtol = options.rtol ?? 1e-4;
  for (const x of inputs) if (x.dtype !== 'float64') throw new FathomError(`gradcheck: inputs must be float64, got ${x.dtype}`, 'generate inputs with { dtype: "float64" }');
  const leaves = inputs.map((x) => {
    const c = x.clone();
    c.requiresGrad = x.requiresGrad;
    return c;
  });
  const out0 = f(leaves);
  const r = new Rng(options.seed ?? 1234).normal(out0.shape, 0, 1, { dtype: 'float64' });
  const loss = projectedLoss(out0, r);
  if (loss.requiresGrad) loss.backward();
  let maxError = 0, worst = '', checked = 0, ok = true;
  leaves.forEach((x, k) => {
    if (!x.requiresGrad) return;
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i]!;
      x.data[i] = v + eps;
      const lp = noGrad(() => projectedLoss(f(leaves), r).item());
      x.data[i] = v - eps;
      const lm = noGrad(() => projectedLoss(f(leaves), r).item());
      x.data[i] = v;
      const numeric = (lp - lm) / (2 * eps);
      const analytic = x.grad ? x.grad.data[i]! : 0;
      const err = Math.abs(numeric - analytic);
      checked++;
      if (err > atol + rtol * Math.abs(numeric)) ok = false;
      if (err > maxError || Number.isNaN(err)) {
        maxError = Number.isNaN(err) ? Infinity : err;
        worst = `input ${k} element ${i}: numeric ${numeric}, analytic ${analytic}`;
      }
    }
  });
  return { ok, maxError, worst, checked };
}

// ---------------------------------------------------------------------------------------------
// Backend comparison

/**
 * Normwise relative error max|a−b| / max(max|b|, 1e-3); Infinity on a shape or NaN mismatch, 0 for
 * two empties. The floor keeps tensors that are zero up to rounding (a one-class cross-entropy's
 * gradient, ~1e-9 in float32) from reading as large relative errors.
 */
export function relError(a: Tensor | null, b: Tensor | null): number {
  if (a === null || b === null) return a === b ? 0 : sumAbs(a ?? b!) === 0 ? 0 : Infinity;
  if (a.size !== b.size || a.shape.join() !== b.shape.join()) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i]!, y = b.data[i]!;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
    if (x === y) { scale = Math.max(scale, Number.isFinite(y) ? Math.abs(y) : 0); continue; }
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  }
  return diff / Math.max(scale, 1e-3);
}

function sumAbs(t: Tensor): number {
  let s = 0;
  for (const v of t.data) s += Math.abs(v);
  return s;
}

export interface RunResult { output: Tensor; grads: (Tensor | null)[] }

/** Runs a case's op and backward (through a fixed random projection) under `backend`. */
export function runCase(inputs: readonly Tensor[], run: (xs: readonly Tensor[]) => Tensor, backend: BackendName, withGrad = true, seed = 99): RunResult {
  return withBackend(backend, () => {
    const leaves = inputs.map((x) => {
      const c = x.clone();
      c.requiresGrad = withGrad && x.requiresGrad;
      return c;
    });
    const output = run(leaves);
    if (withGrad && output.requiresGrad) {
      const r = new Rng(seed).normal(output.shape, 0, 1, { dtype: output.dtype });
      projectedLoss(output, r).backward();
    }
    return { output: output.detach(), grads: leaves.map((l) => (l.requiresGrad ? l.grad ?? F.mul(l, 0) : null)) };
  });
}

export interface Comparison { forward: number; grads: number[]; ok: boolean }

/** Runs `c` on two backends with identical inputs and compares outputs and gradients against its tolerances. */
export function compareBackends(c: OpCase, options: { backends?: readonly [BackendName, BackendName]; dtype?: DType; seed?: number } = {}): Comparison {
  const [a, b] = options.backends ?? ['native', 'reference'];
  const { inputs, run } = c.make(new Rng(options.seed ?? 7), options.dtype ?? 'float32');
  const ra = runCase(inputs, run, a, c.differentiable);
  const rb = runCase(inputs, run, b, c.differentiable);
  const forward = relError(ra.output, rb.output);
  const grads = ra.grads.map((g, i) => relError(g, rb.grads[i] ?? null));
  return { forward, grads, ok: forward <= c.tol.fwd && grads.every((e) => e <= c.tol.grad) };
}

export { OP_CASES, broadcastPair, randomShape } from './op-cases.js';
export type { OpCase, CaseInstance } from './op-cases.js';
