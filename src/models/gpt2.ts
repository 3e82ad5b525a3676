// The GPT-2 layout (Radford et al. 2019), as nanoGPT's model.py and llm.c build it. Read top to
// bottom, it is one block and what surrounds it:
//   LayerNorm     — normalise over the width with a learned scale and bias (eps 1e-5);
//   attention     — causal multi-head self-attention, one fused q/k/v projection and an output
//                   projection, both with biases; every head has its own keys and values;
//   MLP           — Linear(C → 4C) → GELU (tanh approximation) → Linear(4C → C), with biases;
//   block         — pre-norm residual: x + attn(ln1(x)), then x + mlp(ln2(x));
//   positions     — a learned absolute position table [ctx, C] added to the token embeddings;
//   head          — a final LayerNorm, then logits = x · wteᵀ: the lm head is tied to the token
//                   embedding (GPT-2's weight tying; untie with `tieEmbeddings: false`).
// Init (the `normal` scheme): weights and embeddings N(0, 0.02²), the attention and MLP output
// projections 0.02/√(2·layers) — GPT-2 §2.3's scaling of residual-path weights by depth.
// The modules live in src/nn; this file chooses and sizes them.
import { CausalSelfAttention, Embedding, LayerNorm, MLP } from '../nn/index.js';
import type { WeightInit } from '../nn/index.js';
import type { Rng } from '../tensor/index.js';
import type { ResolvedConfig } from './config.js';
import type { Layout } from './layout.js';

/** LayerNorm over the width, learned scale and bias. */
function norm(c: ResolvedConfig): LayerNorm {
  return new LayerNorm(c.dim, { eps: c.normEps, dtype: c.dtype });
}

/** Causal self-attention with biases on q/k/v and the output projection. */
function attention(c: ResolvedConfig, init: WeightInit, rng: Rng): CausalSelfAttention {
  return new CausalSelfAttention(c.dim, c.heads, {
    kvHeads: c.kvHeads, bias: true, std: init.std, projStd: init.residualStd, truncated: init.truncated, dtype: c.dtype, rng,
  });
}

/** Linear → GELU-tanh → Linear, 4× wide by default, with biases. */
function feedForward(c: ResolvedConfig, init: WeightInit, rng: Rng): MLP {
  return new MLP(c.dim, c.mlpHidden, { bias: true, std: init.std, projStd: init.residualStd, truncated: init.truncated, dtype: c.dtype, rng });
}

/** Learned absolute positions: one row per position, added to the token embedding. */
function positionEmbedding(c: ResolvedConfig, init: WeightInit, rng: Rng): Embedding {
  return new Embedding(c.contextLength, c.dim, { std: init.std, truncated: init.truncated, dtype: c.dtype, rng });
}

export const gpt2: Layout = {
  defaultMlpHidden: (dim) => 4 * dim,
  defaultTieEmbeddings: true,
  norm,
  attention,
  feedForward,
  positionEmbedding,
  rotaryTables: () => null,
};
