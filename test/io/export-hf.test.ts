// `fathom export hf`: a trained llama checkpoint written as a Hugging Face Llama folder loads back
// (through the HF path) with identical logits in F32 and close ones in BF16; and its errors.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadLanguageModel } from '../../src/serve/index.js';
import { indices, noGrad } from '../../src/tensor/index.js';
import { fathom } from '../helpers/cli.js';
import { tinyCheckpoint } from '../serve/tiny-checkpoint.js';

test('export hf: the folder loads as an HF Llama with the same logits, tokenizer and chat template', async () => {
  const ckpt = await tinyCheckpoint('llama');
  const out = mkdtempSync(join(tmpdir(), 'fathom-hf-'));
  const r = fathom(['export', 'hf', ckpt, join(out, 'f32'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const b = fathom(['export', 'hf', ckpt, join(out, 'bf16'), '--dtype', 'bf16']);
  assert.equal(b.code, 0, b.stderr);
  const config = JSON.parse(readFileSync(join(out, 'f32', 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(config.model_type, 'llama');
  assert.equal(config.max_position_embeddings, 96);
  assert.ok(existsSync(join(out, 'f32', 'tokenizer.json')) && existsSync(join(out, 'f32', 'chat_template.json')));
  const orig = loadLanguageModel(ckpt);
  const ids = indices([[...orig.tokenizer!.encode('Call me Ishmael')]]);
  const ref = noGrad(() => orig.model.forward(ids).logits.toArray());
  for (const [sub, tol] of [['f32', 0], ['bf16', 0.05]] as const) {
    const hf = loadLanguageModel(join(out, sub));
    assert.equal(hf.format, 'hf-llama');
    assert.equal(hf.tokenizer!.decode(hf.tokenizer!.encode('héllo')), 'héllo');
    const got = noGrad(() => hf.model.forward(ids).logits.toArray());
    const err = Math.max(...ref.map((v, i) => Math.abs(v - got[i]!)));
    assert.ok(err <= tol, `${sub}: max logit error ${err}`);
  }
  const bad = fathom(['export', 'hf', ckpt, join(out, 'x'), '--dtype', 'q4']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--dtype "q4" is not one of f32, f16, bf16/);
});
