// The Hugging Face Llama layout (transformers' LlamaForCausalLM): weight names and config.json
// keys, mapped to and from fathom's llama-arch Transformer. fathom's fused q/k/v projection is
// split into q_proj/k_proj/v_proj rows (q first, then k, then v) and joined back on load. Both
// sides use rotate-half RoPE (feature i pairs with i + D/2) with θ_i = base^(−2i/D), so q and k
// need no permutation (the permutation Meta→HF conversion applies is already in HF weights).
import type { TransformerConfig } from '../models/transformer.js';
import { FathomError, NotImplementedError } from '../errors.js';
import type { NamedTensor } from './safetensors.js';

/** The config.json fields fathom reads and writes (others are kept by HF tools and ignored here). */
export interface HfLlamaConfig {
  architectures?: string[];
  model_type?: string;
  hidden_act?: string;
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number;
  head_dim?: number;
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta?: number;
  rope_scaling?: unknown;
  attention_bias?: boolean;
  mlp_bias?: boolean;
  tie_word_embeddings?: boolean;
  bos_token_id?: number | null;
  eos_token_id?: number | number[] | null;
  torch_dtype?: string;
}

/** A fathom model config as an HF config.json object. */
export function toHfConfig(c: TransformerConfig, extra: Partial<HfLlamaConfig> = {}): HfLlamaConfig {
  if (c.arch !== 'llama') throw new FathomError(`hf-llama: a '${c.arch}' model has no Llama layout`, "export a model trained with arch 'llama'");
  const mlpHidden = c.mlpHidden ?? 32 * Math.ceil((8 * c.dim) / 3 / 32);
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_act: 'silu',
    vocab_size: c.vocabSize,
    hidden_size: c.dim,
    intermediate_size: mlpHidden,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    num_key_value_heads: c.kvHeads ?? c.heads,
    head_dim: c.dim / c.heads,
    max_position_embeddings: c.contextLength,
    rms_norm_eps: c.normEps ?? 1e-5,
    rope_theta: c.ropeBase ?? 10000,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: c.tieEmbeddings ?? false,
    torch_dtype: 'float32',
    ...extra,
  };
}

/** An HF config.json object as a fathom model config; features fathom lacks are errors. */
export function fromHfConfig(raw: unknown, source = 'config.json'): TransformerConfig {
  if (typeof raw !== 'object' || raw === null) throw new FathomError(`${source}: not a JSON object`, 'pass the config.json saved beside the weights');
  const h = raw as Partial<HfLlamaConfig>;
  if (h.model_type !== undefined && h.model_type !== 'llama') throw new NotImplementedError(`${source}: model_type '${h.model_type}' is not supported`, 'fathom reads Llama-family checkpoints (model_type "llama")');
  for (const k of ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'max_position_embeddings'] as const) {
    const v = h[k];
    if (!Number.isInteger(v) || (v as number) <= 0) throw new FathomError(`${source}: '${k}' is ${JSON.stringify(v)}, not a positive integer`, 'pass a Llama config.json');
  }
  if (h.hidden_act !== undefined && h.hidden_act !== 'silu') throw new NotImplementedError(`${source}: hidden_act '${h.hidden_act}' is not supported`, 'fathom\'s Llama MLP is SwiGLU (silu)');
  if (h.rope_scaling !== undefined && h.rope_scaling !== null) throw new NotImplementedError(`${source}: rope_scaling ${JSON.stringify(h.rope_scaling)} is not supported`, 'use a checkpoint with plain RoPE (rope_scaling null)');
  if (h.attention_bias === true || h.mlp_bias === true) throw new NotImplementedError(`${source}: attention/MLP biases are not supported`, 'fathom\'s Llama layers have no biases');
  const heads = h.num_attention_heads!;
  if (h.head_dim !== undefined && h.head_dim !== h.hidden_size! / heads) {
    throw new NotImplementedError(`${source}: head_dim ${h.head_dim} ≠ hidden_size/num_attention_heads (${h.hidden_size! / heads})`, 'fathom derives the head size from the width');
  }
  return {
    arch: 'llama',
    vocabSize: h.vocab_size!,
    contextLength: h.max_position_embeddings!,
    dim: h.hidden_size!,
    layers: h.num_hidden_layers!,
    heads,
    kvHeads: h.num_key_value_heads ?? heads,
    mlpHidden: h.intermediate_size!,
    normEps: h.rms_norm_eps ?? 1e-6,
    ropeBase: h.rope_theta ?? 10000,
    tieEmbeddings: h.tie_word_embeddings ?? false,
  };
}

interface Dims {
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  dim: number;
  tied: boolean;
}

