// The decoder-only transformer, assembled from a layout: token embedding (+ learned positions
// for gpt2) → blocks → final norm → lm head (tied to the token embedding or its own Linear).
// What each layout puts in a block is in its own file, in reading order: `gpt2.ts` (LayerNorm,
// biased attention, GELU MLP, learned positions, tied head; Radford et al. 2019) and `llama.ts`
// (RMSNorm, RoPE, grouped-query attention, SwiGLU, no biases, untied head; Touvron et al. 2023).
// The config and its defaults are in `config.ts`. Parameter names (`wte.weight`,
// `blocks.0.attn.qkv.weight`, …) come from the field names below and are what checkpoints,
// safetensors, Hugging Face and GGUF exports key on.
import { ShapeError } from '../errors.js';
import { Embedding, Linear, Module, weightInit } from '../nn/index.js';
import type { AttentionContext, CausalSelfAttention, LayerCache } from '../nn/index.js';
import { add, crossEntropy, dropout, indices, matmul, reshape, Rng, slice } from '../tensor/index.js';
import type { IndexTensor, Tensor } from '../tensor/index.js';
import { layoutOf, resolveConfig } from './config.js';
import type { ResolvedConfig, TransformerConfig } from './config.js';
import type { FeedForward, Norm } from './layout.js';

export { resolveConfig } from './config.js';
export type { ResolvedConfig, TransformerConfig } from './config.js';

// ---------------------------------------------------------------------------------------------
// Block: x + attn(norm(x)), then x + mlp(norm(x)) (pre-norm residual), with the layout's parts.

export class Block extends Module {
  readonly ln1: Norm;
  readonly attn: CausalSelfAttention;
  readonly ln2: Norm;
  readonly mlp: FeedForward;

  constructor(readonly config: ResolvedConfig, rng: Rng) {
    super();
    const layout = layoutOf(config.arch);
    const init = weightInit(config.init, config.dim, config.layers);
    this.ln1 = layout.norm(config);
    this.attn = layout.attention(config, init, rng);
    this.ln2 = layout.norm(config);
    this.mlp = layout.feedForward(config, init, rng);
  }

  /** x [B, T, C] → [B, T, C] */
  forward(x: Tensor, ctx: AttentionContext = {}, drop?: (t: Tensor) => Tensor): Tensor {
    const d = drop ?? ((t: Tensor): Tensor => t);
    const h = add(x, d(this.attn.forward(this.ln1.forward(x), ctx))); // [B, T, C]
    return add(h, d(this.mlp.forward(this.ln2.forward(h)))); // [B, T, C]
  }
}

// ---------------------------------------------------------------------------------------------
// Model

export interface ForwardOptions {
  /** Next-token targets [B, T]; when given, the mean cross-entropy is returned as `loss`. */
  targets?: IndexTensor;
  /** Per-position loss weights [B, T] (e.g. a Goldfish mask). */
  lossWeights?: Tensor;
  /** Targets equal to this are skipped (default -100). */
  ignoreIndex?: number;
  /** Decoding cache from `createCache()`; positions continue from what it holds. */
  cache?: KVCache;
}

/** Keys and values of every layer, for incremental decoding. */
export class KVCache {
  readonly layers: LayerCache[];
  constructor(layers: number) {
    this.layers = Array.from({ length: layers }, () => ({ k: null, v: null }));
  }
  /** Tokens processed so far. */
  get length(): number {
    return this.layers[0]?.k?.shape[2] ?? 0;
  }
}

export class Transformer extends Module {
  readonly config: ResolvedConfig;
  readonly wte: Embedding; // [V, C]
  readonly wpe: Embedding | null; // [ctx, C] (gpt2)
  readonly blocks: Block[];
  readonly lnF: Norm;
  readonly lmHead: Linear | null; // [V, C] (untied)
  private readonly dropRng: Rng;
  /** RoPE cos/sin for every position [ctx, D/2], built once; a forward takes contiguous row slices (views). */
  private readonly rope: { cos: Tensor; sin: Tensor } | null;

  constructor(config: TransformerConfig) {
    super();
    const c = resolveConfig(config);
    this.config = c;
    const layout = layoutOf(c.arch);
    const init = weightInit(c.init, c.dim, c.layers);
    // One generator draws every weight in field order (wte, wpe, blocks, lm head), so a seed fixes the init.
    const rng = new Rng(c.seed);
    const weights = { std: init.std, truncated: init.truncated, rng, dtype: c.dtype };
    this.wte = new Embedding(c.vocabSize, c.dim, weights);
    this.wpe = layout.positionEmbedding(c, init, rng);
    this.blocks = Array.from({ length: c.layers }, () => new Block(c, rng));
    this.lnF = layout.norm(c);
    this.lmHead = c.tieEmbeddings ? null : new Linear(c.dim, c.vocabSize, { bias: false, ...weights });
    this.dropRng = rng.split();
    this.rope = layout.rotaryTables(c);
  }

  createCache(): KVCache {
    return new KVCache(this.config.layers);
  }

  /** ids [B, T] → logits [B, T, V] (and the loss when targets are given). */
  forward(ids: IndexTensor, options: ForwardOptions = {}): { logits: Tensor; loss: Tensor | null } {
    const c = this.config;
    if (ids.ndim !== 2) throw new ShapeError(`Transformer: ids have shape [${ids.shape.join(',')}], expected [B, T]`, 'batch the token ids as [B, T]');
    const [B, T] = ids.shape as [number, number];
    const past = options.cache?.length ?? 0;
    if (past + T > c.contextLength) {
      throw new ShapeError(`Transformer: ${past + T} positions exceed the context length ${c.contextLength}`, 'crop the input to the last contextLength tokens');
    }
    const p = c.dropout;
    const drop = this.training && p > 0 ? (t: Tensor): Tensor => dropout(t, p, this.dropRng) : undefined;
    let x = this.wte.forward(ids); // [B, T, C]
    let rope: AttentionContext['rope'];
    if (this.wpe) {
      const pos = indices(Int32Array.from({ length: T }, (_, i) => past + i), [T]);
      x = add(x, this.wpe.forward(pos)); // [B, T, C] + [T, C]
    } else if (this.rope) {
      rope = { cos: slice(this.rope.cos, 0, past, past + T), sin: slice(this.rope.sin, 0, past, past + T) }; // [T, D/2]
    }
    if (drop) x = drop(x);
    this.blocks.forEach((block, i) => {
      const ctx: AttentionContext = {};
      if (rope) ctx.rope = rope;
      if (options.cache) ctx.cache = options.cache.layers[i]!;
      x = block.forward(x, ctx, drop);
    });
    x = this.lnF.forward(x); // [B, T, C]
    const logits = this.lmHead ? this.lmHead.forward(x) : matmul(x, this.wte.weight, { transB: true }); // [B, T, V]
    if (!options.targets) return { logits, loss: null };
    const loss = crossEntropy(reshape(logits, [B * T, c.vocabSize]), options.targets.reshape([B * T]), {
      ...(options.lossWeights ? { weights: reshape(options.lossWeights, [B * T]) } : {}),
      ignoreIndex: options.ignoreIndex ?? -100,
    });
    return { logits, loss };
  }
}

/** Parameter count excluding position embeddings (as nanoGPT reports). */
export function countParameters(model: Transformer): number {
  return model.numParameters() - (model.wpe?.weight.size ?? 0);
}
