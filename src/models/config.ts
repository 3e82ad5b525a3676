// The transformer's config: the fields both layouts share, the defaults each layout fills in,
// and the registry of layouts (`gpt2.ts`, `llama.ts`) that `arch` names.
import { FathomError } from '../errors.js';
import type { InitScheme } from '../nn/index.js';
import type { DType } from '../tensor/index.js';
import { gpt2 } from './gpt2.js';
import type { Layout } from './layout.js';
import { llama } from './llama.js';

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
  /** Dropout on embeddings and residual branches in train mode, 0 ≤ p < 1 (default 0). */
  dropout?: number;
  /**
   * Weight init (default 'normal'): 'normal' is N(0, 0.02²) with residual output projections
   * 0.02/√(2·layers) (GPT-2); 'scaled-truncated-normal' is N(0, σ²) cut at ±3σ, σ = √(2/(5·dim)),
   * residual output projections σ/√(2·layers) (the recurrent-depth paper's scheme).
   */
  init?: InitScheme;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Init seed (default 0). */
  seed?: number;
}

export type ResolvedConfig = Required<TransformerConfig>;

/** The layouts `arch` names. */
const LAYOUTS: Record<TransformerConfig['arch'], Layout> = { gpt2, llama };

/** The layout of an architecture name. */
export function layoutOf(arch: TransformerConfig['arch']): Layout {
  const layout = LAYOUTS[arch] as Layout | undefined;
  if (!layout) throw new FathomError(`TransformerConfig: unknown arch '${String(arch)}'`, `use ${Object.keys(LAYOUTS).map((a) => `'${a}'`).join(' or ')}`);
  return layout;
}

const INIT_SCHEMES: readonly InitScheme[] = ['normal', 'scaled-truncated-normal'];

export function resolveConfig(c: TransformerConfig): ResolvedConfig {
  const layout = layoutOf(c.arch);
  const resolved: ResolvedConfig = {
    ...c,
    kvHeads: c.kvHeads ?? c.heads,
    mlpHidden: c.mlpHidden ?? layout.defaultMlpHidden(c.dim),
    normEps: c.normEps ?? 1e-5,
    ropeBase: c.ropeBase ?? 10000,
    tieEmbeddings: c.tieEmbeddings ?? layout.defaultTieEmbeddings,
    dropout: c.dropout ?? 0,
    init: c.init ?? 'normal',
    dtype: c.dtype ?? 'float32',
    seed: c.seed ?? 0,
  };
  for (const k of ['vocabSize', 'contextLength', 'dim', 'layers', 'heads'] as const) {
    if (!Number.isInteger(resolved[k]) || resolved[k] <= 0) throw new FathomError(`TransformerConfig: ${k} = ${resolved[k]} is not a positive integer`, `set ${k} to a positive integer`);
  }
  if (!(resolved.dropout >= 0 && resolved.dropout < 1)) {
    throw new FathomError(`TransformerConfig: dropout = ${resolved.dropout} is outside [0, 1)`, 'set dropout to a probability below 1 (0 turns it off)');
  }
  if (!INIT_SCHEMES.includes(resolved.init)) {
    throw new FathomError(`TransformerConfig: unknown init '${String(resolved.init)}'`, `use ${INIT_SCHEMES.map((s) => `'${s}'`).join(' or ')}`);
  }
  return resolved;
}
