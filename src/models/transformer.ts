// The decoder-only transformer, in two layouts: `gpt2` as nanoGPT/llm.c (LayerNorm, learned
// positions, GELU-tanh MLP, biases, lm head tied to the token embedding; Radford et al. 2019)
// and `llama` (RMSNorm, rotary positions, SwiGLU, no biases, optional grouped-query attention;
// Touvron et al. 2023). Read top to bottom: block → config → model (norm, attention and MLP
// live in src/nn/).
import { FathomError, ShapeError } from '../errors.js';
import { CausalSelfAttention, Embedding, LayerNorm, Linear, MLP, Module, RMSNorm, SwiGLU } from '../nn/index.js';
import type { AttentionContext, LayerCache } from '../nn/index.js';
import { add, crossEntropy, dropout, indices, matmul, reshape, ropeTables, Rng, slice } from '../tensor/index.js';
import type { DType, IndexTensor, Tensor } from '../tensor/index.js';

// ---------------------------------------------------------------------------------------------
// Block: x + attn(norm(x)), then x + mlp(norm(x)) (pre-norm residual).

export class Block extends Module {
  readonly ln1: LayerNorm | RMSNorm;
  readonly attn: CausalSelfAttention;
  readonly ln2: LayerNorm | RMSNorm;
  readonly mlp: MLP | SwiGLU;

  constructor(readonly config: ResolvedConfig, rng: Rng) {
    super();
    const { arch, dim, heads, kvHeads, normEps: eps, dtype } = config;
    const projStd = 0.02 / Math.sqrt(2 * config.layers); // GPT-2's scaled residual projections
    const bias = arch === 'gpt2';
    const norm = (): LayerNorm | RMSNorm => (arch === 'gpt2' ? new LayerNorm(dim, { eps, dtype }) : new RMSNorm(dim, { eps, dtype }));
    this.ln1 = norm();
    this.attn = new CausalSelfAttention(dim, heads, { kvHeads, bias, projStd, dtype, rng });
    this.ln2 = norm();
    this.mlp = arch === 'gpt2'
      ? new MLP(dim, config.mlpHidden, { bias, projStd, dtype, rng })
      : new SwiGLU(dim, config.mlpHidden, { bias, projStd, dtype, rng });
  }

  /** x [B, T, C] → [B, T, C] */
  forward(x: Tensor, ctx: AttentionContext = {}, drop?: (t: Tensor) => Tensor): Tensor {
    const d = drop ?? ((t: Tensor): Tensor => t);
    const h = add(x, d(this.attn.forward(this.ln1.forward(x), ctx))); // [B, T, C]
    return add(h, d(this.mlp.forward(this.ln2.forward(h)))); // [B, T, C]
  }
}

// ---------------------------------------------------------------------------------------------
// Config

export interface TransformerConfig {
  /** 'gpt2' (LayerNorm, learned positions, GELU, biases, tied head) or 'llama' (RMSNorm, RoPE, SwiGLU, no biases). */
  arch: 'gpt2' | 'llama';
  vocabSize: number;
  /** Maximum sequence length (size of the learned position table for gpt2; the RoPE table limit for llama). */
  contextLength: number;
  dim: number;
  layers: number;
  heads: number;
  /** Key/value heads for grouped-query attention (default = heads). */
  kvHeads?: number;
  /** Feed-forward width (default 4·dim for gpt2; 8/3·dim rounded up to a multiple of 32 for llama). */
  mlpHidden?: number;
  /** Norm epsilon (default 1e-5). */
  normEps?: number;
  /** RoPE base θ (default 10000). */
  ropeBase?: number;
  /** Share the token embedding with the lm head (default true for gpt2, false for llama). */
  tieEmbeddings?: boolean;
  /** Dropout on embeddings and residual branches in train mode (default 0). */
  dropout?: number;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Init seed (default 0). */
  seed?: number;
}

export type ResolvedConfig = Required<TransformerConfig>;

export function resolveConfig(c: TransformerConfig): ResolvedConfig {
  const heads = c.heads;
  const resolved: ResolvedConfig = {
    ...c,
    kvHeads: c.kvHeads ?? heads,
    mlpHidden: c.mlpHidden ?? (c.arch === 'gpt2' ? 4 * c.dim : 32 * Math.ceil((8 * c.dim) / 3 / 32)),
    normEps: c.normEps ?? 1e-5,
    ropeBase: c.ropeBase ?? 10000,
    tieEmbeddings: c.tieEmbeddings ?? c.arch === 'gpt2',
    dropout: c.dropout ?? 0,
    dtype: c.dtype ?? 'float32',
    seed: c.seed ?? 0,
  };
  for (const k of ['vocabSize', 'contextLength', 'dim', 'layers', 'heads'] as const) {
    if (!Number.isInteger(resolved[k]) || resolved[k] <= 0) throw new FathomError(`TransformerConfig: ${k} = ${resolved[k]} is not a positive integer`, `set ${k} to a positive integer`);
  }
  if (resolved.arch !== 'gpt2' && resolved.arch !== 'llama') throw new FathomError(`TransformerConfig: unknown arch '${String(resolved.arch)}'`, "use 'gpt2' or 'llama'");
  return resolved;
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
  readonly lnF: LayerNorm | RMSNorm;
  readonly lmHead: Linear | null; // [V, C] (untied)
  private readonly dropRng: Rng;
  /** RoPE cos/sin for every position [ctx, D/2], built once; a forward takes contiguous row slices (views). */
  private readonly rope: { cos: Tensor; sin: Tensor } | null;

  constructor(config: TransformerConfig) {
    super();
    const c = resolveConfig(config);
    this.config = c;
    const rng = new Rng(c.seed);
    const dtype = c.dtype;
    this.wte = new Embedding(c.vocabSize, c.dim, { rng, dtype });
    this.wpe = c.arch === 'gpt2' ? new Embedding(c.contextLength, c.dim, { rng, dtype }) : null;
    this.blocks = Array.from({ length: c.layers }, () => new Block(c, rng));
    this.lnF = c.arch === 'gpt2' ? new LayerNorm(c.dim, { eps: c.normEps, dtype }) : new RMSNorm(c.dim, { eps: c.normEps, dtype });
    this.lmHead = c.tieEmbeddings ? null : new Linear(c.dim, c.vocabSize, { bias: false, rng, dtype });
    this.dropRng = rng.split();
    this.rope = c.arch === 'llama' ? ropeTables(c.contextLength, c.dim / c.heads, { base: c.ropeBase, dtype: c.dtype }) : null;
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

