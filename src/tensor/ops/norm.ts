// LayerNorm (Ba et al. 2016) and RMSNorm (Zhang & Sennrich 2019) over the last axis, fused
// forward and backward as in llm.c: the forward saves per-row mean and 1/std so the backward is
// one pass per row, with no intermediate tensors.
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { TensorData } from '../types.js';

function layerNormKernel(inputs: readonly TensorData[], { eps }: { readonly eps: number }): TensorData[] {
  const [x, w] = inputs as [TensorData, TensorData];
  const b = inputs[2]?.data;
  const C = x.shape[x.shape.length - 1]!;
  const rows = C === 0 ? 0 : x.data.length / C;
  const xd = x.data, wd = w.data;
  const y = allocate(x.dtype, xd.length);
  const mean = allocate(x.dtype, rows);
  const rstd = allocate(x.dtype, rows);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += xd[o + c]!;
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = xd[o + c]! - m;
      v += d * d;
    }
    const s = 1 / Math.sqrt(v / C + eps);
    for (let c = 0; c < C; c++) y[o + c] = (xd[o + c]! - m) * s * wd[c]! + (b ? b[c]! : 0);
    mean[r] = m;
    rstd[r] = s;
  }
  const rowShape = x.shape.slice(0, -1);
  return [{ shape: x.shape, dtype: x.dtype, data: y }, { shape: rowShape, dtype: x.dtype, data: mean }, { shape: rowShape, dtype: x.dtype, data: rstd }];
}

function layerNormBackwardKernel(inputs: readonly TensorData[]): TensorData[] {
  const [dy, x, w, mean, rstd] = inputs as [TensorData, TensorData, TensorData, TensorData, TensorData];
  const C = x.shape[x.shape.length - 1]!;
  const rows = C === 0 ? 0 : x.data.length / C;
  const g = dy.data, xd = x.data, wd = w.data;
  const dx = allocate(x.dtype, xd.length);
  const dw = allocate(x.dtype, C);
  const db = allocate(x.dtype, C);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    const m = mean.data[r]!, s = rstd.data[r]!;
    let dnMean = 0, dnNormMean = 0;
    for (let c = 0; c < C; c++) {
      const n = (xd[o + c]! - m) * s;
      const dn = g[o + c]! * wd[c]!;
      dnMean += dn;
      dnNormMean += dn * n;
      db[c] = db[c]! + g[o + c]!;
      dw[c] = dw[c]! + g[o + c]! * n;
    }
    dnMean /= C;
    dnNormMean /= C;
    for (let c = 0; c < C; c++) {
      const n = (xd[o + c]! - m) * s;
      dx[o + c] = (g[o + c]! * wd[c]! - dnMean - n * dnNormMean) * s;
    }
  }
  return [{ shape: x.shape, dtype: x.dtype, data: dx }, { shape: [C], dtype: x.dtype, data: dw }, { shape: [C], dtype: x.dtype, data: db }];
}

function rmsNormKernel(inputs: readonly TensorData[], { eps }: { readonly eps: number }): TensorData[] {
  const [x, w] = inputs as [TensorData, TensorData];
  const C = x.shape[x.shape.length - 1]!;
  const rows = C === 0 ? 0 : x.data.length / C;
  const xd = x.data, wd = w.data;
  const y = allocate(x.dtype, xd.length);
  const rstd = allocate(x.dtype, rows);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += xd[o + c]! * xd[o + c]!;
    const s = 1 / Math.sqrt(ss / C + eps);
    for (let c = 0; c < C; c++) y[o + c] = xd[o + c]! * s * wd[c]!;
    rstd[r] = s;
  }
  return [{ shape: x.shape, dtype: x.dtype, data: y }, { shape: x.shape.slice(0, -1), dtype: x.dtype, data: rstd }];
}

