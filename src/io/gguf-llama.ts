// A llama-arch fathom model as the GGUF llama.cpp loads: its `llama.*` hyperparameters, tensor
// names (token_embd, blk.N.attn_q, …, output), and the tokenizer as `tokenizer.ggml.*` (a
// byte-level BPE is llama.cpp's "gpt2" tokenizer model). llama.cpp's llama rope pairs adjacent
// features (2i, 2i+1) while fathom and HF pair i with i + D/2, so q and k rows are permuted within
// each head exactly as llama.cpp's convert_hf_to_gguf.py does (LlamaModel.permute).
import type { TransformerConfig } from '../models/transformer.js';
import { FathomError, NotImplementedError } from '../errors.js';
import { toHfConfig, toHfLlamaTensors } from './hf-llama.js';
import type { GgufTensor, GgufValue } from './gguf.js';
import type { NamedTensor } from './safetensors.js';

/** Rows of one projection reordered from rotate-half to interleaved pairs, per head. */
export function permuteRotary(t: NamedTensor, heads: number): NamedTensor {
  const [rows, cols] = t.shape as [number, number];
  const D = rows / heads, half = D / 2;
  const out = new Float32Array(t.data.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let s = 0; s < 2; s++) {
        const from = h * D + s * half + i, to = h * D + 2 * i + s;
        out.set(t.data.subarray(from * cols, (from + 1) * cols), to * cols);
      }
    }
  }
  return { shape: t.shape, data: out };
}

export interface GgufTokenizer {
  tokens: string[];
  merges: string[];
  /** llama.cpp token types: 1 normal, 3 control, 5 unused. */
  types: number[];
  /** End-of-generation id (llama.cpp stops there). */
  eos: number;
  bos?: number;
}

const EOS_NAMES = ['<|endoftext|>', '</s>', '<|eot_id|>', '<|end_of_text|>', '<eos>'];

/** A Hugging Face tokenizer.json object (fathom's Tokenizer.toJSON()) as GGUF vocabulary arrays. */
export function ggufTokenizer(json: unknown, vocabSize: number): GgufTokenizer {
  const j = json as { model?: { type?: string; vocab?: Record<string, number>; merges?: Array<string | [string, string]> }; pre_tokenizer?: { type?: string } | null; added_tokens?: Array<{ id: number; content: string; special?: boolean }> };
  if (j.model?.type !== 'BPE' || !j.model.vocab) throw new NotImplementedError(`gguf: tokenizer model '${String(j.model?.type)}' cannot be embedded`, 'export models with a byte-level BPE tokenizer (byte, or one trained by fathom tokenizer train)');
  const tokens = new Array<string>(vocabSize);
  const types = new Array<number>(vocabSize).fill(1);
  for (const [text, id] of Object.entries(j.model.vocab)) if (id < vocabSize) tokens[id] = text;
  for (const t of j.added_tokens ?? []) {
    if (t.id < vocabSize) {
      tokens[t.id] = t.content;
      if (t.special) types[t.id] = 3;
    }
  }
  for (let i = 0; i < vocabSize; i++) {
    if (tokens[i] === undefined) {
      tokens[i] = `[PAD${i}]`; // ids the tokenizer never produces (a model vocabulary rounded up)
      types[i] = 5; // unused
    }
  }
  const merges = (j.model.merges ?? []).map((m) => (Array.isArray(m) ? m.join(' ') : m));
  // A vocabulary without an end-of-text token (the byte tokenizer) gets byte 0 (NUL, absent from
  // text): llama.cpp would otherwise take id 11 for a byte-level vocabulary, a vertical tab.
  const eosToken = (j.added_tokens ?? []).find((t) => t.special && EOS_NAMES.includes(t.content) && t.id < vocabSize);
  return { tokens, merges, types, eos: eosToken?.id ?? 0 };
}

/** GGUF metadata and tensors for a llama-arch model. */
export function toGgufLlama(config: TransformerConfig, state: ReadonlyMap<string, NamedTensor>, tokenizer: GgufTokenizer, options: { dtype?: 'F32' | 'F16'; name?: string } = {}): { metadata: Array<[string, GgufValue]>; tensors: GgufTensor[] } {
  const hf = toHfConfig(config);
  const heads = hf.num_attention_heads, kvHeads = hf.num_key_value_heads ?? heads;
  if (tokenizer.tokens.length !== hf.vocab_size) throw new FathomError(`gguf: the tokenizer has ${tokenizer.tokens.length} tokens but the model's vocabulary is ${hf.vocab_size}`, 'export with the tokenizer the model was trained with');
  const u32 = (value: number): GgufValue => ({ type: 'u32', value });
  const metadata: Array<[string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name ?? 'fathom' }],
    ['general.file_type', u32(options.dtype === 'F16' ? 1 : 0)],
    ['llama.context_length', u32(hf.max_position_embeddings)],
    ['llama.embedding_length', u32(hf.hidden_size)],
    ['llama.block_count', u32(hf.num_hidden_layers)],
    ['llama.feed_forward_length', u32(hf.intermediate_size)],
    ['llama.attention.head_count', u32(heads)],
    ['llama.attention.head_count_kv', u32(kvHeads)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: hf.rms_norm_eps }],
    ['llama.rope.freq_base', { type: 'f32', value: hf.rope_theta ?? 10000 }],
    ['llama.rope.dimension_count', u32(hf.hidden_size / heads)],
    ['llama.vocab_size', u32(hf.vocab_size)],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'default' }],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', value: tokenizer.tokens }],
    ['tokenizer.ggml.token_type', { type: 'array', of: 'i32', value: tokenizer.types }],
    ['tokenizer.ggml.merges', { type: 'array', of: 'string', value: tokenizer.merges }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.eos_token_id', u32(tokenizer.eos)],
    ...(tokenizer.bos !== undefined ? [['tokenizer.ggml.bos_token_id', u32(tokenizer.bos)] as [string, GgufValue]] : []),
  ];
  const dtype = options.dtype ?? 'F32';
  const names: Record<string, string> = {
    'model.embed_tokens.weight': 'token_embd.weight', 'model.norm.weight': 'output_norm.weight', 'lm_head.weight': 'output.weight',
  };
  const layer: Record<string, string> = {
    'self_attn.q_proj': 'attn_q', 'self_attn.k_proj': 'attn_k', 'self_attn.v_proj': 'attn_v', 'self_attn.o_proj': 'attn_output',
    'mlp.gate_proj': 'ffn_gate', 'mlp.up_proj': 'ffn_up', 'mlp.down_proj': 'ffn_down', input_layernorm: 'attn_norm', post_attention_layernorm: 'ffn_norm',
  };
  const tensors: GgufTensor[] = toHfLlamaTensors(config, state).map(([hfName, t]) => {
    const m = /^model\.layers\.(\d+)\.(.+)\.weight$/.exec(hfName);
    const name = m ? `blk.${m[1]}.${layer[m[2]!]!}.weight` : names[hfName]!;
    const data = m?.[2] === 'self_attn.q_proj' ? permuteRotary(t, heads) : m?.[2] === 'self_attn.k_proj' ? permuteRotary(t, kvHeads) : t;
    // Norm weights stay F32 (ggml multiplies them elementwise in F32); matrices take the chosen type.
    return { name, shape: data.shape, data: data.data, type: t.shape.length === 1 ? 'F32' : dtype };
  });
  return { metadata, tensors };
}
