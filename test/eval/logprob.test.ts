// MC-cloze and MC-verify end to end against scripted providers with deterministic
// log-probabilities (hand-computed winners, including a short wrong option that out-scores a long
// right one under the summed log-likelihood), their stored per-option scores, the error a
// provider without log-probabilities gets, and a missing Yes/No as an error status, never a 0.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { clozeContext, evalConfigSchema, extractArgmax, startEval, type OptionScores, type Stages } from '../../src/eval/index.js';
import { LlmPool, scriptedProvider, wordTokens, type Generation, type GenerateRequest } from '../../src/llm/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';

const ITEMS = [
  { id: 'capital', question: 'What is the capital of France?', options: ['Lyon', 'Paris', 'Nice'], answer: 'B' },
  { id: 'planet', question: 'Which planet is largest?', options: ['Mars', 'the gas giant Jupiter', 'Venus'], answer: 'B' },
  { id: 'water', question: 'What is water made of?', options: ['hydrogen and oxygen', 'salt', 'iron'], answer: 'A' },
];
const RIGHT = new Map(ITEMS.map((it) => [it.question, it.options[it.answer.charCodeAt(0) - 65]!]));

/** Cloze: every word of the right option has log-probability −0.5, of a wrong one −1.2. */
function cloze(request: GenerateRequest): Generation {
  const prompt = request.prompt!;
  const question = /Question: (.*)\n/.exec(prompt)![1]!;
  const at = prompt.indexOf('\nAnswer:') + '\nAnswer:'.length;
  const right = prompt.slice(at).trim() === RIGHT.get(question);
  const promptLogprobs = wordTokens(prompt).map(({ token, offset }, i) => ({ token, offset, logprob: i === 0 ? null : offset >= at ? (right ? -0.5 : -1.2) : -3 }));
  return { text: '.', finishReason: 'length', usage: { inputTokens: promptLogprobs.length, outputTokens: 1 }, promptLogprobs };
}

/** Verify: P(Yes) 0.8 for the right option, 0.3 for a wrong one; "Maybe" only for the water item. */
function verify(request: GenerateRequest): Generation {
  const text = request.messages[0]!.content;
  const question = /Question: (.*)\n/.exec(text)![1]!;
  const option = /Proposed answer: (.*)\n/.exec(text)![1]!;
  const usage = { inputTokens: 10, outputTokens: 1 };
  if (question === 'What is water made of?') return { text: 'Maybe', finishReason: 'length', usage, logprobs: [{ token: 'Maybe', logprob: 0, top: [{ token: 'Maybe', logprob: 0 }] }] };
  const p = option === RIGHT.get(question) ? 0.8 : 0.3;
  const top = [{ token: 'Yes', logprob: Math.log(p * 0.9) }, { token: ' no', logprob: Math.log((1 - p) * 0.9) }, { token: 'Hmm', logprob: Math.log(0.1) }];
  return { text: p > 0.5 ? 'Yes' : 'No', finishReason: 'length', usage, logprobs: [{ token: top[0]!.token, logprob: top[0]!.logprob, top }] };
}

async function run(solver: string, provider: ReturnType<typeof scriptedProvider>) {
  const dir = tempDir();
  const data = join(dir, 'mcq.jsonl');
  writeFileSync(data, ITEMS.map((it) => JSON.stringify(it)).join('\n'));
  const store = new Store(dir);
  const pool = new LlmPool({ store });
  pool.add(provider);
  const config = evalConfigSchema.parse({ dataset: { path: data }, solver, scorer: 'letter', candidate: { model: `${provider.name}:m` } });
  try {
    const out = await startEval(store, config, { pool });
    const stages = new Map(store.items(out.runId).map((r) => [r.itemId, r.stages as unknown as Stages]));
    return { out, stages };
  } finally {
    store.close();
  }
}

