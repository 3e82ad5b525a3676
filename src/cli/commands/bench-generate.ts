// `fathom bench generate`: greedy decoding speed (time to first token, decode tokens/s) of fathom
// beside PyTorch eager and llama.cpp on the same weights, with a greedy-parity count.
import { UsageError } from '../../errors.js';
import { runGenerateBench } from '../../serve/index.js';
import type { GenerateBenchResult, PeerSpeed } from '../../serve/index.js';
import { emit, globalOptions, textTable } from '../context.js';
import { registerBench, withExamples } from '../registry.js';

function int(flag: string, v: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`bench generate: ${flag} must be a whole number from 1 to ${max}, got "${v}"`, `pass e.g. ${flag} 64`);
  return n;
}

const f = (x: number, d = 1): string => x.toFixed(d);

function render(r: GenerateBenchResult): string {
  const fathom = r.fathom;
  const row = (name: string, p: PeerSpeed): Array<string | number> => ('skipped' in p
    ? [name, '-', '-', '-', '-', `skipped: ${p.skipped}`]
    : [name, f(p.ttftMs), f(p.decodeTokensPerSec), f(fathom.decodeTokensPerSec / p.decodeTokensPerSec, 2), `${p.matchingTokens}/${r.tokens}`, p.version]);
  return [
    `greedy decoding, ${r.promptTokens}-token prompt, ${r.tokens} tokens: ${r.model.source} (${(r.model.params / 1e6).toFixed(2)}M params, ${r.model.layers} layers, d=${r.model.dim}, ${r.model.heads} heads, ${r.model.kvHeads} kv heads, vocab ${r.model.vocab})`,
    textTable(['system', 'TTFT ms', 'decode tok/s', 'fathom ÷ it', 'same greedy tokens', 'version'], [
      ['fathom', f(fathom.ttftMs), f(fathom.decodeTokensPerSec), '1.00', `${r.tokens}/${r.tokens}`, ''],
      row(`pytorch (eager, ${r.threads} threads)`, r.torch),
      row(`llama.cpp (F32 GGUF, ${r.threads} threads)`, r.llamaCpp),
    ]),
  ].join('\n');
}

registerBench({
  name: 'generate',
  define(parent) {
    const cmd = parent.command('generate').description('greedy decoding speed (TTFT, tokens/s) of fathom vs PyTorch and llama.cpp on the same weights')
      .option('--checkpoint <path>', 'a llama-arch checkpoint (default: a random 6-layer d=256 Llama, byte vocabulary)')
      .option('--tokens <n>', 'tokens to generate', '256')
      .option('--prompt-tokens <n>', 'prompt length', '32')
      .option('--threads <n>', 'CPU threads of the PyTorch and llama.cpp peers', '2')
      .option('--no-peers', 'measure fathom only');
    withExamples(cmd, ['fathom bench generate', 'fathom bench generate --tokens 128 --json', 'fathom bench generate --checkpoint runs/x/checkpoints --no-peers']);
    cmd.action(async (o: { checkpoint?: string; tokens: string; promptTokens: string; threads: string; peers: boolean }) => {
      const options = globalOptions(cmd);
      const r = await runGenerateBench({ ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}), tokens: int('--tokens', o.tokens, 4096), promptTokens: int('--prompt-tokens', o.promptTokens, 4096), peers: o.peers, threads: int('--threads', o.threads, 64) });
      emit(options, r, () => render(r));
    });
  },
});
