// Presets for `fathom plan`: well-known model shapes and the machines of the AxoNN paper
// (shared/papers/08-axonn.md), each with the public specification it was taken from. Values
// that are fathom's assumptions rather than specifications (matmul efficiency, global batch
// where a paper gives it in tokens) say so.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { readConfigFile } from '../config/index.js';
import { ConfigError, didYouMean } from '../errors.js';

/** Raw model presets (validated by modelShapeSchema when used). */
export const MODEL_PRESETS = {
  // GPT-3 175B: Brown et al. 2020 ("Language Models are Few-Shot Learners"), Table 2.1:
  // 96 layers, d_model 12288, 96 heads of 128, d_ff = 4·d_model, context 2048, batch 3.2M tokens
  // (1536 sequences of 2048 = 3.1M); GPT-2 BPE vocabulary of 50257; embeddings tied.
  'gpt3-175b': { name: 'GPT-3 175B', layers: 96, hidden: 12288, ffn: 49152, heads: 96, vocab: 50257, seqLen: 2048, batch: 1536, mlp: 'gelu', tiedEmbeddings: true },
  // Llama 2: Touvron et al. 2023, Table 1 and Section 2.2 (4M-token batches, 4k context), with the
  // released configs (config.json): 7B 32 layers × 4096, FFN 11008, 32 heads; 13B 40 × 5120,
  // FFN 13824, 40 heads; 70B 80 × 8192, FFN 28672, 64 heads with 8 KV heads (GQA); vocab 32000.
  'llama2-7b': { name: 'Llama-2 7B', layers: 32, hidden: 4096, ffn: 11008, heads: 32, vocab: 32000, seqLen: 4096, batch: 1024, mlp: 'swiglu' },
  'llama2-13b': { name: 'Llama-2 13B', layers: 40, hidden: 5120, ffn: 13824, heads: 40, vocab: 32000, seqLen: 4096, batch: 1024, mlp: 'swiglu' },
  'llama2-70b': { name: 'Llama-2 70B', layers: 80, hidden: 8192, ffn: 28672, heads: 64, kvHeads: 8, vocab: 32000, seqLen: 4096, batch: 1024, mlp: 'swiglu' },
  // Llama 3.1 405B: Llama Team 2024 ("The Llama 3 Herd of Models"), Table 3: 126 layers, model
  // dimension 16384, FFN 53248, 128 heads with 8 KV heads, vocab 128256 (released config),
  // 8192-token sequences; final pre-training batch 16M tokens = 2048 sequences.
  'llama3.1-405b': { name: 'Llama-3.1 405B', layers: 126, hidden: 16384, ffn: 53248, heads: 128, kvHeads: 8, vocab: 128256, seqLen: 8192, batch: 2048, mlp: 'swiglu' },
} as const satisfies Record<string, Record<string, unknown>>;

/**
 * Raw cluster presets. Bandwidths are GB/s per GPU in one direction; peak is dense bf16 TFLOP/s
 * per GPU (or per GCD on Frontier); memory is HBM per GPU in GiB. `matmulEfficiency` is fathom's
 * assumption of what tuned GEMMs reach on that GPU, not a specification: override it with
 * `--set cluster.matmulEfficiency=…` once measured.
 */
