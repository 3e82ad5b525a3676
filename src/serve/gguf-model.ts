// Any GGUF model, run locally through llama.cpp (node-llama-cpp, an optional dependency): load a
// file, generate from a text prompt (greedy or sampled, seeded, with stop strings), tokenize.
// Nothing here assumes the file came from fathom — it is the path the evaluation harness can use
// to run a small local model (e.g. an instruct model as an answer matcher).
import { existsSync } from 'node:fs';
import { FathomError, MissingDependencyError } from '../errors.js';
import { StopText } from '../models/generate/index.js';

export interface GgufGenerateOptions {
  /** Tokens to generate at most (default 64). */
  maxTokens?: number;
  /** 0 = greedy (default 0). */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** The text is cut before the first of these. */
  stop?: readonly string[];
}

export interface GgufGeneration {
  text: string;
  tokens: number[];
  finishReason: 'length' | 'stop';
}

export interface GgufModel {
  readonly path: string;
  readonly contextSize: number;
  tokenize(text: string): number[];
  generate(prompt: string | readonly number[], options?: GgufGenerateOptions): Promise<GgufGeneration>;
  close(): Promise<void>;
}

/** Loads a GGUF file with llama.cpp on the CPU. */
export async function loadGgufModel(path: string, options: { contextSize?: number; threads?: number } = {}): Promise<GgufModel> {
  if (!existsSync(path)) throw new FathomError(`gguf model ${path} does not exist`, 'pass the path of a .gguf file');
  let lib: typeof import('node-llama-cpp'); // eslint-disable-line @typescript-eslint/consistent-type-imports -- optional, loaded lazily
  try {
    lib = await import('node-llama-cpp');
  } catch (err) {
    throw new MissingDependencyError(`node-llama-cpp could not be loaded (${(err as Error).message.split('\n')[0]})`, 'install it with npm install node-llama-cpp@3.21.1');
  }
  const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: path });
  const contextSize = options.contextSize ?? Math.min(model.trainContextSize, 4096);
  const context = await model.createContext({ contextSize, ...(options.threads ? { threads: options.threads } : {}) });
  const sequence = context.getSequence();
  const detok = (ids: ArrayLike<number>): string => model.detokenize(Array.from(ids) as never);
  let busy: Promise<unknown> = Promise.resolve();
  return {
    path,
    contextSize,
    tokenize: (text) => [...model.tokenize(text)] as number[],
    generate(prompt, o = {}) {
      // One sequence: requests run one after another.
      const run = busy.then(async (): Promise<GgufGeneration> => {
        await sequence.clearHistory();
        const ids = typeof prompt === 'string' ? model.tokenize(prompt) : [...prompt];
        const max = o.maxTokens ?? 64;
        const stop = new StopText(detok, o.stop ?? []);
        const out: number[] = [];
        let finishReason: GgufGeneration['finishReason'] = 'length';
        if (max > 0) {
          for await (const token of sequence.evaluate(ids as never, {
            temperature: o.temperature ?? 0,
            ...(o.topK !== undefined ? { topK: o.topK } : {}),
            ...(o.topP !== undefined ? { topP: o.topP } : {}),
            ...(o.seed !== undefined ? { seed: o.seed } : {}),
          })) {
            if (model.isEogToken(token)) {
              finishReason = 'stop';
              break;
            }
            out.push(token as number);
            if (stop.push(out).stopped) {
              finishReason = 'stop';
              break;
            }
            if (out.length >= max) break;
          }
        }
        stop.flush();
        return { text: stop.text, tokens: stop.tokensKept(out), finishReason };
      });
      busy = run.catch(() => undefined);
      return run;
    },
    async close() {
      await busy;
      await context.dispose();
      await model.dispose();
    },
  };
}
