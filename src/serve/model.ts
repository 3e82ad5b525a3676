// Loading a language model to generate with: fathom training checkpoints (a step-*.json state,
// latest.json or its folder), a fathom .safetensors weights file (config in its metadata), or a
// Hugging Face Llama folder (config.json + model.safetensors, optional tokenizer.json). The
// tokenizer is the one the checkpoint was trained with, a tokenizer.json beside the weights, or
// the byte tokenizer for a 256-token vocabulary; `--tokenizer` overrides all of these.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { byteTokenizer, resolveTokenizer } from '../data/index.js';
import type { Tokenizer } from '../data/index.js';
import { FathomError } from '../errors.js';
import { fromHfConfig, fromHfLlamaTensors, SafetensorsReader } from '../io/index.js';
import { Transformer } from '../models/index.js';
import { loadWeights } from '../train/index.js';
import { readChatTemplate } from './chat.js';
import type { ChatTemplate } from './chat.js';

export interface LanguageModel {
  /** The name clients ask for (the checkpoint's folder or file name unless given). */
  name: string;
  path: string;
  format: 'fathom-checkpoint' | 'fathom-weights' | 'hf-llama';
  model: Transformer;
  tokenizer: Tokenizer | null;
  chatTemplate: ChatTemplate;
  /** Ids that end a sequence (HF eos_token_id); none for fathom checkpoints. */
  stopTokens: number[];
}

export interface LoadOptions {
  /** 'byte' or a tokenizer.json path, overriding the checkpoint's. */
  tokenizer?: string;
  /** Which weights of a training checkpoint: raw (default) or an averager name (ema, lawa, swa). */
  weights?: string;
  name?: string;
}

function hfFolder(path: string): string | null {
  const dir = existsSync(path) && statSync(path).isDirectory() ? path : path.endsWith('.safetensors') ? dirname(path) : null;
  if (!dir || !existsSync(join(dir, 'config.json'))) return null;
  const file = path.endsWith('.safetensors') ? path : join(dir, 'model.safetensors');
  return existsSync(file) ? dir : null;
}

function defaultTokenizer(dir: string, vocabSize: number): Tokenizer | null {
  if (existsSync(join(dir, 'tokenizer.json'))) return resolveTokenizer(join(dir, 'tokenizer.json'));
  return vocabSize === 256 ? byteTokenizer() : null;
}

function checkVocab(tokenizer: Tokenizer | null, vocabSize: number, path: string): void {
  if (tokenizer && tokenizer.vocabSize > vocabSize) {
    throw new FathomError(`${path}: the tokenizer has ${tokenizer.vocabSize} ids but the model's vocabulary is ${vocabSize}`, 'pass the --tokenizer the model was trained with');
  }
}

/** Loads a checkpoint in any supported layout, in eval mode. */
export function loadLanguageModel(path: string, options: LoadOptions = {}): LanguageModel {
  if (!existsSync(path)) throw new FathomError(`model ${path} does not exist`, 'pass a checkpoint folder, a step-*.json, a .safetensors file or a Hugging Face Llama folder');
  const hf = hfFolder(path);
  const trimmed = path.replace(/\/+$/, '');
  // A run's checkpoints/ folder is named after its run (the folder above it).
  const name = options.name ?? (basename(trimmed) === 'checkpoints' ? basename(dirname(trimmed)) : basename(trimmed).replace(/\.(safetensors|json)$/, ''));
  if (hf && !(path.endsWith('.safetensors') && hasFathomMetadata(path))) {
    const config = fromHfConfig(JSON.parse(readFileSync(join(hf, 'config.json'), 'utf8')), join(hf, 'config.json'));
    const reader = SafetensorsReader.open(path.endsWith('.safetensors') ? path : join(hf, 'model.safetensors'));
    const model = new Transformer(config);
    try {
      model.loadStateDict(fromHfLlamaTensors(config, (n) => reader.read(n)));
    } finally {
      reader.close();
    }
    const raw = JSON.parse(readFileSync(join(hf, 'config.json'), 'utf8')) as { eos_token_id?: number | number[] | null };
    const eos = raw.eos_token_id;
    const tokenizer = options.tokenizer ? resolveTokenizer(options.tokenizer) : defaultTokenizer(hf, config.vocabSize);
    checkVocab(tokenizer, config.vocabSize, path);
    return { name, path, format: 'hf-llama', model: model.eval(), tokenizer, chatTemplate: readChatTemplate(hf), stopTokens: eos === null || eos === undefined ? [] : Array.isArray(eos) ? eos : [eos] };
  }
  const w = loadWeights(path, options.weights ?? 'raw');
  const model = new Transformer(w.model);
  model.loadStateDict(w.weights.tensors);
  const dir = dirname(w.file);
  const tokenizer = options.tokenizer ? resolveTokenizer(options.tokenizer)
    : w.state ? resolveTokenizer(w.state.config.data.tokenizer)
      : defaultTokenizer(dir, w.model.vocabSize);
  checkVocab(tokenizer, w.model.vocabSize, path);
  return { name, path, format: w.state ? 'fathom-checkpoint' : 'fathom-weights', model: model.eval(), tokenizer, chatTemplate: readChatTemplate(dir), stopTokens: [] };
}

function hasFathomMetadata(file: string): boolean {
  const r = SafetensorsReader.open(file);
  try {
    return r.metadata['fathom.model'] !== undefined;
  } finally {
    r.close();
  }
}

/** The tokenizer of a model, or an error saying how to give one. */
export function requireTokenizer(lm: LanguageModel): Tokenizer {
  if (!lm.tokenizer) throw new FathomError(`model ${lm.name} has no tokenizer (vocabulary ${lm.model.config.vocabSize}, no tokenizer.json beside it)`, 'pass --tokenizer <tokenizer.json>, or prompt with token ids (--prompt-ids)');
  return lm.tokenizer;
}
