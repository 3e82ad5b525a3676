// Greedy decoding speed of fathom beside PyTorch eager (bench/generate-torch.py) and llama.cpp on
// the same weights: time to first token and decode tokens/s, with a greedy-parity count.
//   node --import tsx bench/generate-speed.ts [--tokens 256] [--prompt-tokens 32] [--checkpoint dir]
// The same measurement is `fathom bench generate`.
import { runGenerateBench } from '../src/serve/index.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const r = await runGenerateBench({
  tokens: Number(flag('tokens') ?? 256),
  promptTokens: Number(flag('prompt-tokens') ?? 32),
  ...(flag('checkpoint') ? { checkpoint: flag('checkpoint')! } : {}),
});
const { tokens: _f, ...fathom } = r.fathom;
const strip = (p: typeof r.torch): unknown => ('tokens' in p ? { ...p, tokens: undefined } : p);
console.log(JSON.stringify({ ...r, fathom, torch: strip(r.torch), llamaCpp: strip(r.llamaCpp) }, null, 2));
