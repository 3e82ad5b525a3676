// Cross-entropy over the last axis with ignore-index and per-position weights (the Goldfish
// loss masks positions through these), fused as llm.c's crossentropy_softmax: the forward saves
// each row's log-sum-exp so the backward is one pass, softmax − one-hot, scaled.
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { checkIndexRange } from '../index-tensor.js';
import type { IndexTensor } from '../index-tensor.js';
import { defineOp, registerKernel } from '../registry.js';
import type { CrossEntropyAttrs } from '../op-attrs.js';
import { fmtShape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { FloatArray, TensorData } from '../types.js';

/** Σ of the weights of non-ignored positions (the 'mean' denominator). */
function totalWeight(targets: Int32Array, ignoreIndex: number, w: FloatArray | undefined): number {
  let total = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== ignoreIndex) total += w ? w[i]! : 1;
  return total;
}

function crossEntropyKernel(inputs: readonly TensorData[], { targets, ignoreIndex, reduction }: CrossEntropyAttrs): TensorData[] {
  const logits = inputs[0]!;
  const w = inputs[1]?.data;
  const C = logits.shape[logits.shape.length - 1]!;
  const rows = targets.data.length;
  const x = logits.data;
  const lse = allocate(logits.dtype, rows);
  const losses = allocate(logits.dtype, rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, x[base + c]!);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[base + c]! - m);
    lse[r] = m + Math.log(s);
    const t = targets.data[r]!;
    if (t === ignoreIndex) continue;
    const l = (lse[r]! - x[base + t]!) * (w ? w[r]! : 1);
    losses[r] = l;
    total += l;
  }
  const rowShape = logits.shape.slice(0, -1);
  if (reduction === 'none') return [{ shape: rowShape, dtype: logits.dtype, data: losses }, { shape: rowShape, dtype: logits.dtype, data: lse }];
  const denom = reduction === 'mean' ? totalWeight(targets.data, ignoreIndex, w) : 1;
  const loss = allocate(logits.dtype, 1);
  loss[0] = denom === 0 ? 0 : total / denom;
  return [{ shape: [], dtype: logits.dtype, data: loss }, { shape: rowShape, dtype: logits.dtype, data: lse }];
}

function crossEntropyBackwardKernel(inputs: readonly TensorData[], { targets, ignoreIndex, reduction }: CrossEntropyAttrs): TensorData {
  const [dloss, logits, lse] = inputs as [TensorData, TensorData, TensorData];
  const w = inputs[3]?.data;
  const C = logits.shape[logits.shape.length - 1]!;
  const rows = targets.data.length;
  const x = logits.data;
  const out = allocate(logits.dtype, x.length);
  const denom = reduction === 'mean' ? totalWeight(targets.data, ignoreIndex, w) : 1;
  for (let r = 0; r < rows; r++) {
    const t = targets.data[r]!;
    if (t === ignoreIndex || denom === 0) continue;
    const g = (reduction === 'none' ? dloss.data[r]! : dloss.data[0]! / denom) * (w ? w[r]! : 1);
    if (g === 0) continue;
    const base = r * C;
    const l = lse.data[r]!;
    for (let c = 0; c < C; c++) out[base + c] = g * Math.exp(x[base + c]! - l);
    out[base + t] = out[base + t]! - g;
  }
  return { shape: logits.shape, dtype: logits.dtype, data: out };
}

const crossEntropySpec = defineOp({
  name: 'crossEntropy', inputs: ['logits', 'weights?'], outputs: 2,
  doc: 'softmax cross-entropy over the last axis with ignore-index and per-position weights (fused; backward is crossEntropyBackward)',
  grad: ([g], { inputs, outputs: [, lse], attrs, needs }) => {
    if (!needs[0]) return [null, null];
    const ins = [g!, inputs[0]!, lse!];
    if (inputs[1]) ins.push(inputs[1]);
    return [apply(crossEntropyBackwardSpec, ins, attrs)[0]!, null];
  },
});
const crossEntropyBackwardSpec = defineOp({ name: 'crossEntropyBackward', inputs: ['dloss', 'logits', 'lse', 'weights?'], outputs: 1, doc: 'gradient of crossEntropy w.r.t. logits' });
registerKernel('crossEntropy', 'reference', crossEntropyKernel);
registerKernel('crossEntropyBackward', 'reference', crossEntropyBackwardKernel);

export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (default -100, as PyTorch). */
  ignoreIndex?: number;
  /** Per-position weights with the targets' shape (no gradient flows to them); 0 drops a position. */
  weights?: Tensor;
  /** 'mean' (default) divides by the total weight of non-ignored positions, and gives 0 when that is 0. */
  reduction?: 'mean' | 'sum' | 'none';
}

/** Cross-entropy of `logits` [..., C] against class `targets` [...]. */
export function crossEntropy(logits: Tensor, targets: IndexTensor, options: CrossEntropyOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? -100;
  const reduction = options.reduction ?? 'mean';
  if (logits.ndim < 1 || !sameShape(targets.shape, logits.shape.slice(0, -1))) {
    throw new ShapeError(`crossEntropy: logits ${fmtShape(logits.shape)} and targets ${fmtShape(targets.shape)} don't match`, 'targets have the logits\' shape without the last (class) axis');
  }
  const C = logits.shape[logits.ndim - 1]!;
  checkIndexRange('crossEntropy', 'target', targets, C, ignoreIndex);
  const inputs = [logits];
  if (options.weights) {
    if (!sameShape(options.weights.shape, targets.shape)) {
      throw new ShapeError(`crossEntropy: weights ${fmtShape(options.weights.shape)} and targets ${fmtShape(targets.shape)} differ`, 'pass one weight per target position');
    }
    inputs.push(options.weights);
  }
  return apply(crossEntropySpec, inputs, { targets, ignoreIndex, reduction })[0]!;
}
