// The Llama layout (Touvron et al. 2023). Read top to bottom, it is one block and what
// surrounds it:
//   RMSNorm       — x / rms(x) · scale over the width, no mean subtraction and no bias
//                   (Zhang & Sennrich 2019; eps 1e-5);
//   RoPE          — rotary position embeddings (Su et al. 2021): cos/sin tables [ctx, D/2] for
//                   θ_i = base^(−2i/D), base 10000, built once per model; queries and keys are
//                   rotated by their position inside attention, so there is no position table;
//   attention     — causal self-attention without biases; grouped-query attention (Ainslie et
//                   al. 2023) when kvHeads < heads: each key/value head serves heads/kvHeads
//                   query heads;
//   SwiGLU        — down(silu(gate(x)) · up(x)) (Shazeer 2020), hidden width 8/3·C rounded up
//                   to a multiple of 32, no biases;
//   block         — pre-norm residual: x + attn(norm1(x)), then x + mlp(norm2(x));
//   head          — a final RMSNorm, then a separate lm head Linear(C → V) without bias
//                   (untied by default; `tieEmbeddings: true` shares the token embedding).
// Init as for gpt2 (the config's `init` scheme): the attention output and the SwiGLU down
// projection are the residual projections.
// The modules live in src/nn; this file chooses and sizes them.
import { CausalSelfAttention, RMSNorm, SwiGLU } from '../nn/index.js';
import type { WeightInit } from '../nn/index.js';
import { ropeTables } from '../tensor/index.js';
import type { Rng, Tensor } from '../tensor/index.js';
import type { ResolvedConfig } from './config.js';
import type { Layout } from './layout.js';

/** RMSNorm over the width, learned scale. */
function norm(c: ResolvedConfig): RMSNorm {
  return new RMSNorm(c.dim, { eps: c.normEps, dtype: c.dtype });
}

/** cos/sin of every position's rotation angles [ctx, D/2], D the head size. */
function rotaryTables(c: ResolvedConfig): { cos: Tensor; sin: Tensor } {
  return ropeTables(c.contextLength, c.dim / c.heads, { base: c.ropeBase, dtype: c.dtype });
}

/** Causal self-attention without biases, kvHeads key/value heads shared by groups of query heads. */
function attention(c: ResolvedConfig, init: WeightInit, rng: Rng): CausalSelfAttention {
  return new CausalSelfAttention(c.dim, c.heads, {
    kvHeads: c.kvHeads, bias: false, std: init.std, projStd: init.residualStd, truncated: init.truncated, dtype: c.dtype, rng,
  });
}

/** SwiGLU feed-forward without biases. */
function feedForward(c: ResolvedConfig, init: WeightInit, rng: Rng): SwiGLU {
  return new SwiGLU(c.dim, c.mlpHidden, { bias: false, std: init.std, projStd: init.residualStd, truncated: init.truncated, dtype: c.dtype, rng });
}

export const llama: Layout = {
  defaultMlpHidden: (dim) => 32 * Math.ceil((8 * dim) / 3 / 32),
  defaultTieEmbeddings: false,
  norm,
  attention,
  feedForward,
  positionEmbedding: () => null,
  rotaryTables,
};
