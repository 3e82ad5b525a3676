// Native kernels for the fused ops and their backward ops: layerNorm, rmsNorm, softmax and
// logSoftmax (last axis), crossEntropy, attention, rope, embedding, and the in-place adamwStep.
// Each adapts TensorData to one C++ call (native/bind_fused.cc); float64, a softmax over another
// axis and degenerate sizes (an empty feature axis) go to the reference kernels.
import { registerKernel } from '../registry.js';
import type { AttentionAttrs, CrossEntropyAttrs, PackedAttentionAttrs } from '../op-attrs.js';
import { packedGeometry } from '../ops/packed-attention.js';
import type { TensorData } from '../types.js';
import type { NativeAddon } from './addon.js';
import { f32, isF32, output, reference } from './util.js';

const rowsOf = (x: TensorData): [number, number] => {
  const c = x.shape[x.shape.length - 1] ?? 1;
  return [c === 0 ? 0 : x.data.length / c, c];
};
const rowShape = (x: TensorData): number[] => x.shape.slice(0, -1);

/** Weight of each non-ignored position, summed: the 'mean' denominator. */
function totalWeight(targets: Int32Array, ignoreIndex: number, w: Float32Array | null): number {
  let total = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== ignoreIndex) total += w ? w[i]! : 1;
  return total;
}

/** Strides (b, h, t) of a contiguous [B, H, T, D] tensor, and of the attention mask. */
function attentionGeometry(q: TensorData, k: TensorData, mask: TensorData | undefined, attrs: AttentionAttrs) {
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const [, Hkv, Tk] = k.shape as [number, number, number];
  const dims = Float64Array.of(B, H, Hkv, Tq, Tk, D, D, attrs.offset, attrs.causal ? 1 : 0, attrs.scale);
  let m = [0, 0, Tk];
  if (mask && mask.shape.length === 4) m = [mask.shape[0] === 1 ? 0 : mask.shape[1]! * Tq * Tk, mask.shape[1] === 1 ? 0 : Tq * Tk, Tk];
  const qs = [H * Tq * D, Tq * D, D], ks = [Hkv * Tk * D, Tk * D, D];
  // q, k, v, mask, out (and gOut), gq, gk, gv
  const strides = Float64Array.from([...qs, ...ks, ...ks, ...m, ...qs, ...qs, ...ks, ...ks]);
  return { B, H, Tq, Tk, D, dims, strides };
}

