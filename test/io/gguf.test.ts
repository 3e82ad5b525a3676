// GGUF: written headers parse back (metadata, innermost-first dims, aligned offsets, F16 data);
// malformed headers — bad magic or version, truncation, huge declared counts and lengths, offsets
// past the data — and seeded random mutations are FathomErrors; the q/k permutation on a hand case;
// and llama.cpp (through node-llama-cpp, when it loads) decodes exported models greedily to the
// same tokens as fathom and as the PyTorch reference.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BYTE_TO_CHAR } from '../../src/data/bytes.js';
import { FathomError } from '../../src/errors.js';
import { fromHfConfig, fromHfLlamaTensors, parseGgufHeader, permuteRotary, readGgufHeader, SafetensorsReader, toGgufLlama, writeGguf } from '../../src/io/index.js';
import type { GgufValue } from '../../src/io/index.js';
import { generate } from '../../src/models/generate/index.js';
import { Transformer } from '../../src/models/index.js';
import { loadGgufModel, loadLanguageModel } from '../../src/serve/index.js';
import { fathom } from '../helpers/cli.js';
import { tinyCheckpoint } from '../serve/tiny-checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'fathom-gguf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sample(): Buffer {
  const path = join(dir, 'sample.gguf');
  const metadata: Array<[string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['llama.block_count', { type: 'u32', value: 2 }],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', value: ['a', 'b', 'c'] }],
    ['tokenizer.ggml.token_type', { type: 'array', of: 'i32', value: [1, 1, 3] }],
  ];
  writeGguf(path, metadata, [
    { name: 'w', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]), type: 'F32' },
    { name: 'h', shape: [3], data: Float32Array.from([1, -2, 0.5]), type: 'F16' },
  ]);
  return readFileSync(path);
}

test('a written GGUF parses back: metadata, dims innermost first, aligned data', () => {
  const bytes = sample();
  const h = parseGgufHeader(bytes);
  assert.equal(h.version, 3);
  assert.equal(h.metadata.get('general.alignment'), 32);
  assert.equal(h.metadata.get('llama.block_count'), 2);
  assert.equal(h.metadata.get('llama.rope.freq_base'), 10000);
  assert.deepEqual(h.metadata.get('tokenizer.ggml.tokens'), ['a', 'b', 'c']);
  assert.deepEqual(h.tensors.map((t) => [t.name, t.dims, t.type, t.offset]), [['w', [3, 2], 0, 0], ['h', [3], 1, 32]]);
  assert.equal(h.dataStart % 32, 0);
  assert.deepEqual([...new Float32Array(bytes.buffer.slice(bytes.byteOffset + h.dataStart, bytes.byteOffset + h.dataStart + 24))], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...new Uint16Array(bytes.buffer.slice(bytes.byteOffset + h.dataStart + 32, bytes.byteOffset + h.dataStart + 38))], [0x3c00, 0xc000, 0x3800]);
});

