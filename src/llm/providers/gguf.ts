// `gguf`: a local GGUF model in-process through node-llama-cpp (an optional dependency, imported
// only when a gguf provider is first used, with an install hint when it is missing). Chat
// generation uses the model's own chat template (node-llama-cpp resolves it from the GGUF
// metadata); temperature, max tokens, top-p, stop strings and seed are honoured. Generations run
// one at a time on one context sequence: CPU inference gains nothing from interleaving.
// Log-probabilities: node-llama-cpp's chat session does not report token probabilities (only its
// low-level sequence evaluation does, without the chat template), so this provider offers none.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as NodeLlamaCpp from 'node-llama-cpp';
import type { ChatHistoryItem, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { ProviderFailure } from '../failure.js';
import { Semaphore } from '../limits.js';
import { registerProviderType } from '../registry.js';
import type { FinishReason, Generation, GenerateRequest, Message, Provider } from '../types.js';

export const NODE_LLAMA_CPP_VERSION = '3.21.1';
export const INSTALL_HINT = `install it with \`npm install -E node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\` (an optional dependency of fathom)`;

export const ggufShape = {
  path: z.string().optional().describe('the .gguf file; unset: the model part of provider:model is the path (e.g. gguf:./qwen2.5-0.5b-instruct-q4_k_m.gguf)'),
  contextSize: z.number().int().positive().default(4096).describe('context window in tokens'),
  gpuLayers: z.union([z.literal('auto'), z.number().int().nonnegative()]).default('auto').describe('layers offloaded to a GPU, when node-llama-cpp finds one'),
  threads: z.number().int().positive().optional().describe('CPU threads (default: node-llama-cpp\'s choice)'),
};

type Library = typeof NodeLlamaCpp;

/** Imports node-llama-cpp (or `specifier`), turning "not installed" into an error with the install hint. */
export async function loadLlamaLibrary(specifier = 'node-llama-cpp'): Promise<Library> {
  try {
    return (await import(specifier)) as Library;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ConfigError(`gguf provider: the optional package ${specifier} is not installed`, INSTALL_HINT);
    }
    throw new ConfigError(`gguf provider: ${specifier} failed to load (${err instanceof Error ? err.message : String(err)})`, `reinstall it: npm install -E node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`);
  }
}

/** The model file's absolute path, or a ConfigError naming what is wrong with it. */
export function checkModelFile(name: string, path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new ConfigError(`provider "${name}" (gguf): model file ${abs} does not exist`, 'give the path of a .gguf file, e.g. a quantised instruct model downloaded from Hugging Face');
  if (!statSync(abs).isFile()) throw new ConfigError(`provider "${name}" (gguf): ${abs} is not a file`, 'give the path of a .gguf file, not a folder');
  return abs;
}

interface Loaded {
  lib: Library;
  model: LlamaModel;
  sequence: LlamaContextSequence;
}

const FINISH: Record<string, FinishReason> = { eogToken: 'stop', stopGenerationTrigger: 'stop', customStopTrigger: 'stop', maxTokens: 'length', abort: 'other', functionCalls: 'other' };

/** Chat history items for node-llama-cpp: everything before the last user message. */
function history(messages: readonly Message[]): { prior: ChatHistoryItem[]; last: string } {
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  if (lastUser < 0) throw new ProviderFailure('client', 'a gguf chat request needs a user message', { retryable: false });
  const prior = messages.slice(0, lastUser).map((m): ChatHistoryItem => (
    m.role === 'system' ? { type: 'system', text: m.content } : m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] }));
  return { prior, last: messages[lastUser]!.content };
}

export function ggufProvider(name: string, o: z.output<z.ZodObject<typeof ggufShape>>, library: () => Promise<Library> = () => loadLlamaLibrary()): Provider {
  const loaded = new Map<string, Promise<Loaded>>();
  const turn = new Semaphore(1);

  const load = (path: string): Promise<Loaded> => {
    const abs = checkModelFile(name, path);
    let p = loaded.get(abs);
    if (!p) {
      p = (async () => {
        const lib = await library();
        const llama = await lib.getLlama();
        const model = await llama.loadModel({ modelPath: abs, gpuLayers: o.gpuLayers });
        const context = await model.createContext({ contextSize: o.contextSize, ...(o.threads ? { threads: o.threads } : {}) });
        return { lib, model, sequence: context.getSequence() };
      })();
      p.catch(() => loaded.delete(abs));
      loaded.set(abs, p);
    }
    return p;
  };
  const pathOf = (model: string): string => o.path ?? model;

  return {
    name,
    type: 'gguf',
    logprobs: false,
    async prepare(model: string): Promise<void> {
      await load(pathOf(model));
    },
    async generate(request: GenerateRequest, signal: AbortSignal): Promise<Generation> {
      if (request.prompt !== undefined) throw new ProviderFailure('client', 'the gguf provider serves chat requests only (no raw completions)', { retryable: false });
      let m: Loaded;
      try {
        m = await load(pathOf(request.model));
      } catch (err) {
        throw new ProviderFailure('client', err instanceof Error ? err.message : String(err), { retryable: false });
      }
      const p = request.params ?? {};
      const { prior, last } = history(request.messages);
      await turn.acquire();
      try {
        const session = new m.lib.LlamaChatSession({ contextSequence: m.sequence, autoDisposeSequence: false });
        try {
          session.setChatHistory(prior);
          const inputTokens = m.model.tokenize(request.messages.map((x) => x.content).join('\n')).length;
          const out = await session.promptWithMeta(last, {
            signal, stopOnAbortSignal: false,
            ...(p.maxTokens === undefined ? {} : { maxTokens: p.maxTokens }),
            ...(p.temperature === undefined ? {} : { temperature: p.temperature }),
            ...(p.topP === undefined ? {} : { topP: p.topP }),
            ...(p.seed === undefined ? {} : { seed: p.seed }),
            ...(p.stop?.length ? { customStopTriggers: p.stop } : {}),
          });
          return {
            text: out.responseText,
            finishReason: FINISH[out.stopReason] ?? 'other',
            usage: { inputTokens, outputTokens: m.model.tokenize(out.responseText).length },
          };
        } finally {
          session.dispose({ disposeSequence: false });
          await m.sequence.clearHistory();
        }
      } catch (err) {
        if (err instanceof ProviderFailure) throw err;
        if (signal.aborted) throw new ProviderFailure('timeout', 'no response within the request timeout');
        throw new ProviderFailure('provider', `gguf: ${err instanceof Error ? err.message : String(err)}`, { retryable: false });
      } finally {
        turn.release();
      }
    },
  };
}

registerProviderType({
  type: 'gguf',
  summary: `a local GGUF model in-process through node-llama-cpp ${NODE_LLAMA_CPP_VERSION} (optional dependency; chat template from the model)`,
  shape: ggufShape,
  create: ggufProvider,
});