function rmsNormBackwardKernel(inputs: readonly TensorData[]): TensorData[] {
  const [dy, x, w, rstd] = inputs as [TensorData, TensorData, TensorData, TensorData];
  const C = x.shape[x.shape.length - 1]!;
  const rows = C === 0 ? 0 : x.data.length / C;
  const g = dy.data, xd = x.data, wd = w.data;
  const dx = allocate(x.dtype, xd.length);
  const dw = allocate(x.dtype, C);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    const s = rstd.data[r]!;
    let dot = 0;
    for (let c = 0; c < C; c++) {
      const n = xd[o + c]! * s;
      dot += g[o + c]! * wd[c]! * n;
      dw[c] = dw[c]! + g[o + c]! * n;
    }
    dot /= C;
    for (let c = 0; c < C; c++) dx[o + c] = s * (g[o + c]! * wd[c]! - xd[o + c]! * s * dot);
  }
  return [{ shape: x.shape, dtype: x.dtype, data: dx }, { shape: [C], dtype: x.dtype, data: dw }];
}

const layerNormSpec = defineOp({
  name: 'layerNorm', inputs: ['x', 'weight', 'bias?'], outputs: 3, doc: 'LayerNorm over the last axis → [y, mean, rstd] (fused; backward is layerNormBackward)',
  grad: ([g], { inputs, outputs: [, mean, rstd] }) => {
    const [dx, dw, db] = apply(layerNormBackwardSpec, [g!, inputs[0]!, inputs[1]!, mean!, rstd!], {});
    return inputs.length === 3 ? [dx!, dw!, db!] : [dx!, dw!];
  },
});
const layerNormBackwardSpec = defineOp({ name: 'layerNormBackward', inputs: ['dy', 'x', 'weight', 'mean', 'rstd'], outputs: 3, doc: '→ [dx, dweight, dbias]' });
const rmsNormSpec = defineOp({
  name: 'rmsNorm', inputs: ['x', 'weight'], outputs: 2, doc: 'RMSNorm over the last axis → [y, rstd] (fused; backward is rmsNormBackward)',
  grad: ([g], { inputs: [x, w], outputs: [, rstd] }) => apply(rmsNormBackwardSpec, [g!, x!, w!, rstd!], {}),
});
const rmsNormBackwardSpec = defineOp({ name: 'rmsNormBackward', inputs: ['dy', 'x', 'weight', 'rstd'], outputs: 2, doc: '→ [dx, dweight]' });
registerKernel('layerNorm', 'reference', layerNormKernel);
registerKernel('layerNormBackward', 'reference', layerNormBackwardKernel);
registerKernel('rmsNorm', 'reference', rmsNormKernel);
registerKernel('rmsNormBackward', 'reference', rmsNormBackwardKernel);

function checkAffine(op: string, x: Tensor, p: Tensor, what: string): void {
  const C = x.shape[x.ndim - 1];
  if (x.ndim === 0 || p.ndim !== 1 || p.shape[0] !== C) {
    throw new ShapeError(`${op}: ${what} has shape ${fmtShape(p.shape)} but the input ${fmtShape(x.shape)} has ${C ?? 0} features`, `the ${what} is a vector [${C ?? 'C'}] over the last axis`);
  }
}

/** (x − mean)/√(var + eps)·weight + bias over the last axis (biased variance, as PyTorch). */
export function layerNorm(x: Tensor, weight: Tensor, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkAffine('layerNorm', x, weight, 'weight');
  if (bias) checkAffine('layerNorm', x, bias, 'bias');
  return apply(layerNormSpec, bias ? [x, weight, bias] : [x, weight], { eps })[0]!;
}

/** x/√(mean(x²) + eps)·weight over the last axis. */
export function rmsNorm(x: Tensor, weight: Tensor, eps = 1e-5): Tensor {
  checkAffine('rmsNorm', x, weight, 'weight');
  return apply(rmsNormSpec, [x, weight], { eps })[0]!;
}
