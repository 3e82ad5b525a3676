// `fathom bench generate`: greedy decoding speed — time to first token (prefill of the prompt and
// the first choice) and decode tokens/s with the KV cache — for fathom, its PyTorch peer
// (bench/generate-torch.py: LlamaForCausalLM's computation in eager mode, 2 threads, on the same
// weights exported as an HF folder) and llama.cpp (node-llama-cpp on the exported F32 GGUF, 2
// threads). The greedy tokens of the peers are compared with fathom's as a parity check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { byteTokenizer } from '../data/index.js';
import { ggufTokenizer, toGgufLlama, toHfConfig, toHfLlamaTensors, writeGguf, writeSafetensors } from '../io/index.js';
import type { NamedTensor } from '../io/index.js';
import { DecodeSession } from '../models/generate/index.js';
import { Transformer } from '../models/index.js';
import { DEFAULT_CHAT_TEMPLATE } from './chat.js';
import { loadLanguageModel } from './model.js';
import type { LanguageModel } from './model.js';

export interface GenerateBenchOptions {
  /** A llama-arch checkpoint; default a random 6-layer, d=256 Llama with the byte vocabulary. */
  checkpoint?: string;
  /** Tokens to generate (default 256). */
  tokens?: number;
  /** Prompt length in tokens (default 32). */
  promptTokens?: number;
  /** Skip the PyTorch and llama.cpp peers. */
  peers?: boolean;
  /** CPU threads of the peers (default 2, the machine's cores). */
  threads?: number;
}

export interface SpeedResult {
  ttftMs: number;
  decodeTokensPerSec: number;
  tokens: number[];
}
export type PeerSpeed = (SpeedResult & { version: string; matchingTokens: number }) | { skipped: string };

export interface GenerateBenchResult {
  model: { source: string; params: number; layers: number; dim: number; heads: number; kvHeads: number; vocab: number };
  promptTokens: number;
  tokens: number;
  threads: number;
  fathom: SpeedResult;
  torch: PeerSpeed;
  llamaCpp: PeerSpeed;
}

type LlamaCppModule = typeof import('node-llama-cpp'); // eslint-disable-line @typescript-eslint/consistent-type-imports -- loaded lazily: optional

const PEER = fileURLToPath(new URL('../../bench/generate-torch.py', import.meta.url));

function benchModel(checkpoint?: string): LanguageModel {
  if (checkpoint) return loadLanguageModel(checkpoint);
  const model = new Transformer({ arch: 'llama', vocabSize: 256, contextLength: 1024, dim: 256, layers: 6, heads: 8, seed: 0 }).eval();
  return { name: 'random-llama-d256-l6', path: '', format: 'fathom-weights', model, tokenizer: byteTokenizer(), chatTemplate: DEFAULT_CHAT_TEMPLATE, stopTokens: [] };
}

function fathomSpeed(lm: LanguageModel, prompt: Int32Array, tokens: number): SpeedResult {
  const session = new DecodeSession(lm.model, [prompt], { maxTokens: tokens, temperature: 0 });
  const t0 = performance.now();
  session.step();
  const t1 = performance.now();
  while (session.step()) { /* decode */ }
  const t2 = performance.now();
  const out = session.results()[0]!.tokens;
  return { ttftMs: t1 - t0, decodeTokensPerSec: (out.length - 1) / ((t2 - t1) / 1000), tokens: out };
}

const matching = (a: readonly number[], b: readonly number[]): number => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

function torchSpeed(hfDir: string, prompt: Int32Array, tokens: number, ref: number[], threads: number): PeerSpeed {
  if (!existsSync('/usr/bin/python3')) return { skipped: '/usr/bin/python3 is absent' };
  const r = spawnSync('/usr/bin/python3', [PEER, hfDir, '--prompt', [...prompt].join(','), '--tokens', String(tokens), '--threads', String(threads)], {
    encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) }, maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { skipped: `generate-torch.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
  const j = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { version: string; ttft_ms: number; decode_tokens_per_s: number; tokens: number[] };
  return { version: `torch ${j.version}`, ttftMs: j.ttft_ms, decodeTokensPerSec: j.decode_tokens_per_s, tokens: j.tokens, matchingTokens: matching(j.tokens, ref) };
}

async function llamaCppSpeed(gguf: string, prompt: Int32Array, tokens: number, ref: number[], threads: number): Promise<PeerSpeed> {
  let lib: LlamaCppModule;
  try {
    lib = await import('node-llama-cpp');
  } catch (err) {
    return { skipped: `node-llama-cpp did not load (${(err as Error).message.split('\n')[0]})` };
  }
  const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: gguf });
  const context = await model.createContext({ contextSize: Math.max(256, prompt.length + tokens + 1), threads });
  const out: number[] = [];
  const t0 = performance.now();
  let t1 = t0;
  for await (const token of context.getSequence().evaluate([...prompt] as never, { temperature: 0 })) {
    if (out.length === 0) t1 = performance.now();
    out.push(token as number);
    if (out.length >= tokens) break;
  }
  const t2 = performance.now();
  await context.dispose();
  await model.dispose();
  return { version: `node-llama-cpp ${await lib.getModuleVersion()}`, ttftMs: t1 - t0, decodeTokensPerSec: (out.length - 1) / ((t2 - t1) / 1000), tokens: out, matchingTokens: matching(out, ref) };
}

export async function runGenerateBench(o: GenerateBenchOptions = {}): Promise<GenerateBenchResult> {
  const lm = benchModel(o.checkpoint);
  const c = lm.model.config;
  const tokens = o.tokens ?? 256;
  const promptTokens = o.promptTokens ?? 32;
  const prompt = Int32Array.from({ length: promptTokens }, (_, i) => (i * 37 + 11) % c.vocabSize);
  fathomSpeed(lm, prompt, 8); // warm-up (kernels, allocator)
  const fathom = fathomSpeed(lm, prompt, tokens);
  let torch: PeerSpeed = { skipped: 'peers not requested' };
  let llamaCpp: PeerSpeed = { skipped: 'peers not requested' };
  if (o.peers ?? true) {
    const dir = mkdtempSync(join(tmpdir(), 'fathom-bench-gen-'));
    try {
      const state = new Map<string, NamedTensor>([...lm.model.stateDict()].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }]));
      writeSafetensors(join(dir, 'model.safetensors'), toHfLlamaTensors(c, state));
      writeFileSync(join(dir, 'config.json'), JSON.stringify(toHfConfig(c)));
      torch = torchSpeed(dir, prompt, tokens, fathom.tokens, o.threads ?? 2);
      if (lm.tokenizer) {
        const { metadata, tensors } = toGgufLlama(c, state, ggufTokenizer(lm.tokenizer.toJSON(), c.vocabSize));
        writeGguf(join(dir, 'model.gguf'), metadata, tensors);
        llamaCpp = await llamaCppSpeed(join(dir, 'model.gguf'), prompt, tokens, fathom.tokens, o.threads ?? 2);
      } else llamaCpp = { skipped: 'the model has no tokenizer to embed in a GGUF' };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    model: { source: lm.path || lm.name, params: lm.model.numParameters(), layers: c.layers, dim: c.dim, heads: c.heads, kvHeads: c.kvHeads, vocab: c.vocabSize },
    promptTokens, tokens, threads: o.threads ?? 2, fathom, torch, llamaCpp,
  };
}
