// `fathom generate` and `fathom serve` as users run them, on a checkpoint the trainer wrote and on
// the Hugging Face Llama fixture; their usage errors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generate } from '../../src/models/generate/index.js';
import { loadLanguageModel } from '../../src/serve/index.js';
import { CLI, fathom, ROOT } from '../helpers/cli.js';
import { tinyCheckpoint } from './tiny-checkpoint.js';

test('fathom generate: a trained checkpoint streams text; --json equals in-process generation', async () => {
  const ckpt = await tinyCheckpoint('gpt2');
  const lm = loadLanguageModel(ckpt);
  const tok = lm.tokenizer!;
  const ref = generate(lm.model, [tok.encode('Call me')], { maxTokens: 20, temperature: 0.7, seed: 4, decode: (x) => tok.decode(x), logprobs: 2 })[0]!;
  const j = fathom(['generate', ckpt, '--prompt', 'Call me', '--max-tokens', '20', '--temperature', '0.7', '--seed', '4', '--logprobs', '2', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const out = JSON.parse(j.stdout) as { format: string; results: Array<{ text: string; tokens: number[]; logprobs: Array<{ logprob: number }> }> };
  assert.equal(out.format, 'fathom-checkpoint');
  assert.deepEqual(out.results[0]!.tokens, ref.tokens);
  assert.equal(out.results[0]!.text, ref.text);
  assert.deepEqual(out.results[0]!.logprobs.map((l) => l.logprob), ref.logprobs!.map((l) => l.logprob));
  const s = fathom(['generate', ckpt, '--prompt', 'Call me', '--max-tokens', '20', '--temperature', '0.7', '--seed', '4']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stdout, `Call me${ref.text}\n`);
  assert.match(s.stderr, /\[20 tokens, [\d.]+ tokens\/s, finished: length\]/);
  const none = fathom(['generate', ckpt]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /generate needs --prompt or --prompt-ids/);
  const badT = fathom(['generate', ckpt, '--prompt', 'x', '--temperature', '-1']);
  assert.equal(badT.code, 2);
  assert.match(badT.stderr, /--temperature "-1" is not valid/);
});

test('fathom generate on the HF fixture needs token ids (no tokenizer) and reproduces PyTorch greedy tokens', () => {
  const dir = `${ROOT}test/fixtures/hf-llama`;
  const c = (JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')) as { cases: Array<{ ids: number[]; greedy: number[] }> }).cases[0]!;
  const r = fathom(['generate', dir, '--prompt-ids', c.ids.join(','), '--temperature', '0', '--max-tokens', '8', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { results: Array<{ tokens: number[] }> }).results[0]!.tokens, c.greedy);
  const text = fathom(['generate', dir, '--prompt', 'hello']);
  assert.equal(text.code, 1);
  assert.match(text.stderr, /model hf-llama has no tokenizer \(vocabulary 64, no tokenizer\.json beside it\)\. Hint: pass --tokenizer/);
});

test('fathom serve: listens on loopback, answers, and stops cleanly on SIGTERM', async () => {
  const ckpt = await tinyCheckpoint('llama');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', ckpt, '--name', 'tiny', '--port', '0', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const ready = JSON.parse(stdout.split('\n')[0]!) as { url: string; models: Array<{ name: string; format: string }> };
  assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(ready.models.map((m) => [m.name, m.format]), [['tiny', 'fathom-checkpoint']]);
  const models = (await (await fetch(`${ready.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
  assert.deepEqual(models.data.map((m) => m.id), ['tiny']);
  const r = (await (await fetch(`${ready.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: 'tiny', prompt: 'Call', max_tokens: 5, temperature: 0 }) })).json()) as { choices: Array<{ finish_reason: string }> };
  assert.equal(r.choices[0]!.finish_reason, 'length');
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
});
