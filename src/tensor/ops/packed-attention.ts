// Causal self-attention straight from a fused qkv projection (the GPT-2 layout: nanoGPT's
// c_attn, llm.c's attention_forward on [B, T, 3C]). The composite — split qkv into heads
// ([B, T, 3, H, D] → three [B, H, T, D] copies), attend, merge heads back ([B, H, T, D] →
// [B, T, C]) — copies every activation twice in each direction; a backend with strided attention
// kernels reads q, k and v in place and writes the output and the qkv gradient in their final
// layout. The reference kernels here do exactly the composite's copies around the reference
// attention kernels; op-cases.ts checks the op against the composite built from primitives.
import { ShapeError } from '../../errors.js';
import { apply } from '../autograd.js';
import { defineOp, registerKernel } from '../registry.js';
import type { AttentionAttrs, PackedAttentionAttrs } from '../op-attrs.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocate } from '../types.js';
import type { TensorData } from '../types.js';
import { attentionBackwardKernel, attentionKernel } from './attention.js';

/** [B, T, 3·H·D] → B, T, H, D (throws a ShapeError naming the op otherwise). */
export function packedGeometry(shape: readonly number[], heads: number): { B: number; T: number; H: number; D: number } {
  const C3 = shape[2] ?? 0;
  if (shape.length !== 3 || !Number.isInteger(heads) || heads < 1 || C3 % (3 * heads) !== 0) {
    throw new ShapeError(`packedAttention: qkv ${fmtShape(shape)} is not [B, T, 3·heads·D] with ${heads} heads`, 'pass the output of one qkv projection of width 3·dim, and heads dividing dim');
  }
  return { B: shape[0]!, T: shape[1]!, H: heads, D: C3 / (3 * heads) };
}

function attentionAttrs(a: PackedAttentionAttrs): AttentionAttrs {
  return { causal: a.causal, scale: a.scale, offset: 0 };
}

/** Heads [B, H, T, D] from rows of `x` that hold H·D values at `offset` every `rowStride`. */
function toHeads(x: TensorData, rowStride: number, offset: number, B: number, T: number, H: number, D: number): TensorData {
  const out = allocate(x.dtype, B * H * T * D);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        const from = (b * T + t) * rowStride + offset + h * D, to = ((b * H + h) * T + t) * D;
        for (let d = 0; d < D; d++) out[to + d] = x.data[from + d]!;
      }
    }
  }
  return { shape: [B, H, T, D], dtype: x.dtype, data: out };
}

/** qkv [B, T, 3, H, D] → q, k, v as [B, H, T, D] each. */
function unpack(qkv: TensorData, B: number, T: number, H: number, D: number): TensorData[] {
  const C = H * D;
  return [0, 1, 2].map((s) => toHeads(qkv, 3 * C, s * C, B, T, H, D));
}

/** x [B, H, T, D] → [B, T, H·D]. */
function mergeHeads(x: TensorData, B: number, T: number, H: number, D: number): TensorData {
  const out = allocate(x.dtype, B * T * H * D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const from = ((b * H + h) * T + t) * D, to = ((b * T + t) * H + h) * D;
        for (let d = 0; d < D; d++) out[to + d] = x.data[from + d]!;
      }
    }
  }
  return { shape: [B, T, H * D], dtype: x.dtype, data: out };
}

function packedKernel(inputs: readonly TensorData[], attrs: PackedAttentionAttrs): TensorData[] {
  const qkv = inputs[0]!;
  const { B, T, H, D } = packedGeometry(qkv.shape, attrs.heads);
  const [out, lse] = attentionKernel(unpack(qkv, B, T, H, D), attentionAttrs(attrs)) as [TensorData, TensorData];
  return [mergeHeads(out, B, T, H, D), lse];
}

function packedBackwardKernel(inputs: readonly TensorData[], attrs: PackedAttentionAttrs): TensorData {
  const [dout, qkv, out, lse] = inputs as [TensorData, TensorData, TensorData, TensorData];
  const { B, T, H, D } = packedGeometry(qkv.shape, attrs.heads);
  // [B, T, H·D] → [B, H, T, D], the layout the reference attention kernels take.
  const split = (x: TensorData): TensorData => toHeads(x, H * D, 0, B, T, H, D);
  const [q, k, v] = unpack(qkv, B, T, H, D);
  const grads = attentionBackwardKernel([split(dout), q!, k!, v!, split(out), lse], attentionAttrs(attrs));
  // dq, dk, dv [B, H, T, D] → dqkv [B, T, 3, H, D]
  const dqkv = allocate(qkv.dtype, qkv.data.length);
  for (let s = 0; s < 3; s++) {
    const g = grads[s]!.data;
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        for (let t = 0; t < T; t++) {
          const from = ((b * H + h) * T + t) * D, to = (((b * T + t) * 3 + s) * H + h) * D;
          for (let d = 0; d < D; d++) dqkv[to + d] = g[from + d]!;
        }
      }
    }
  }
  return { shape: qkv.shape, dtype: qkv.dtype, data: dqkv };
}

const packedSpec = defineOp({
  name: 'packedAttention', inputs: ['qkv'], outputs: 2, doc: 'self-attention from a fused qkv [B,T,3C] → [out [B,T,C], lse] (backward is packedAttentionBackward)',
  grad: ([g], { inputs: [qkv], outputs: [out, lse], attrs }) => [apply(packedBackwardSpec, [g!, qkv!, out!, lse!], attrs)[0]!],
});
const packedBackwardSpec = defineOp({ name: 'packedAttentionBackward', inputs: ['dout', 'qkv', 'out', 'lse'], outputs: 1, doc: '→ [dqkv]' });
registerKernel('packedAttention', 'reference', packedKernel);
registerKernel('packedAttentionBackward', 'reference', packedBackwardKernel);

export interface PackedAttentionOptions {
  /** Causal masking (default true). */
  causal?: boolean;
  /** Score scale (default 1/√D). */
  scale?: number;
}

/**
 * Multi-head self-attention of the fused projection qkv [B, T, 3·H·D] (q, k, v in that order,
 * each [H, D] per position, as nanoGPT's `c_attn`) → [B, T, H·D], heads merged. Equal to
 * splitting heads, `attention(q, k, v)` and merging them back, without the copies.
 */
export function packedAttention(qkv: Tensor, heads: number, options: PackedAttentionOptions = {}): Tensor {
  const { D } = packedGeometry(qkv.shape, heads);
  const attrs: PackedAttentionAttrs = { heads, causal: options.causal ?? true, scale: options.scale ?? 1 / Math.sqrt(D) };
  return apply(packedSpec, [qkv], attrs)[0]!;
}