export const CLUSTER_PRESETS = {
  // NERSC Perlmutter GPU nodes (docs.nersc.gov, "Perlmutter Architecture"): 4× NVIDIA A100-SXM4
  // 40 GB per node, NVLink-3 between the four GPUs (12 links × 25 GB/s = 300 GB/s per GPU per
  // direction), 4× HPE Slingshot-11 NICs of 200 Gb/s per node = 25 GB/s per GPU. A100 dense
  // bf16 peak 312 TFLOP/s (NVIDIA A100 datasheet).
  perlmutter: { name: 'Perlmutter', gpu: 'NVIDIA A100-SXM4 40GB', gpus: 4096, gpusPerNode: 4, intraBandwidthGBs: 300, interBandwidthGBs: 25, peakTflops: 312, matmulEfficiency: 0.7, memoryGiB: 40 },
  // OLCF Frontier (docs.olcf.ornl.gov, "Frontier User Guide"): 4× AMD MI250X per node = 8 GCDs,
  // 64 GB HBM2e per GCD; Infinity Fabric 200 GB/s between the two GCDs of one MI250X and 50–100
  // GB/s between GCDs of different MI250X, so a ring through all 8 GCDs runs at the 50 GB/s
  // links; 4× Slingshot-11 NICs of 200 Gb/s per node = 12.5 GB/s per GCD. MI250X dense bf16
  // peak 383 TFLOP/s = 191.5 per GCD (AMD MI250X datasheet).
  frontier: { name: 'Frontier', gpu: 'AMD MI250X GCD', gpus: 32768, gpusPerNode: 8, intraBandwidthGBs: 50, interBandwidthGBs: 12.5, peakTflops: 191.5, matmulEfficiency: 0.55, memoryGiB: 64 },
  // CSCS Alps (docs.cscs.ch, "Alps hardware: GH200 nodes"): 4× NVIDIA GH200 per node, H100 with
  // 96 GB HBM3, GPUs linked all-to-all by NVLink-4 (18 links × 25 GB/s = 450 GB/s per GPU per
  // direction), 4× Slingshot-11 NICs of 200 Gb/s per node = 25 GB/s per GPU. H100 dense bf16
  // peak 989 TFLOP/s (NVIDIA H100 SXM datasheet; the GH200's GPU is the same).
  alps: { name: 'Alps', gpu: 'NVIDIA GH200 (H100 96GB)', gpus: 6144, gpusPerNode: 4, intraBandwidthGBs: 450, interBandwidthGBs: 25, peakTflops: 989, matmulEfficiency: 0.6, memoryGiB: 96 },
  // A generic 8-GPU node in the style of an NVIDIA DGX H100 (DGX H100 datasheet): 8× H100-SXM5
  // 80 GB on NVSwitch (NVLink-4, 450 GB/s per GPU per direction), 8× ConnectX-7 400 Gb/s NICs =
  // 50 GB/s per GPU; 989 TFLOP/s dense bf16.
  'generic-8gpu': { name: 'generic 8-GPU nodes', gpu: 'NVIDIA H100-SXM5 80GB', gpus: 1024, gpusPerNode: 8, intraBandwidthGBs: 450, interBandwidthGBs: 50, peakTflops: 989, matmulEfficiency: 0.6, memoryGiB: 80 },
} as const satisfies Record<string, Record<string, unknown>>;

export type ModelPreset = keyof typeof MODEL_PRESETS;
export type ClusterPreset = keyof typeof CLUSTER_PRESETS;

function looksLikeFile(ref: string): boolean {
  return ['.json', '.yaml', '.yml'].includes(extname(ref).toLowerCase()) || existsSync(ref);
}

/**
 * A `--model` / `--cluster` argument as a raw object: a preset name, or a JSON/YAML file with
 * the same keys. An unknown name is a ConfigError listing the presets.
 */
export function resolvePreset(kind: 'model' | 'cluster', ref: string): Record<string, unknown> {
  const presets: Record<string, Record<string, unknown>> = kind === 'model' ? MODEL_PRESETS : CLUSTER_PRESETS;
  const preset = presets[ref.toLowerCase()];
  if (preset) return { ...preset };
  if (looksLikeFile(ref)) {
    const raw = readConfigFile(ref);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`${kind} file ${ref}: the top level must be a mapping of keys to values`, `write one \`key: value\` line per ${kind} field`);
    }
    return raw as Record<string, unknown>;
  }
  const names = Object.keys(presets);
  const guess = didYouMean(ref, names);
  throw new ConfigError(
    `plan: unknown ${kind} preset "${ref}" (valid presets: ${names.join(', ')})`,
    guess ? `did you mean "${guess}"?` : `pass one of the presets, or a .json/.yaml file with the ${kind} keys`,
  );
}