test('malformed GGUF headers are clear errors, without allocating declared sizes', () => {
  const good = sample();
  const patch = (at: number, write: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(good);
    write(b.subarray(at));
    return b;
  };
  const firstKeyLen = 24; // magic, version, tensor count, kv count
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.from('GG'), /magic needs 4 bytes at offset 0 but the file has 2 left/],
    [patch(0, (b) => b.write('GGML')), /does not start with the magic "GGUF"/],
    [patch(4, (b) => b.writeUInt32LE(7)), /version 7 is not 2 or 3/],
    [patch(8, (b) => b.writeBigUInt64LE(1n << 40n)), /declares 1099511627776 tensors, more than \d+ bytes can hold/],
    [patch(16, (b) => b.writeBigUInt64LE(1n << 62n)), /metadata count is 4611686018427387904, beyond any real file/],
    [patch(16, (b) => b.writeBigUInt64LE(1n << 45n)), /declares 35184372088832 metadata entries/],
    [patch(firstKeyLen, (b) => b.writeBigUInt64LE(1n << 50n)), /metadata key 0 needs 1125899906842624 bytes at offset 32 but the file has \d+ left/],
    [good.subarray(0, 300), /'tokenizer\.ggml\.token_type' declares 3 elements, more than the 8 remaining bytes can hold/],
    [good.subarray(0, 200), /needs \d+ bytes at offset \d+ but the file has \d+ left \(truncated, or a lying length\)/],
    [good.subarray(0, good.length - 30), /tensor 'h' \[3\] at offset 32 runs past the \d+-byte data section/],
  ];
  // The array length of tokenizer.ggml.tokens, and an unknown value type.
  const text = good.toString('latin1');
  const arr = text.indexOf('tokenizer.ggml.tokens\u0009') + 'tokenizer.ggml.tokens'.length + 8; // after the type (9 = array) and element type
  cases.push([patch(arr, (b) => b.writeBigUInt64LE(1n << 40n)), /'tokenizer\.ggml\.tokens' declares 1099511627776 elements/]);
  const typeAt = text.indexOf('llama.block_count') + 'llama.block_count'.length;
  cases.push([patch(typeAt, (b) => b.writeUInt32LE(99)), /'llama\.block_count' has unknown value type 99/]);
  const dimsAt = text.lastIndexOf('w\u0002') + 1;
  cases.push([patch(dimsAt, (b) => b.writeUInt32LE(9)), /tensor 'w' has 9 dimensions \(ggml allows 1 to 4\)/]);
  for (const [i, [bytes, re]] of cases.entries()) {
    assert.throws(() => parseGgufHeader(bytes, 'bad.gguf'), (err: unknown) => {
      assert.ok(err instanceof FathomError, `case ${i}: ${String(err)}`);
      assert.ok(err instanceof FathomError, String(err));
      assert.match(err.message, /^bad\.gguf: not a valid GGUF file: /);
      assert.match(err.message, re);
      return true;
    }, `case ${i}: ${re}`);
  }
  assert.throws(() => readGgufHeader(join(dir, 'none.gguf')), /cannot open .*none\.gguf \(ENOENT\)/);
});

test('fuzz: 3000 seeded mutations of a GGUF header parse or throw a FathomError', () => {
  const good = sample();
  const h = parseGgufHeader(good);
  let seed = 99;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  let errors = 0;
  for (let trial = 0; trial < 3000; trial++) {
    let b = Buffer.from(good);
    const kind = rand(3);
    if (kind === 0) b = b.subarray(0, rand(b.length));
    else if (kind === 1) for (let k = 0, n = 1 + rand(3); k < n; k++) b[rand(h.dataStart)] = rand(256);
    else b.writeBigUInt64LE(BigInt(rand(2 ** 31)) * BigInt(1 + rand(2 ** 31)), 8 + 8 * rand(2)); // a count
    try {
      parseGgufHeader(b);
    } catch (err) {
      if (!(err instanceof FathomError)) throw new Error(`trial ${trial} (kind ${kind}) threw ${String(err)}`);
      errors++;
    }
  }
  assert.ok(errors > 1000, `${errors} errors`);
});

test('q/k rows go from rotate-half pairs (i, i + D/2) to adjacent pairs (2i, 2i + 1) per head', () => {
  // Two heads of size 4, one column: head rows [a0 a1 b0 b1] → [a0 b0 a1 b1].
  const t = { shape: [8, 1], data: Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13]) };
  assert.deepEqual([...permuteRotary(t, 2).data], [0, 2, 1, 3, 10, 12, 11, 13]);
});

async function loadLlamaCpp(t: { skip(msg: string): void }): Promise<null | ((file: string, ids: number[], n: number) => Promise<number[]>)> {
  try {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    return async (file, ids, n) => {
      const model = await llama.loadModel({ modelPath: file });
      const context = await model.createContext({ contextSize: 256 });
      const out: number[] = [];
      for await (const token of context.getSequence().evaluate(ids as never, { temperature: 0 })) {
        out.push(token as number);
        if (out.length >= n) break;
      }
      await context.dispose();
      await model.dispose();
      return out;
    };
  } catch (err) {
    t.skip(`node-llama-cpp did not load (${(err as Error).message.split('\n')[0]}); the llama.cpp parity check needs it`);
    return null;
  }
}

