// `fathom serve`: an OpenAI-compatible HTTP server (/v1/models, /v1/completions,
// /v1/chat/completions, streaming) for one or more checkpoints, on loopback unless --host says.
import { UsageError } from '../../errors.js';
import { info } from '../../log/index.js';
import { loadLanguageModel, serve } from '../../serve/index.js';
import { globalOptions } from '../context.js';
import { registerCommand } from '../registry.js';

function int(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${v}"`, `pass e.g. ${flag} 8`);
  return n;
}

registerCommand({
  name: 'serve',
  summary: 'serve checkpoints over an OpenAI-compatible HTTP API',
  examples: [
    'fathom serve .fathom/artifacts/<run>/checkpoints --port 8080   # served as model "<run>"',
    'fathom serve run-a/checkpoints run-b/checkpoints --name a --name b',
    'fathom serve ./tiny-llama --host 0.0.0.0 --max-queue 256   # exposed beyond this machine',
    'curl localhost:8080/v1/completions -d \'{"model":"<run>","prompt":"Call me","max_tokens":20}\'',
  ],
  define(cmd) {
    cmd.description('serve fathom checkpoints, fathom .safetensors files or HF Llama folders at /v1/models, /v1/completions and /v1/chat/completions')
      .argument('<checkpoint...>', 'one or more checkpoints (each served under its folder/file name, or --name)')
      .option('--host <host>', 'interface to listen on (default loopback only; 0.0.0.0 exposes the server)', '127.0.0.1')
      .option('--port <n>', 'TCP port (0 = any free port)', '8080')
      .option('--name <name>', 'model name for the checkpoint at the same position (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--tokenizer <tok>', 'byte or a tokenizer.json for every model (default: each checkpoint\'s)')
      .option('--max-active <n>', 'requests decoding at once', '8')
      .option('--max-queue <n>', 'requests decoding or waiting; beyond this the server answers 503', '64');
    cmd.action(async (checkpoints: string[], o: { host: string; port: string; name?: string[]; tokenizer?: string; maxActive: string; maxQueue: string }) => {
      const options = globalOptions(cmd);
      if (o.name && o.name.length !== checkpoints.length) throw new UsageError(`${o.name.length} --name for ${checkpoints.length} checkpoints`, 'give one --name per checkpoint, or none');
      const models = checkpoints.map((c, i) => loadLanguageModel(c, { ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}), ...(o.name ? { name: o.name[i]! } : {}) }));
      const server = await serve(models, { host: o.host, port: int('--port', o.port, 0), maxActive: int('--max-active', o.maxActive, 1), maxQueue: int('--max-queue', o.maxQueue, 1) });
      const ready = { url: server.url, models: models.map((m) => ({ name: m.name, format: m.format, path: m.path, contextLength: m.model.config.contextLength })) };
      if (options.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
      else process.stdout.write(`serving ${models.map((m) => m.name).join(', ')} at ${server.url}/v1 (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          info('serve: finishing admitted requests, then stopping');
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  },
});
