// Scaled dot-product attention (Vaswani et al. 2017), fused forward and backward in the manner of
// FlashAttention (Dao et al. 2022): the forward keeps each query's log-sum-exp, and the backward
// recomputes probabilities from it instead of storing the [Tq, Tk] matrix. Supports causal
// masking with a query offset (the KV-cache path: Tq < Tk), an optional additive mask and
// grouped-query attention (fewer key/value heads than query heads).
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import type { AttentionAttrs } from '../op-attrs.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { FloatArray, TensorData } from '../types.js';

interface Geometry { B: number; H: number; Hkv: number; Tq: number; Tk: number; D: number; mbs: number; mhs: number }

function geometry(q: TensorData, k: TensorData, mask: TensorData | undefined): Geometry {
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const [, Hkv, Tk] = k.shape as [number, number, number];
  let mbs = 0, mhs = 0; // mask strides over batch and head (0 when broadcast)
  if (mask && mask.shape.length === 4) {
    mhs = mask.shape[1] === 1 ? 0 : Tq * Tk;
    mbs = mask.shape[0] === 1 ? 0 : mask.shape[1]! * Tq * Tk;
  }
  return { B, H, Hkv, Tq, Tk, D, mbs, mhs };
}

/** Last key index query i may see (exclusive bound). */
function keyLimit(attrs: AttentionAttrs, i: number, Tk: number): number {
  return attrs.causal ? Math.max(0, Math.min(Tk, attrs.offset + i + 1)) : Tk;
}

/** @internal The reference kernel (also used by packedAttention's). */
export function attentionKernel(inputs: readonly TensorData[], attrs: AttentionAttrs): TensorData[] {
  const [q, k, v] = inputs as [TensorData, TensorData, TensorData];
  const mask = inputs[3];
  const { B, H, Hkv, Tq, Tk, D, mbs, mhs } = geometry(q, k, mask);
  const group = H / Hkv;
  const out = allocate(q.dtype, B * H * Tq * D);
  const lse = allocate(q.dtype, B * H * Tq);
  const p = new Float64Array(Tk);
  const qd = q.data, kd = k.data, vd = v.data, md = mask?.data;
  const scale = attrs.scale;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const qo = (b * H + h) * Tq * D;
      const ko = (b * Hkv + Math.floor(h / group)) * Tk * D;
      const mo = b * mbs + h * mhs;
      for (let i = 0; i < Tq; i++) {
        const lim = keyLimit(attrs, i, Tk);
        const qi = qo + i * D;
        let m = -Infinity;
        for (let j = 0; j < lim; j++) {
          const kj = ko + j * D;
          let s = 0;
          for (let d = 0; d < D; d++) s += qd[qi + d]! * kd[kj + d]!;
          s *= scale;
          if (md) s += md[mo + i * Tk + j]!;
          p[j] = s;
          if (s > m) m = s;
        }
        const row = (b * H + h) * Tq + i;
        if (m === -Infinity) {
          lse[row] = -Infinity; // nothing visible: output 0
          continue;
        }
        let sum = 0;
        for (let j = 0; j < lim; j++) {
          p[j] = Math.exp(p[j]! - m);
          sum += p[j]!;
        }
        lse[row] = m + Math.log(sum);
        const inv = 1 / sum;
        const oi = qo + i * D;
        for (let j = 0; j < lim; j++) {
          const pj = p[j]! * inv;
          if (pj === 0) continue;
          const vj = ko + j * D;
          for (let d = 0; d < D; d++) out[oi + d] = out[oi + d]! + pj * vd[vj + d]!;
        }
      }
    }
  }
  return [{ shape: q.shape, dtype: q.dtype, data: out }, { shape: [B, H, Tq], dtype: q.dtype, data: lse }];
}