test('llama.cpp greedy decoding of exported GGUF matches fathom (and PyTorch on the HF fixture); the local GGUF module', async (t) => {
  const run = await loadLlamaCpp(t);
  if (!run) return;
  // 1. The HF fixture (grouped-query attention, untied head): PyTorch → fathom → GGUF → llama.cpp.
  const fx = new URL('../fixtures/hf-llama/', import.meta.url).pathname;
  const config = fromHfConfig(JSON.parse(readFileSync(`${fx}config.json`, 'utf8')));
  const reader = SafetensorsReader.open(`${fx}model.safetensors`);
  const state = fromHfLlamaTensors(config, (n) => reader.read(n));
  reader.close();
  // The fixture has no tokenizer: 64 byte-level symbols (with the newline llama.cpp looks up).
  const tokens = ['Ċ', ...BYTE_TO_CHAR.slice(33, 96)];
  const { metadata, tensors } = toGgufLlama(config, state, { tokens, merges: [], types: tokens.map(() => 1), eos: 2, bos: 1 });
  const file = join(dir, 'fixture.gguf');
  writeGguf(file, metadata, tensors);
  const expected = JSON.parse(readFileSync(`${fx}expected.json`, 'utf8')) as { cases: Array<{ ids: number[]; greedy: number[] }> };
  const model = new Transformer(config);
  model.loadStateDict(state);
  for (const c of expected.cases) {
    assert.deepEqual(generate(model, [Int32Array.from(c.ids)], { maxTokens: 8, temperature: 0 })[0]!.tokens, c.greedy);
    assert.deepEqual(await run(file, c.ids, 8), c.greedy, `llama.cpp on [${c.ids.join(',')}]`);
  }
  // 2. A checkpoint from the trainer, exported by the CLI in F32 and F16 with its byte tokenizer.
  const ckpt = await tinyCheckpoint('llama');
  const lm = loadLanguageModel(ckpt);
  for (const dtype of ['f32', 'f16']) {
    const out = join(dir, `tiny-${dtype}.gguf`);
    const r = fathom(['export', 'gguf', ckpt, out, '--dtype', dtype, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const h = readGgufHeader(out);
    assert.equal((h.metadata.get('tokenizer.ggml.tokens') as string[]).length, 256);
    for (const prompt of ['Call me Ish', 'Some years ago']) {
      const ids = [...lm.tokenizer!.encode(prompt)];
      const ref = generate(lm.model, [Int32Array.from(ids)], { maxTokens: 12, temperature: 0 })[0]!.tokens;
      assert.deepEqual(await run(out, ids, 12), ref, `${dtype} '${prompt}'`);
    }
  }
  // 3. The generic local-GGUF module: text in, text out, stop strings, on the F32 export.
  const gg = await loadGgufModel(join(dir, 'tiny-f32.gguf'));
  const tok = lm.tokenizer!;
  assert.deepEqual(gg.tokenize('Call me'), [...tok.encode('Call me')]);
  const ref = generate(lm.model, [tok.encode('Call me')], { maxTokens: 16, temperature: 0, decode: (x) => tok.decode(x) })[0]!;
  const got = await gg.generate('Call me', { maxTokens: 16 });
  assert.equal(got.text, ref.text);
  assert.deepEqual(got.tokens, ref.tokens);
  const stop = ref.text.slice(5, 7);
  const cut = await gg.generate('Call me', { maxTokens: 16, stop: [stop] });
  assert.equal(cut.text, ref.text.slice(0, ref.text.indexOf(stop)));
  assert.equal(cut.finishReason, 'stop');
  await gg.close();
  await assert.rejects(loadGgufModel(join(dir, 'absent.gguf')), /gguf model .*absent\.gguf does not exist/);

  const gpt2 = fathom(['export', 'gguf', await tinyCheckpoint('gpt2'), join(dir, 'x.gguf')]);
  assert.equal(gpt2.code, 2);
  assert.match(gpt2.stderr, /is a 'gpt2' model; GGUF export needs arch 'llama'/);
});
