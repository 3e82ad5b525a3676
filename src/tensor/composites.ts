// Reference composites of the fused ops, built only from primitive ops (CONVENTIONS.md 3): the
// tests check each fused kernel's forward and backward against these.
import { IndexTensor } from './index-tensor.js';
import type { AttentionOptions } from './ops/attention.js';
import { add, div, gt, mul, sub, where } from './ops/binary.js';
import { gather, indexSelect, oneHot } from './ops/indexing.js';
import type { CrossEntropyOptions } from './ops/loss.js';
import { concat, permute, reshape, slice, split } from './ops/layout.js';
import { matmul } from './ops/matmul.js';
import { logsumexp, mean, sum } from './ops/reduce.js';
import { exp, neg, rsqrt, sigmoid, tanh } from './ops/unary.js';
import { arange, tensor } from './tensor.js';
import type { Tensor } from './tensor.js';

export function geluTanhComposite(x: Tensor): Tensor {
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

export function siluComposite(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

export function logSoftmaxComposite(x: Tensor, axis = -1): Tensor {
  return sub(x, logsumexp(x, axis, true));
}

export function softmaxComposite(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmaxComposite(x, axis));
}

export function crossEntropyComposite(logits: Tensor, targets: IndexTensor, options: CrossEntropyOptions = {}): Tensor {
  const ignore = options.ignoreIndex ?? -100;
  const keepData = new Float64Array(targets.size);
  const safe = new Int32Array(targets.size);
  targets.data.forEach((t, i) => {
    keepData[i] = t === ignore ? 0 : 1;
    safe[i] = t === ignore ? 0 : t;
  });
  let keep = tensor(keepData, targets.shape, { dtype: logits.dtype });
  if (options.weights) keep = mul(keep, options.weights);
  const picked = reshape(gather(logSoftmaxComposite(logits), -1, new IndexTensor(safe, [...targets.shape, 1])), targets.shape);
  const losses = mul(neg(picked), keep);
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return sum(losses);
  const denom = sum(keep).item();
  return denom === 0 ? mul(sum(losses), 0) : div(sum(losses), denom);
}

export function layerNormComposite(x: Tensor, weight: Tensor, bias?: Tensor | null, eps = 1e-5): Tensor {
  const mu = mean(x, -1, true);
  const d = sub(x, mu);
  const y = mul(mul(d, rsqrt(add(mean(mul(d, d), -1, true), eps))), weight);
  return bias ? add(y, bias) : y;
}

export function rmsNormComposite(x: Tensor, weight: Tensor, eps = 1e-5): Tensor {
  return mul(mul(x, rsqrt(add(mean(mul(x, x), -1, true), eps))), weight);
}

export function ropeComposite(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const D = x.shape[x.ndim - 1]!;
  const x1 = slice(x, -1, 0, D / 2);
  const x2 = slice(x, -1, D / 2);
  return concat([sub(mul(x1, cos), mul(x2, sin)), add(mul(x2, cos), mul(x1, sin))], -1);
}

export function embeddingComposite(weight: Tensor, ids: IndexTensor): Tensor {
  const V = weight.shape[0]!;
  const hot = reshape(oneHot(ids, V, weight.dtype), [ids.size, V]); // [N, V]
  return reshape(matmul(hot, weight), [...ids.shape, weight.shape[1]!]); // [..., C]
}

export function attentionComposite(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const [, H, Tq, D] = q.shape as [number, number, number, number];
  const [, Hkv, Tk] = k.shape as [number, number, number];
  if (Hkv !== H) {
    const map = new IndexTensor(Int32Array.from({ length: H }, (_, h) => Math.floor(h / (H / Hkv))));
    k = indexSelect(k, 1, map);
    v = indexSelect(v, 1, map);
  }
  const offset = options.offset ?? Tk - Tq;
  let scores = mul(matmul(q, k, { transB: true }), options.scale ?? 1 / Math.sqrt(D)); // [B,H,Tq,Tk]
  if (options.mask) scores = add(scores, options.mask);
  if (options.causal ?? true) {
    const i = reshape(arange(0, Tq, 1, { dtype: q.dtype }), [Tq, 1]);
    const j = reshape(arange(0, Tk, 1, { dtype: q.dtype }), [1, Tk]);
    scores = where(gt(j, add(i, offset)), -Infinity, scores);
  }
  return matmul(softmaxComposite(scores, -1), v);
}

/** packedAttention from primitives: split heads, attend, merge heads. qkv [B, T, 3·H·D] → [B, T, H·D]. */
export function packedAttentionComposite(qkv: Tensor, heads: number, options: { causal?: boolean } = {}): Tensor {
  const [B, T, C3] = qkv.shape as [number, number, number];
  const D = C3 / (3 * heads);
  const parts = permute(reshape(qkv, [B, T, 3, heads, D]), [2, 0, 3, 1, 4]); // [3, B, H, T, D]
  const [q, k, v] = split(parts, 3, 0).map((t) => reshape(t, [B, heads, T, D])) as [Tensor, Tensor, Tensor];
  const y = attentionComposite(q, k, v, { causal: options.causal ?? true }); // [B, H, T, D]
  return reshape(permute(y, [0, 2, 1, 3]), [B, T, heads * D]); // [B, T, C]
}
