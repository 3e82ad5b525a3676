// `fathom`: a fathom model in-process — a `fathom train` checkpoint, a fathom .safetensors file or
// a Hugging Face Llama folder — answering chat (through the checkpoint's chat template) and raw
// completions, with the sampled tokens' log-probabilities and alternatives. It is the same model
// code `fathom serve` runs, without the HTTP hop, so an evaluation of a freshly trained model needs
// no server. Generations run one at a time: CPU decoding gains nothing from interleaving.
import { resolve } from 'node:path';
import { z } from 'zod';
import { generate } from '../../models/generate/index.js';
import { loadLanguageModel, renderChat } from '../../serve/index.js';
import type { LanguageModel } from '../../serve/index.js';
import { ProviderFailure } from '../failure.js';
import { Semaphore } from '../limits.js';
import { registerProviderType } from '../registry.js';
import type { Generation, GenerateRequest, Provider, TokenLogprob } from '../types.js';

export const fathomShape = {
  path: z.string().optional().describe('the checkpoint; unset: the model part of provider:model is the path (e.g. fathom:.fathom/artifacts/<run>/checkpoints)'),
  weights: z.string().optional().describe('which weights of a training checkpoint: raw (default) or an averager (ema, lawa, swa)'),
  tokenizer: z.string().optional().describe("'byte' or a tokenizer.json, overriding the checkpoint's"),
};

export function fathomProvider(name: string, o: z.output<z.ZodObject<typeof fathomShape>>): Provider {
  const loaded = new Map<string, LanguageModel>();
  const turn = new Semaphore(1);

  /** Loads (once) the model a request names; a FathomError from loading says what is wrong. */
  const load = (model: string): LanguageModel => {
    const path = resolve(o.path ?? model);
    let lm = loaded.get(path);
    if (!lm) {
      lm = loadLanguageModel(path, { ...(o.weights ? { weights: o.weights } : {}), ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}) });
      if (!lm.tokenizer) throw new ProviderFailure('client', `fathom provider: ${path} has no tokenizer, so text cannot be encoded`, { retryable: false });
      loaded.set(path, lm);
    }
    return lm;
  };

  return {
    name,
    type: 'fathom',
    logprobs: true,
    async prepare(model: string): Promise<void> {
      load(model);
    },
    async generate(request: GenerateRequest, signal: AbortSignal): Promise<Generation> {
      let lm: LanguageModel;
      try {
        lm = load(request.model);
      } catch (err) {
        if (err instanceof ProviderFailure) throw err;
        throw new ProviderFailure('client', err instanceof Error ? err.message : String(err), { retryable: false });
      }
      const tok = lm.tokenizer!;
      const p = request.params ?? {};
      if (p.echo) throw new ProviderFailure('client', 'the fathom provider does not return prompt log-probabilities (echo)', { retryable: false });
      const text = request.prompt ?? renderChat(lm.chatTemplate, request.messages);
      const prompt = tok.encode(text);
      const ctx = lm.model.config.contextLength;
      if (prompt.length === 0) throw new ProviderFailure('client', 'the prompt is empty', { retryable: false });
      if (prompt.length >= ctx) throw new ProviderFailure('client', `the prompt has ${prompt.length} tokens but the model's context is ${ctx}, leaving no room to generate`, { retryable: false });
      await turn.acquire();
      try {
        if (signal.aborted) throw new ProviderFailure('timeout', 'no response within the request timeout');
        const [out] = generate(lm.model, [prompt], {
          maxTokens: Math.min(p.maxTokens ?? ctx - prompt.length, ctx - prompt.length),
          temperature: p.temperature ?? 1,
          topP: p.topP ?? 1,
          seed: p.seed ?? 0,
          stopTokens: lm.stopTokens,
          ...(p.stop?.length ? { stop: p.stop } : {}),
          ...(p.logprobs ? { logprobs: p.topLogprobs ?? 0 } : {}),
          decode: (ids) => tok.decode(ids),
        });
        const logprobs: TokenLogprob[] | undefined = out!.logprobs?.map((e) => ({
          token: tok.decode([e.token]), logprob: e.logprob, top: e.top.map((t) => ({ token: tok.decode([t.token]), logprob: t.logprob })),
        }));
        return {
          text: out!.text,
          finishReason: out!.finishReason,
          usage: { inputTokens: prompt.length, outputTokens: out!.tokens.length },
          ...(logprobs ? { logprobs } : {}),
        };
      } finally {
        turn.release();
      }
    },
  };
}

registerProviderType({
  type: 'fathom',
  summary: 'a fathom checkpoint (or HF Llama folder) in-process: chat through its template, completions, logprobs',
  shape: fathomShape,
  create: fathomProvider,
});
