// The name and attribute type of every registered op: the single list a backend codes to.
// Inputs are float `TensorData` (listed per op in its `defineOp` call and below); integer data
// (ids, targets, gather indices) travels in attributes as `IndexData` because it is never
// differentiated. Axes in attributes are already normalised (non-negative, sorted, unique);
// shapes in attributes are full shapes. Names and attribute shapes are stable: backends rely on them.
import type { DType, IndexData } from './types.js';

/** Ops without attributes take `{}`. */
export type NoAttrs = Record<string, never>;

export interface ReduceAttrs { readonly axes: readonly number[]; readonly keepdim: boolean }
export interface AxisAttrs { readonly axis: number }
export interface GeluAttrs { readonly approximate: 'tanh' | 'none' }
export interface MatmulAttrs { readonly transA: boolean; readonly transB: boolean }
/** The flags of two independent 2-D products (first, second). */
export interface MatmulPairAttrs { readonly first: MatmulAttrs; readonly second: MatmulAttrs }
export interface CrossEntropyAttrs {
  /** Class index per position, shape = logits shape without its last axis. */
  readonly targets: IndexData;
  /** Positions whose target equals this contribute nothing (PyTorch's ignore_index; -100 by default). */
  readonly ignoreIndex: number;
  /** 'mean' divides by the total weight of non-ignored positions (0 when that is 0). */
  readonly reduction: 'mean' | 'sum' | 'none';
}
/** Self-attention of a fused qkv projection [B, T, 3·heads·D]. */
export interface PackedAttentionAttrs {
  readonly heads: number;
  readonly causal: boolean;
  readonly scale: number;
}

export interface AttentionAttrs {
  /** Causal masking: query i (absolute position offset + i) sees keys j ≤ offset + i. */
  readonly causal: boolean;
  /** Multiplies q·k; 1/sqrt(head dim) by default. */
  readonly scale: number;
  /** Absolute position of the first query; Tk − Tq by default (the KV-cache case). */
  readonly offset: number;
}

/**
 * Op name → attributes. Inputs (in order; `?` optional, trailing only) and outputs:
 *
 *   add sub mul div pow eq gt   [a, b] broadcast → [out]            (eq/gt: 1.0 or 0.0, no gradient)
 *   where                       [cond, a, b] broadcast → [out]      (cond ≠ 0 picks a)
 *   neg exp log sqrt rsqrt abs tanh sigmoid relu silu  [x] → [y]
 *   gelu                        [x] → [y]
 *   geluBackward siluBackward   [dy, x] → [dx]
 *   cast                        [x] → [x as attrs.dtype]
 *   matmul                      [a [...,M,K] (or [...,K,M] if transA), b [...,K,N] (or [...,N,K] if transB)] → [[...,M,N]]
 *                               batch dims broadcast; both inputs have rank ≥ 2
 *   matmulPair                  [a1, b1, a2, b2] (all 2-D) → [op(a1)·op(b1), op(a2)·op(b2)]   (two independent
 *                               products at once: a layer's input and weight gradients)
 *   linear                      [x [N,K], weight [O,K], bias [O]] → [[N,O]]   (x·wᵀ + b)
 *   sum max logsumexp           [x] → [reduced]
 *   broadcastTo                 [x] → [x broadcast to attrs.shape]
 *   reshape                     [x] → [same data, attrs.shape]   (reference kernel returns a view)
 *   permute                     [x] → [x with axes reordered: out axis i = in axis dims[i]]
 *   slice                       [x] → [x[starts[i]:ends[i]] per axis]
 *   sliceBackward               [dy] → [zeros(attrs.shape) with dy written at attrs.starts]
 *   concat                      [x0, x1, ...] (variadic) → [joined along attrs.axis]
 *   split                       [x] → [pieces of attrs.sizes along attrs.axis] (variadic outputs; views when contiguous)
 *   gather                      [x] → [out[..i..] = x[.. index[..i..] on axis ..]] (torch.gather)
 *   scatterAdd                  [src] → [zeros(attrs.shape), out[.. index on axis ..] += src]
 *   embedding                   [weight [V,C]] → [[...ids.shape, C]]
 *   embeddingBackward           [dy [...ids.shape, C]] → [[numEmbeddings, C]] (scatter-add)
 *   softmax logSoftmax          [x] → [y]
 *   softmaxBackward logSoftmaxBackward  [dy, y] → [dx]
 *   crossEntropy                [logits [...,C], weights? [...]] → [loss ([] or [...]), lse [...]]
 *   crossEntropyBackward        [dloss, logits, lse, weights?] → [dlogits]
 *   layerNorm                   [x [...,C], weight [C], bias? [C]] → [y, mean [rows], rstd [rows]]
 *   layerNormBackward           [dy, x, weight, mean, rstd] → [dx, dweight, dbias]
 *   rmsNorm                     [x [...,C], weight [C]] → [y, rstd [rows]]
 *   rmsNormBackward             [dy, x, weight, rstd] → [dx, dweight]
 *   attention                   [q [B,H,Tq,D], k [B,Hkv,Tk,D], v [B,Hkv,Tk,D], mask? [Tq,Tk] or [B|1,H|1,Tq,Tk]]
 *                               → [out [B,H,Tq,D], lse [B,H,Tq]]   (H % Hkv = 0: grouped-query attention)
 *   attentionBackward           [dout, q, k, v, out, lse, mask?] → [dq, dk, dv]
 *   packedAttention             [qkv [B,T,3·H·D] (q, k, v; heads inner)] → [out [B,T,H·D], lse [B,H,T]]
 *   packedAttentionBackward     [dout, qkv, out, lse] → [dqkv]
 *   rope                        [x [...,T,D], cos [T,D/2], sin [T,D/2]] → [y]   (rotate-half pairs (i, i+D/2))
 *   ropeBackward                [dy, cos, sin] → [dx]
 *   adamwStep                   [param, grad, m, v] → [param, m, v] updated IN PLACE (the one in-place op)
 */
