// What a transformer layout decides: which norm, attention and feed-forward a block is made of,
// how positions enter, and the defaults that differ between layouts. `gpt2.ts` and `llama.ts`
// each implement this in reading order; `Transformer` (transformer.ts) assembles a model from
// the layout its config names, so both share one embedding → blocks → norm → head skeleton.
import type { CausalSelfAttention, Embedding, LayerNorm, MLP, RMSNorm, SwiGLU, WeightInit } from '../nn/index.js';
import type { Rng, Tensor } from '../tensor/index.js';
import type { ResolvedConfig } from './config.js';

export type Norm = LayerNorm | RMSNorm;
export type FeedForward = MLP | SwiGLU;

export interface Layout {
  /** Feed-forward width when the config doesn't set `mlpHidden`. */
  defaultMlpHidden(dim: number): number;
  /** Whether the lm head shares the token embedding when the config doesn't set `tieEmbeddings`. */
  defaultTieEmbeddings: boolean;
  /** The norm before attention, before the MLP, and after the last block. */
  norm(c: ResolvedConfig): Norm;
  /** The block's causal self-attention; its output projection is a residual projection (`init.residualStd`). */
  attention(c: ResolvedConfig, init: WeightInit, rng: Rng): CausalSelfAttention;
  /** The block's feed-forward; its last projection is a residual projection (`init.residualStd`). */
  feedForward(c: ResolvedConfig, init: WeightInit, rng: Rng): FeedForward;
  /** A learned position table [ctx, C] added to the token embeddings, or null. */
  positionEmbedding(c: ResolvedConfig, init: WeightInit, rng: Rng): Embedding | null;
  /** Rotary cos/sin tables [ctx, D/2] applied to queries and keys, or null. */
  rotaryTables(c: ResolvedConfig): { cos: Tensor; sin: Tensor } | null;
}