describe('log-probability protocols', () => {
  it('mc-cloze picks the option with the highest summed log-likelihood after the question', async () => {
    const { out, stages } = await run('mc-cloze', scriptedProvider('lp', cloze, { promptLogprobs: true }));
    // capital: Lyon −1.2, Paris −0.5, Nice −1.2 → B. planet: Mars −1.2, "the gas giant Jupiter" 4 × −0.5 = −2,
    // Venus −1.2 → a tie of two wrong options: unparsed. water: 3 × −0.5 = −1.5 vs −1.2, −1.2 → tie: unparsed.
    const capital = JSON.parse(stages.get('capital')!.response!.text!) as OptionScores;
    assert.deepEqual(capital, { protocol: 'mc-cloze', scores: [-1.2, -0.5, -1.2], tokens: [1, 1, 1] });
    assert.equal(stages.get('capital')!.score!.value, 1);
    assert.deepEqual((JSON.parse(stages.get('planet')!.response!.text!) as OptionScores).scores, [-1.2, -2, -1.2]);
    assert.equal(stages.get('planet')!.extracted!.status, 'unparsed');
    assert.equal(stages.get('planet')!.score!.status, 'unparsed');
    assert.equal(out.summary.accuracy.correct, 1);
    assert.equal(stages.get('capital')!.response!.requests, 3, 'one request per option');
    assert.equal(clozeContext({ id: 'x', question: 'Q?' }), 'Question: Q?\nAnswer:');
  });

  it('mc-verify picks the option with the highest P(Yes)/(P(Yes)+P(No)); no Yes/No is an error, not a 0', async () => {
    const { out, stages } = await run('mc-verify', scriptedProvider('lpv', verify, { logprobs: true }));
    const capital = JSON.parse(stages.get('capital')!.response!.text!) as OptionScores;
    assert.equal(capital.protocol, 'mc-verify');
    capital.scores.forEach((s, i) => assert.ok(Math.abs(s - (i === 1 ? 0.8 : 0.3)) < 1e-12, `option ${i}: ${s}`));
    assert.equal(stages.get('capital')!.score!.value, 1);
    assert.equal(stages.get('planet')!.score!.value, 1);
    const water = stages.get('water')!;
    assert.equal(water.response!.status, 'error');
    assert.equal(water.score!.status, 'error');
    assert.equal(water.score!.value, null);
    assert.match(water.response!.error!.message, /mc-verify: option A: no "Yes" or "No" among the first token's log-probabilities/);
    assert.equal(out.summary.accuracy.errors, 1);
    assert.equal(out.summary.accuracy.correct, 2);
  });

  it('refuses a provider without log-probabilities before any request, naming the protocol and the providers that have them', async () => {
    let calls = 0;
    const plain = scriptedProvider('plain', () => {
      calls++;
      return 'Yes';
    });
    await assert.rejects(run('mc-cloze', plain), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /solver "mc-cloze" needs prompt log-probabilities \(completions with echo\), which provider "plain" \(scripted\) does not offer/);
      assert.match(err.hint ?? '', /openai/);
      return true;
    });
    await assert.rejects(run('mc-verify', scriptedProvider('plain2', () => 'Yes')), /solver "mc-verify" needs token log-probabilities, which provider "plain2" \(scripted\) does not offer/);
    assert.equal(calls, 0);
  });

  it('extracts the argmax letter from stored scores; ties and malformed text are unparsed', () => {
    const sample = { id: 'x', question: 'q', options: ['a', 'b', 'c'] };
    assert.deepEqual(extractArgmax(JSON.stringify({ protocol: 'mc-verify', scores: [0.1, 0.2, 0.9] }), sample), { status: 'ok', answer: 'C', method: 'mc-verify' });
    assert.equal(extractArgmax(JSON.stringify({ protocol: 'mc-verify', scores: [0.9, 0.2, 0.9] }), sample).status, 'unparsed');
    assert.equal(extractArgmax(JSON.stringify({ protocol: 'mc-verify', scores: [0.9, 0.2] }), sample).status, 'unparsed');
    assert.equal(extractArgmax('Yes', sample).status, 'unparsed');
  });
});