export interface OpAttrs {
  add: NoAttrs; sub: NoAttrs; mul: NoAttrs; div: NoAttrs; pow: NoAttrs;
  eq: NoAttrs; gt: NoAttrs; where: NoAttrs;
  neg: NoAttrs; exp: NoAttrs; log: NoAttrs; sqrt: NoAttrs; rsqrt: NoAttrs; abs: NoAttrs;
  tanh: NoAttrs; sigmoid: NoAttrs; relu: NoAttrs; silu: NoAttrs; siluBackward: NoAttrs;
  gelu: GeluAttrs; geluBackward: GeluAttrs;
  cast: { readonly dtype: DType };
  matmul: MatmulAttrs;
  matmulPair: MatmulPairAttrs;
  linear: NoAttrs;
  sum: ReduceAttrs; max: ReduceAttrs; logsumexp: ReduceAttrs;
  broadcastTo: { readonly shape: readonly number[] };
  reshape: { readonly shape: readonly number[] };
  permute: { readonly dims: readonly number[] };
  slice: { readonly starts: readonly number[]; readonly ends: readonly number[] };
  sliceBackward: { readonly shape: readonly number[]; readonly starts: readonly number[] };
  concat: AxisAttrs;
  split: { readonly axis: number; readonly sizes: readonly number[] };
  gather: { readonly axis: number; readonly index: IndexData };
  scatterAdd: { readonly axis: number; readonly index: IndexData; readonly shape: readonly number[] };
  embedding: { readonly ids: IndexData };
  embeddingBackward: { readonly ids: IndexData; readonly numEmbeddings: number };
  softmax: AxisAttrs; logSoftmax: AxisAttrs; softmaxBackward: AxisAttrs; logSoftmaxBackward: AxisAttrs;
  crossEntropy: CrossEntropyAttrs; crossEntropyBackward: CrossEntropyAttrs;
  layerNorm: { readonly eps: number }; layerNormBackward: NoAttrs;
  rmsNorm: { readonly eps: number }; rmsNormBackward: NoAttrs;
  attention: AttentionAttrs; attentionBackward: AttentionAttrs;
  packedAttention: PackedAttentionAttrs; packedAttentionBackward: PackedAttentionAttrs;
  rope: NoAttrs; ropeBackward: NoAttrs;
  adamwStep: AdamWStepAttrs;
}

/** One AdamW step (decoupled weight decay, bias-corrected) over flat buffers. */
export interface AdamWStepAttrs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Decoupled decay: param -= lr * weightDecay * param (0 for the no-decay group). */
  readonly weightDecay: number;
  /** 1-based step count, for bias correction. */
  readonly step: number;
}

export type OpName = keyof OpAttrs;
