// Every attack end to end against a model served by `fathom serve`: a tiny checkpoint trained by
// the real trainer is the target, behind the OpenAI-compatible server on loopback, while the
// simulated attacker and judges run in-process. The target's replies are gibberish, so the point is
// the path — chat template, system prompts, multi-turn conversations, stored turns — not the ASR.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlmPool } from '../../src/llm/index.js';
import { SIM_PROVIDERS, redteamConfigSchema, startRedteam } from '../../src/redteam/index.js';
import { loadLanguageModel, serve } from '../../src/serve/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';
import { tinyCheckpoint } from '../serve/tiny-checkpoint.js';

describe('redteam against fathom serve', () => {
  it('direct, PAIR, TAP and Crescendo attack a served fathom checkpoint', async () => {
    const lm = loadLanguageModel(await tinyCheckpoint('gpt2', 2048), { name: 'tiny' });
    const server = await serve([lm], { port: 0 });
    try {
      for (const attack of ['direct', 'pair', 'tap', 'crescendo']) {
        const store = new Store(tempDir());
        try {
          const pool = new LlmPool({ store, providers: { ...SIM_PROVIDERS, fathom: { type: 'openai', baseUrl: `${server.url}/v1`, apiKey: 'unused' } } });
          const out = await startRedteam(store, redteamConfigSchema.parse({
            attack, attackers: ['sim-attacker:0.7'], targets: ['fathom:tiny'], judge: 'sim-judge:j', classifier: 'sim-judge:j', streams: 1, steps: 2, branching: 1, width: 1, concurrency: 1,
          }), { pool });
          const [cell] = out.summary.cells;
          assert.equal(cell!.target, 'fathom:tiny', attack);
          assert.equal(cell!.errors, 0, `${attack}: every request to the served model succeeded`);
          assert.equal(cell!.evaluated + cell!.undetermined, 9, attack);
          assert.ok(cell!.queries >= 9, `${attack}: the served target was queried for every behavior`);
        } finally {
          store.close();
        }
      }
    } finally {
      await server.close();
    }
  });
});
