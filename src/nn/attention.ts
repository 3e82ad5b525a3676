// Causal multi-head self-attention (Vaswani et al. 2017) with one fused q/k/v projection, optional
// rotary embeddings (Llama), grouped-query attention (kvHeads < heads) and a KV cache for
// incremental decoding. The score computation is the fused `attention` op.
import { ShapeError } from '../errors.js';
import { attention, concat, packedAttention, permute, reshape, rope, split, transpose } from '../tensor/index.js';
import type { DType, Rng, Tensor } from '../tensor/index.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export interface SelfAttentionOptions {
  /** Key/value heads (default = heads); fewer gives grouped-query attention. */
  kvHeads?: number;
  /** Biases on the projections (GPT-2: yes; Llama: no). */
  bias?: boolean;
  /** Init std of the q/k/v projection (default 0.02). */
  std?: number;
  /** Init std of the output projection (default: std; GPT-2 scales it by 1/√(2·layers)). */
  projStd?: number;
  /** Truncate the weight draws at ±3 std (default false). */
  truncated?: boolean;
  dtype?: DType;
  rng?: Rng;
}

/** Keys and values seen so far by one layer, grown along T as tokens are decoded. */
export interface LayerCache {
  k: Tensor | null; // [B, Hkv, T, D]
  v: Tensor | null; // [B, Hkv, T, D]
}

/** Per-call context: rotary tables for the positions in x, and this layer's cache when decoding. */
export interface AttentionContext {
  rope?: { cos: Tensor; sin: Tensor };
  cache?: LayerCache;
}

export class CausalSelfAttention extends Module {
  readonly qkv: Linear; // [C] → [(H + 2·Hkv)·D]
  readonly proj: Linear; // [C] → [C]
  readonly kvHeads: number;
  readonly headDim: number;

  constructor(readonly dim: number, readonly heads: number, options: SelfAttentionOptions = {}) {
    super();
    if (dim % heads !== 0) throw new ShapeError(`CausalSelfAttention: dim ${dim} is not divisible by ${heads} heads`, 'pick a head count that divides the model width');
    this.kvHeads = options.kvHeads ?? heads;
    if (heads % this.kvHeads !== 0) throw new ShapeError(`CausalSelfAttention: ${heads} heads don't group into ${this.kvHeads} key/value heads`, 'kvHeads must divide heads');
    this.headDim = dim / heads;
    const bias = options.bias ?? true;
    const common = {
      bias, ...(options.dtype ? { dtype: options.dtype } : {}), ...(options.rng ? { rng: options.rng } : {}),
      ...(options.truncated !== undefined ? { truncated: options.truncated } : {}),
    };
    this.qkv = new Linear(dim, (heads + 2 * this.kvHeads) * this.headDim, { ...common, ...(options.std !== undefined ? { std: options.std } : {}) });
    const projStd = options.projStd ?? options.std;
    this.proj = new Linear(dim, dim, { ...common, ...(projStd !== undefined ? { std: projStd } : {}) });
  }

  /** x [B, T, C] → [B, T, C] */
  forward(x: Tensor, ctx: AttentionContext = {}): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const H = this.heads, Hkv = this.kvHeads, D = this.headDim;
    const qkv = this.qkv.forward(x); // [B, T, (H + 2·Hkv)·D]
    // Training and plain inference (no rotary, no cache, all heads): attention reads q, k, v in
    // place from the fused projection and writes [B, T, C], no head split/merge copies.
    if (Hkv === H && !ctx.rope && !ctx.cache) return this.proj.forward(packedAttention(qkv, H)); // [B, T, C]
    let q: Tensor, k: Tensor, v: Tensor;
    if (Hkv === H) {
      // One permute, then a split along the leading axis into three contiguous views.
      const parts = permute(reshape(qkv, [B, T, 3, H, D]), [2, 0, 3, 1, 4]); // [3, B, H, T, D]
      [q, k, v] = split(parts, 3, 0).map((t) => reshape(t, [B, H, T, D])) as [Tensor, Tensor, Tensor];
    } else {
      const [qs, ks, vs] = split(qkv, [H * D, Hkv * D, Hkv * D], -1) as [Tensor, Tensor, Tensor];
      q = transpose(reshape(qs, [B, T, H, D]), 1, 2); // [B, H, T, D]
      k = transpose(reshape(ks, [B, T, Hkv, D]), 1, 2); // [B, Hkv, T, D]
      v = transpose(reshape(vs, [B, T, Hkv, D]), 1, 2); // [B, Hkv, T, D]
    }
    if (ctx.rope) {
      q = rope(q, ctx.rope.cos, ctx.rope.sin);
      k = rope(k, ctx.rope.cos, ctx.rope.sin);
    }
    if (ctx.cache) {
      if (ctx.cache.k && ctx.cache.v) {
        k = concat([ctx.cache.k, k], 2); // [B, Hkv, Tpast + T, D]
        v = concat([ctx.cache.v, v], 2);
      }
      ctx.cache.k = k;
      ctx.cache.v = v;
    }
    const y = attention(q, k, v, { causal: true }); // [B, H, T, D], queries are the last T positions
    return this.proj.forward(reshape(transpose(y, 1, 2), [B, T, C])); // [B, T, C]
  }
}
