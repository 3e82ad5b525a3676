// `fathom export`: a checkpoint in another tool's format — `gguf` for llama.cpp (F32/F16, the
// tokenizer embedded) and `hf` for Hugging Face transformers (a LlamaForCausalLM folder).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { ggufTokenizer, toGgufLlama, toHfConfig, toHfLlamaTensors, writeGguf, writeSafetensors } from '../../io/index.js';
import type { NamedTensor } from '../../io/index.js';
import { CHAT_TEMPLATE_FILE, loadLanguageModel, requireTokenizer } from '../../serve/index.js';
import type { LanguageModel } from '../../serve/index.js';
import { emit, globalOptions } from '../context.js';
import { registerCommand } from '../registry.js';

function stateOf(lm: LanguageModel): Map<string, NamedTensor> {
  return new Map([...lm.model.stateDict()].map(([k, t]) => [k, { shape: t.shape, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data) }]));
}

function dtypeFlag(v: string, allowed: readonly string[]): string {
  const d = v.toUpperCase();
  if (!allowed.includes(d)) throw new UsageError(`--dtype "${v}" is not one of ${allowed.map((a) => a.toLowerCase()).join(', ')}`, `pass --dtype ${allowed[0]!.toLowerCase()}`);
  return d;
}

function requireLlama(lm: LanguageModel, format: string): void {
  if (lm.model.config.arch !== 'llama') throw new UsageError(`${lm.path} is a '${lm.model.config.arch}' model; ${format} export needs arch 'llama'`, 'train with --model.arch llama (or the model: {arch: llama} config key)');
}

registerCommand({
  name: 'export',
  summary: 'export a checkpoint as GGUF (llama.cpp) or a Hugging Face Llama folder',
  examples: [
    'fathom export gguf ~/.fathom/artifacts/<run>/checkpoints model.gguf --dtype f16',
    'fathom export hf step-000600.json ./hf-model',
  ],
  define(cmd) {
    cmd.description('write a llama-arch checkpoint in another tool\'s format');
    cmd.command('gguf')
      .description('a GGUF file for llama.cpp (llama architecture, tokenizer embedded)')
      .argument('<checkpoint>', 'checkpoint state/folder, .safetensors weights, or an HF Llama folder')
      .argument('<out>', 'the .gguf file to write')
      .option('--dtype <t>', 'f32 or f16 for the weight matrices (norms stay f32)', 'f32')
      .option('--tokenizer <tok>', 'byte or a tokenizer.json (default: the checkpoint\'s)')
      .option('--weights <which>', 'raw or an averager name of a training checkpoint', 'raw')
      .action((checkpoint: string, out: string, o: { dtype: string; tokenizer?: string; weights: string }, sub: typeof cmd) => {
        const options = globalOptions(sub);
        const dtype = dtypeFlag(o.dtype, ['F32', 'F16']) as 'F32' | 'F16';
        const lm = loadLanguageModel(checkpoint, { weights: o.weights, ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}) });
        requireLlama(lm, 'GGUF');
        const tok = ggufTokenizer(requireTokenizer(lm).toJSON(), lm.model.config.vocabSize);
        const { metadata, tensors } = toGgufLlama(lm.model.config, stateOf(lm), tok, { dtype, name: lm.name });
        writeGguf(out, metadata, tensors);
        emit(options, { out, format: 'gguf', dtype, tensors: tensors.length, vocab: tok.tokens.length }, () => `wrote ${out} (GGUF, ${dtype}, ${tensors.length} tensors, vocabulary ${tok.tokens.length})`);
      });
    cmd.command('hf')
      .description('a Hugging Face LlamaForCausalLM folder: model.safetensors, config.json, tokenizer.json, chat_template.json')
      .argument('<checkpoint>', 'checkpoint state/folder or .safetensors weights')
      .argument('<dir>', 'folder to write')
      .option('--dtype <t>', 'f32, f16 or bf16', 'f32')
      .option('--weights <which>', 'raw or an averager name of a training checkpoint', 'raw')
      .action((checkpoint: string, dir: string, o: { dtype: string; weights: string }, sub: typeof cmd) => {
        const options = globalOptions(sub);
        const dtype = dtypeFlag(o.dtype, ['F32', 'F16', 'BF16']) as 'F32' | 'F16' | 'BF16';
        const lm = loadLanguageModel(checkpoint, { weights: o.weights });
        requireLlama(lm, 'Hugging Face');
        mkdirSync(dir, { recursive: true });
        const torchDtype = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype];
        writeSafetensors(join(dir, 'model.safetensors'), toHfLlamaTensors(lm.model.config, stateOf(lm)), { dtype, metadata: { format: 'pt' } });
        writeFileSync(join(dir, 'config.json'), `${JSON.stringify(toHfConfig(lm.model.config, { torch_dtype: torchDtype }), null, 2)}\n`);
        if (lm.tokenizer) writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(lm.tokenizer.toJSON()));
        writeFileSync(join(dir, CHAT_TEMPLATE_FILE), `${JSON.stringify(lm.chatTemplate, null, 2)}\n`);
        emit(options, { dir, format: 'hf-llama', dtype }, () => `wrote ${dir} (Hugging Face Llama layout, ${dtype})`);
      });
  },
});