function dims(c: TransformerConfig): Dims {
  return { layers: c.layers, heads: c.heads, kvHeads: c.kvHeads ?? c.heads, headDim: c.dim / c.heads, dim: c.dim, tied: c.tieEmbeddings ?? c.arch === 'gpt2' };
}

/** Pairs of (fathom name, HF name) for every tensor that maps one to one. */
function directNames(d: Dims): Array<[string, string]> {
  const out: Array<[string, string]> = [['wte.weight', 'model.embed_tokens.weight']];
  for (let i = 0; i < d.layers; i++) {
    const f = `blocks.${i}.`, h = `model.layers.${i}.`;
    out.push(
      [`${f}ln1.weight`, `${h}input_layernorm.weight`],
      [`${f}attn.proj.weight`, `${h}self_attn.o_proj.weight`],
      [`${f}ln2.weight`, `${h}post_attention_layernorm.weight`],
      [`${f}mlp.gate.weight`, `${h}mlp.gate_proj.weight`],
      [`${f}mlp.up.weight`, `${h}mlp.up_proj.weight`],
      [`${f}mlp.down.weight`, `${h}mlp.down_proj.weight`],
    );
  }
  out.push(['lnF.weight', 'model.norm.weight']);
  if (!d.tied) out.push(['lmHead.weight', 'lm_head.weight']);
  return out;
}

/** fathom state (names as `namedParameters()`) → HF tensors, in HF order. */
export function toHfLlamaTensors(config: TransformerConfig, state: ReadonlyMap<string, NamedTensor>): Array<[string, NamedTensor]> {
  if (config.arch !== 'llama') throw new FathomError(`hf-llama: a '${config.arch}' model has no Llama layout`, "export a model trained with arch 'llama'");
  const d = dims(config);
  const get = (name: string): NamedTensor => {
    const t = state.get(name);
    if (!t) throw new FathomError(`hf-llama: the fathom state has no '${name}'`, 'pass the full state of a llama-arch Transformer');
    return t;
  };
  const out = new Map<string, NamedTensor>(directNames(d).map(([f, h]) => [h, get(f)]));
  for (let i = 0; i < d.layers; i++) {
    const qkv = get(`blocks.${i}.attn.qkv.weight`); // [(H + 2·Hkv)·D, C]
    const rows = [d.heads * d.headDim, d.kvHeads * d.headDim, d.kvHeads * d.headDim];
    let start = 0;
    for (const [j, part] of ['q_proj', 'k_proj', 'v_proj'].entries()) {
      const n = rows[j]!;
      out.set(`model.layers.${i}.self_attn.${part}.weight`, { shape: [n, d.dim], data: qkv.data.slice(start * d.dim, (start + n) * d.dim) });
      start += n;
    }
  }
  const order = ['model.embed_tokens.weight'];
  for (let i = 0; i < d.layers; i++) {
    const h = `model.layers.${i}.`;
    order.push(...['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj', 'input_layernorm', 'post_attention_layernorm'].map((n) => `${h}${n}.weight`));
  }
  order.push('model.norm.weight');
  if (!d.tied) order.push('lm_head.weight');
  return order.map((n) => [n, out.get(n)!]);
}

/** HF tensors (fetched by name, e.g. lazily from a SafetensorsReader) → fathom state. */
export function fromHfLlamaTensors(config: TransformerConfig, read: (hfName: string) => NamedTensor): Map<string, NamedTensor> {
  const d = dims(config);
  const state = new Map<string, NamedTensor>();
  for (const [f, h] of directNames(d)) state.set(f, read(h));
  for (let i = 0; i < d.layers; i++) {
    const parts = ['q_proj', 'k_proj', 'v_proj'].map((p) => read(`model.layers.${i}.self_attn.${p}.weight`));
    const rows = (d.heads + 2 * d.kvHeads) * d.headDim;
    const data = new Float32Array(rows * d.dim);
    let off = 0;
    for (const p of parts) {
      data.set(p.data, off);
      off += p.data.length;
    }
    if (off !== data.length) throw new FathomError(`hf-llama: layer ${i} q/k/v projections hold ${off} values, expected ${data.length} for ${d.heads} heads and ${d.kvHeads} key/value heads of size ${d.headDim}`, 'check num_attention_heads and num_key_value_heads in config.json');
    state.set(`blocks.${i}.attn.qkv.weight`, { shape: [rows, d.dim], data });
  }
  return state;
}

/** True when a tensor listing looks like the HF Llama layout. */
export function isHfLlamaLayout(names: Iterable<string>): boolean {
  for (const n of names) if (n === 'model.embed_tokens.weight') return true;
  return false;
}