export function registerFused(addon: NativeAddon): void {
  registerKernel('layerNorm', 'native', (inputs, attrs) => {
    const [x, w, b] = inputs as [TensorData, TensorData, TensorData | undefined];
    const [rows, c] = rowsOf(x);
    if (!isF32(x, w, b) || c === 0) return reference('layerNorm', inputs, attrs);
    const y = output(x.data.length), mean = output(rows), rstd = output(rows);
    addon.layerNormForward(f32(x), f32(w), b ? f32(b) : null, y, mean, rstd, rows, c, attrs.eps);
    const rs = rowShape(x);
    return [{ shape: x.shape, dtype: 'float32', data: y }, { shape: rs, dtype: 'float32', data: mean }, { shape: rs, dtype: 'float32', data: rstd }];
  });
  registerKernel('layerNormBackward', 'native', (inputs, attrs) => {
    const [dy, x, w, mean, rstd] = inputs as [TensorData, TensorData, TensorData, TensorData, TensorData];
    const [rows, c] = rowsOf(x);
    if (!isF32(dy, x, w, mean, rstd) || c === 0) return reference('layerNormBackward', inputs, attrs);
    const dx = output(x.data.length), dw = output(c), db = output(c);
    addon.layerNormBackward(f32(x), f32(w), f32(mean), f32(rstd), f32(dy), dx, dw, db, rows, c);
    return [{ shape: x.shape, dtype: 'float32', data: dx }, { shape: [c], dtype: 'float32', data: dw }, { shape: [c], dtype: 'float32', data: db }];
  });
  registerKernel('rmsNorm', 'native', (inputs, attrs) => {
    const [x, w] = inputs as [TensorData, TensorData];
    const [rows, c] = rowsOf(x);
    if (!isF32(x, w) || c === 0) return reference('rmsNorm', inputs, attrs);
    const y = output(x.data.length), rstd = output(rows);
    addon.rmsNormForward(f32(x), f32(w), y, rstd, rows, c, attrs.eps);
    return [{ shape: x.shape, dtype: 'float32', data: y }, { shape: rowShape(x), dtype: 'float32', data: rstd }];
  });
  registerKernel('rmsNormBackward', 'native', (inputs, attrs) => {
    const [dy, x, w, rstd] = inputs as [TensorData, TensorData, TensorData, TensorData];
    const [rows, c] = rowsOf(x);
    if (!isF32(dy, x, w, rstd) || c === 0) return reference('rmsNormBackward', inputs, attrs);
    const dx = output(x.data.length), dw = output(c);
    addon.rmsNormBackward(f32(x), f32(w), f32(rstd), f32(dy), dx, dw, rows, c);
    return [{ shape: x.shape, dtype: 'float32', data: dx }, { shape: [c], dtype: 'float32', data: dw }];
  });

  for (const log of [false, true]) {
    const fwd = log ? 'logSoftmax' : 'softmax';
    const bwd = log ? 'logSoftmaxBackward' : 'softmaxBackward';
    registerKernel(fwd, 'native', (inputs, attrs) => {
      const x = inputs[0]!;
      const [rows, c] = rowsOf(x);
      if (!isF32(x) || attrs.axis !== x.shape.length - 1 || c === 0) return reference(fwd, inputs, attrs)[0]!;
      const y = output(x.data.length);
      addon.softmaxForward(f32(x), y, rows, c, log);
      return { shape: x.shape, dtype: 'float32', data: y };
    });
    registerKernel(bwd, 'native', (inputs, attrs) => {
      const [dy, y] = inputs as [TensorData, TensorData];
      const [rows, c] = rowsOf(y);
      if (!isF32(dy, y) || attrs.axis !== y.shape.length - 1 || c === 0) return reference(bwd, inputs, attrs)[0]!;
      const dx = output(y.data.length);
      addon.softmaxBackward(f32(y), f32(dy), dx, rows, c, log);
      return { shape: y.shape, dtype: 'float32', data: dx };
    });
  }

  registerKernel('crossEntropy', 'native', (inputs, attrs: CrossEntropyAttrs) => {
    const [logits, weights] = inputs as [TensorData, TensorData | undefined];
    const [rows, c] = rowsOf(logits);
    if (!isF32(logits, weights) || c === 0 || rows === 0) return reference('crossEntropy', inputs, attrs);
    const t = attrs.targets.data;
    const w = weights ? f32(weights) : null;
    const losses = output(rows), lse = output(rows);
    addon.crossEntropyForward(f32(logits), t, w, attrs.ignoreIndex, losses, lse, rows, c);
    const rs = rowShape(logits);
    if (attrs.reduction === 'none') return [{ shape: rs, dtype: 'float32', data: losses }, { shape: rs, dtype: 'float32', data: lse }];
    let total = 0;
    for (let r = 0; r < rows; r++) total += losses[r]!;
    const denom = attrs.reduction === 'mean' ? totalWeight(t, attrs.ignoreIndex, w) : 1;
    const loss = Float32Array.of(denom === 0 ? 0 : total / denom);
    return [{ shape: [], dtype: 'float32', data: loss }, { shape: rs, dtype: 'float32', data: lse }];
  });
  registerKernel('crossEntropyBackward', 'native', (inputs, attrs: CrossEntropyAttrs) => {
    const [dloss, logits, lse, weights] = inputs as [TensorData, TensorData, TensorData, TensorData | undefined];
    const [rows, c] = rowsOf(logits);
    if (!isF32(dloss, logits, lse, weights) || c === 0 || rows === 0) return reference('crossEntropyBackward', inputs, attrs);
    const t = attrs.targets.data;
    let w = weights ? f32(weights) : null;
    let scale: number;
    if (attrs.reduction === 'none') {
      // Per-row upstream gradients fold into the per-row weights.
      const g = f32(dloss), rw = new Float32Array(rows);
      for (let r = 0; r < rows; r++) rw[r] = g[r]! * (w ? w[r]! : 1);
      w = rw;
      scale = 1;
    } else {
      const denom = attrs.reduction === 'mean' ? totalWeight(t, attrs.ignoreIndex, w) : 1;
      scale = denom === 0 ? 0 : dloss.data[0]! / denom;
    }
    const dx = output(logits.data.length);
    addon.crossEntropyBackward(f32(logits), f32(lse), t, w, attrs.ignoreIndex, scale, dx, rows, c);
    return { shape: logits.shape, dtype: 'float32', data: dx };
  });

  registerKernel('attention', 'native', (inputs, attrs) => {
    const [q, k, v, mask] = inputs as [TensorData, TensorData, TensorData, TensorData | undefined];
    if (!isF32(q, k, v, mask) || q.data.length === 0 || k.data.length === 0) return reference('attention', inputs, attrs);
    const { B, H, Tq, dims, strides } = attentionGeometry(q, k, mask, attrs);
    const out = output(q.data.length), lse = output(B * H * Tq);
    addon.attentionForward(f32(q), f32(k), f32(v), mask ? f32(mask) : null, out, lse, dims, strides);
    return [{ shape: q.shape, dtype: 'float32', data: out }, { shape: [B, H, Tq], dtype: 'float32', data: lse }];
  });
  registerKernel('attentionBackward', 'native', (inputs, attrs) => {
    const [dout, q, k, v, , lse, mask] = inputs as [TensorData, TensorData, TensorData, TensorData, TensorData, TensorData, TensorData | undefined];
    if (!isF32(dout, q, k, v, lse, mask) || q.data.length === 0 || k.data.length === 0) return reference('attentionBackward', inputs, attrs);
    const { dims, strides } = attentionGeometry(q, k, mask, attrs);
    const dq = output(q.data.length), dk = output(k.data.length), dv = output(v.data.length);
    addon.attentionBackward(f32(q), f32(k), f32(v), mask ? f32(mask) : null, f32(lse), f32(dout), dq, dk, dv, dims, strides);
    return [{ shape: q.shape, dtype: 'float32', data: dq }, { shape: k.shape, dtype: 'float32', data: dk }, { shape: v.shape, dtype: 'float32', data: dv }];
  });

  // Self-attention of a fused qkv [B, T, 3, H, D]: q, k and v are read in place through strides
  // (row stride 3C), the output is written as [B, T, H, D] and the gradient as [B, T, 3, H, D].
  const packed = (qkv: TensorData, attrs: PackedAttentionAttrs) => {
    const { B, T, H, D } = packedGeometry(qkv.shape, attrs.heads);
    const C = H * D;
    const dims = Float64Array.of(B, H, H, T, T, D, D, 0, attrs.causal ? 1 : 0, attrs.scale);
    const sqkv = [T * 3 * C, D, 3 * C], so = [T * C, D, C];
    // q, k, v, mask (none), out and dout, dq, dk, dv
    const strides = Float64Array.from([...sqkv, ...sqkv, ...sqkv, 0, 0, T, ...so, ...sqkv, ...sqkv, ...sqkv]);
    return { B, T, H, C, dims, strides };
  };
  registerKernel('packedAttention', 'native', (inputs, attrs) => {
    const qkv = inputs[0]!;
    if (!isF32(qkv) || qkv.data.length === 0) return reference('packedAttention', inputs, attrs);
    const { B, T, H, C, dims, strides } = packed(qkv, attrs);
    const x = f32(qkv);
    const out = output(B * T * C), lse = output(B * H * T);
    addon.attentionForward(x, x.subarray(C), x.subarray(2 * C), null, out, lse, dims, strides);
    return [{ shape: [B, T, C], dtype: 'float32', data: out }, { shape: [B, H, T], dtype: 'float32', data: lse }];
  });
  registerKernel('packedAttentionBackward', 'native', (inputs, attrs) => {
    const [dout, qkv, , lse] = inputs as [TensorData, TensorData, TensorData, TensorData];
    if (!isF32(dout, qkv, lse) || qkv.data.length === 0) return reference('packedAttentionBackward', inputs, attrs);
    const { C, dims, strides } = packed(qkv, attrs);
    const x = f32(qkv);
    const g = output(x.length); // [B, T, 3, H, D]: every element is one of dq, dk, dv, all written
    addon.attentionBackward(x, x.subarray(C), x.subarray(2 * C), null, f32(lse), f32(dout), g, g.subarray(C), g.subarray(2 * C), dims, strides);
    return { shape: qkv.shape, dtype: 'float32', data: g };
  });

  for (const inverse of [false, true]) {
    const name = inverse ? 'ropeBackward' : 'rope';
    registerKernel(name, 'native', (inputs, attrs) => {
      const [x, cos, sin] = inputs as [TensorData, TensorData, TensorData];
      const D = x.shape[x.shape.length - 1] ?? 0, T = x.shape[x.shape.length - 2] ?? 0;
      if (!isF32(x, cos, sin) || D === 0 || T === 0) return reference(name, inputs, attrs)[0]!;
      const y = output(x.data.length);
      addon.rope(f32(x), f32(cos), f32(sin), y, x.data.length / (T * D), T, 1, D, 0, false, inverse);
      return { shape: x.shape, dtype: 'float32', data: y };
    });
  }

  registerKernel('embedding', 'native', (inputs, attrs) => {
    const w = inputs[0]!;
    const C = w.shape[1]!;
    const ids = attrs.ids;
    if (!isF32(w) || C === 0) return reference('embedding', inputs, attrs)[0]!;
    const out = output(ids.data.length * C);
    addon.embeddingForward(f32(w), ids.data, out, ids.data.length, C);
    return { shape: [...ids.shape, C], dtype: 'float32', data: out };
  });
  registerKernel('embeddingBackward', 'native', (inputs, attrs) => {
    const dy = inputs[0]!;
    const C = dy.shape[dy.shape.length - 1]!;
    if (!isF32(dy) || C === 0) return reference('embeddingBackward', inputs, attrs)[0]!;
    const gw = new Float32Array(attrs.numEmbeddings * C); // accumulated into: must start at zero
    addon.embeddingBackward(f32(dy), attrs.ids.data, gw, attrs.ids.data.length, C);
    return { shape: [attrs.numEmbeddings, C], dtype: 'float32', data: gw };
  });

  registerKernel('adamwStep', 'native', (inputs, a) => {
    const [p, g, m, v] = inputs as [TensorData, TensorData, TensorData, TensorData];
    if (!isF32(p, g, m, v)) return reference('adamwStep', inputs, a);
    // Bias corrections in double precision, as PyTorch computes them in Python floats.
    const bc1 = 1 - Math.pow(a.beta1, a.step), bc2 = 1 - Math.pow(a.beta2, a.step);
    addon.adamw(f32(p), f32(g), f32(m), f32(v), a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, bc1, bc2, 1);
    return [p, m, v];
  });
}