/** @internal The reference kernel (also used by packedAttention's). */
export function attentionBackwardKernel(inputs: readonly TensorData[], attrs: AttentionAttrs): TensorData[] {
  const [dout, q, k, v, out, lse] = inputs as [TensorData, TensorData, TensorData, TensorData, TensorData, TensorData];
  const mask = inputs[6];
  const { B, H, Hkv, Tq, Tk, D, mbs, mhs } = geometry(q, k, mask);
  const group = H / Hkv;
  const dq = allocate(q.dtype, q.data.length);
  const dk = allocate(q.dtype, k.data.length);
  const dv = allocate(q.dtype, v.data.length);
  const qd = q.data, kd = k.data, vd = v.data, od = out.data, gd = dout.data, md: FloatArray | undefined = mask?.data;
  const scale = attrs.scale;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const qo = (b * H + h) * Tq * D;
      const ko = (b * Hkv + Math.floor(h / group)) * Tk * D;
      const mo = b * mbs + h * mhs;
      for (let i = 0; i < Tq; i++) {
        const row = (b * H + h) * Tq + i;
        const l = lse.data[row]!;
        if (l === -Infinity) continue;
        const lim = keyLimit(attrs, i, Tk);
        const qi = qo + i * D;
        let Di = 0; // Σ_j p_ij dp_ij = dout_i · out_i
        for (let d = 0; d < D; d++) Di += gd[qi + d]! * od[qi + d]!;
        for (let j = 0; j < lim; j++) {
          const kj = ko + j * D;
          let s = 0, dp = 0;
          for (let d = 0; d < D; d++) {
            s += qd[qi + d]! * kd[kj + d]!;
            dp += gd[qi + d]! * vd[kj + d]!;
          }
          s *= scale;
          if (md) s += md[mo + i * Tk + j]!;
          const pij = Math.exp(s - l);
          if (pij === 0) continue;
          const ds = pij * (dp - Di) * scale;
          for (let d = 0; d < D; d++) {
            dv[kj + d] = dv[kj + d]! + pij * gd[qi + d]!;
            dq[qi + d] = dq[qi + d]! + ds * kd[kj + d]!;
            dk[kj + d] = dk[kj + d]! + ds * qd[qi + d]!;
          }
        }
      }
    }
  }
  return [
    { shape: q.shape, dtype: q.dtype, data: dq },
    { shape: k.shape, dtype: q.dtype, data: dk },
    { shape: v.shape, dtype: q.dtype, data: dv },
  ];
}

const attentionSpec = defineOp({
  name: 'attention', inputs: ['q', 'k', 'v', 'mask?'], outputs: 2, doc: 'scaled dot-product attention → [out, lse] (fused; backward is attentionBackward)',
  grad: ([g], { inputs, outputs: [out, lse], attrs }) => {
    const ins = [g!, inputs[0]!, inputs[1]!, inputs[2]!, out!, lse!];
    if (inputs[3]) ins.push(inputs[3]);
    const [dq, dk, dv] = apply(attentionBackwardSpec, ins, attrs);
    return [dq!, dk!, dv!, null];
  },
});
const attentionBackwardSpec = defineOp({ name: 'attentionBackward', inputs: ['dout', 'q', 'k', 'v', 'out', 'lse', 'mask?'], outputs: 3, doc: '→ [dq, dk, dv]' });
registerKernel('attention', 'reference', attentionKernel);
registerKernel('attentionBackward', 'reference', attentionBackwardKernel);

export interface AttentionOptions {
  /** Causal masking (default true). */
  causal?: boolean;
  /** Score scale (default 1/√D). */
  scale?: number;
  /** Absolute position of the first query (default Tk − Tq, i.e. queries are the last Tq positions). */
  offset?: number;
  /** Additive mask [Tq, Tk] or [B|1, H|1, Tq, Tk] (−∞ hides a key); it gets no gradient. */
  mask?: Tensor;
}

/** softmax(q·kᵀ·scale + mask)·v per head. q [B,H,Tq,D], k and v [B,Hkv,Tk,D] with H % Hkv = 0 → [B,H,Tq,D]. */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const shapes = `q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)}`;
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) throw new ShapeError(`attention: ${shapes} must all be [B, H, T, D]`, 'split heads first: reshape [B, T, H·D] → [B, T, H, D] and transpose to [B, H, T, D]');
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const [kb, Hkv, Tk, kd] = k.shape as [number, number, number, number];
  if (kb !== B || kd !== D || v.shape[0] !== B || v.shape[1] !== Hkv || v.shape[2] !== Tk || v.shape[3] !== D) {
    throw new ShapeError(`attention: ${shapes} don't match`, 'q, k and v need the same batch and head size, and k and v the same shape');
  }
  if (Hkv === 0 || H % Hkv !== 0) throw new ShapeError(`attention: ${H} query heads don't divide into ${Hkv} key/value heads (${shapes})`, 'the number of query heads must be a multiple of the key/value heads');
  const attrs: AttentionAttrs = { causal: options.causal ?? true, scale: options.scale ?? 1 / Math.sqrt(D), offset: options.offset ?? Tk - Tq };
  const inputs = [q, k, v];
  if (options.mask) {
    const m = options.mask.shape;
    const ok = (m.length === 2 && m[0] === Tq && m[1] === Tk)
      || (m.length === 4 && (m[0] === 1 || m[0] === B) && (m[1] === 1 || m[1] === H) && m[2] === Tq && m[3] === Tk);
    if (!ok) throw new ShapeError(`attention: mask ${fmtShape(m)} doesn't fit scores [${B},${H},${Tq},${Tk}]`, `pass [${Tq},${Tk}] or [${B}|1,${H}|1,${Tq},${Tk}]`);
    inputs.push(options.mask);
  }
  return apply(attentionSpec, inputs, attrs)[0]!;
}
