// `fathom generate`: continue a prompt with a checkpoint, streaming tokens to the terminal
// (KV-cache decoding; greedy, temperature, top-k, top-p, repetition penalty, stop strings).
import { UsageError } from '../../errors.js';
import { generate } from '../../models/generate/index.js';
import type { GenerateOptions } from '../../models/generate/index.js';
import { loadLanguageModel, requireTokenizer } from '../../serve/index.js';
import { emit, globalOptions } from '../context.js';
import { registerCommand } from '../registry.js';

function num(flag: string, v: string, check: (n: number) => boolean, example: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${flag} "${v}" is not valid`, `pass e.g. ${flag} ${example}`);
  return n;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

interface Flags {
  prompt?: string[];
  promptIds?: string;
  maxTokens: string;
  temperature: string;
  topK: string;
  topP: string;
  repetitionPenalty: string;
  seed: string;
  stop?: string[];
  logprobs?: string;
  tokenizer?: string;
  weights: string;
}

registerCommand({
  name: 'generate',
  summary: 'generate text from a checkpoint (streams tokens; sampling options)',
  examples: [
    'fathom generate ~/.fathom/artifacts/<run>/checkpoints --prompt "Call me" --max-tokens 100',
    'fathom generate step-000600.json --prompt "The" --temperature 0.8 --top-p 0.95 --seed 1',
    'fathom generate ./tiny-llama --prompt-ids 1,5,9 --temperature 0 --logprobs 3 --json',
    'fathom generate model.safetensors --prompt "a" --prompt "b" --stop "\\n" --json',
  ],
  define(cmd) {
    cmd.description('continue prompts with a fathom checkpoint, a fathom .safetensors file or a Hugging Face Llama folder')
      .argument('<checkpoint>', 'checkpoint state (.json / latest.json / its folder), .safetensors weights, or an HF Llama folder (config.json + model.safetensors)')
      .option('--prompt <text>', 'prompt text (repeat for a batch)', collect)
      .option('--prompt-ids <ids>', 'prompt as comma-separated token ids (for models without a tokenizer)')
      .option('--max-tokens <n>', 'tokens to generate at most', '64')
      .option('--temperature <t>', 'softmax temperature; 0 = greedy', '1')
      .option('--top-k <k>', 'sample from the k most likely tokens; 0 = all', '0')
      .option('--top-p <p>', 'nucleus sampling mass; 1 = all', '1')
      .option('--repetition-penalty <r>', 'CTRL repetition penalty; 1 = none', '1')
      .option('--seed <n>', 'sampling seed', '0')
      .option('--stop <text>', 'stop string (repeatable)', collect)
      .option('--logprobs <n>', 'report each token\'s log-probability and n alternatives')
      .option('--tokenizer <tok>', 'byte or a tokenizer.json (default: the checkpoint\'s)')
      .option('--weights <which>', 'raw or an averager name (ema, lawa, swa) of a training checkpoint', 'raw');
    cmd.action((checkpoint: string, o: Flags) => {
      const options = globalOptions(cmd);
      if (!o.prompt?.length && !o.promptIds) throw new UsageError('generate needs --prompt or --prompt-ids', 'pass e.g. --prompt "Once upon a time"');
      if (o.prompt?.length && o.promptIds) throw new UsageError('pass --prompt or --prompt-ids, not both', 'use one of them');
      const lm = loadLanguageModel(checkpoint, { ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}), weights: o.weights });
      let prompts: Int32Array[];
      if (o.promptIds) {
        const ids = o.promptIds.split(',').map((s) => num('--prompt-ids', s, (n) => Number.isInteger(n) && n >= 0, '1,5,9'));
        prompts = [Int32Array.from(ids)];
      } else {
        const tok = requireTokenizer(lm);
        prompts = o.prompt!.map((p) => tok.encode(p));
      }
      const tok = lm.tokenizer;
      const stream = !options.json && prompts.length === 1 && tok !== null;
      const genOptions: GenerateOptions = {
        maxTokens: num('--max-tokens', o.maxTokens, (n) => Number.isInteger(n) && n >= 0, '64'),
        temperature: num('--temperature', o.temperature, (n) => n >= 0, '0.8'),
        topK: num('--top-k', o.topK, (n) => Number.isInteger(n) && n >= 0, '40'),
        topP: num('--top-p', o.topP, (n) => n > 0 && n <= 1, '0.95'),
        repetitionPenalty: num('--repetition-penalty', o.repetitionPenalty, (n) => n > 0, '1.1'),
        seed: num('--seed', o.seed, (n) => Number.isInteger(n) && n >= 0, '1'),
        stopTokens: lm.stopTokens,
        ...(o.stop?.length ? { stop: o.stop } : {}),
        ...(o.logprobs !== undefined ? { logprobs: num('--logprobs', o.logprobs, (n) => Number.isInteger(n) && n >= 0 && n <= 20, '5') } : {}),
        ...(tok ? { decode: (ids: ArrayLike<number>) => tok.decode(ids) } : {}),
        ...(stream ? { onToken: (e: { text: string }) => { if (e.text) process.stdout.write(e.text); } } : {}),
      };
      if (stream) process.stdout.write(o.prompt![0]!);
      const started = performance.now();
      const results = generate(lm.model, prompts, genOptions);
      const seconds = (performance.now() - started) / 1000;
      const tokens = results.reduce((a, r) => a + r.tokens.length, 0);
      const result = {
        model: lm.name, format: lm.format, seconds: Number(seconds.toFixed(3)), tokensPerSecond: Number((tokens / seconds).toFixed(1)),
        results: results.map((r) => ({
          prompt: o.promptIds ? [...r.prompt] : tok!.decode(r.prompt), text: r.text, tokens: r.tokens, finishReason: r.finishReason,
          ...(r.logprobs ? { logprobs: r.logprobs.map((l) => ({ token: l.token, ...(tok ? { text: tok.decode([l.token]) } : {}), logprob: l.logprob, top: l.top })) } : {}),
        })),
      };
      if (stream) {
        process.stdout.write('\n');
        if (!options.quiet) process.stderr.write(`[${tokens} tokens, ${result.tokensPerSecond} tokens/s, finished: ${results[0]!.finishReason}]\n`);
        return;
      }
      emit(options, result, () => result.results.map((r) => `${typeof r.prompt === 'string' ? r.prompt : `[${r.prompt.join(',')}]`}${tok ? r.text : ` → [${r.tokens.join(',')}]`}`).join('\n---\n'));
    });
  },
});
