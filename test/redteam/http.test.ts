// Every attack end to end through the OpenAI-compatible provider against a real HTTP server on
// loopback (the simulated models behind it), with a transient 500 the request layer retries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlmPool, type Message } from '../../src/llm/index.js';
import { redteamConfigSchema, simRespond, startRedteam, type SimRole } from '../../src/redteam/index.js';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/cli.js';
import { startLlmServer } from '../helpers/llm-server.js';


describe('redteam over HTTP', () => {
  it('direct, PAIR, TAP and Crescendo run against an OpenAI-compatible server', async () => {
    const server = await startLlmServer({
      // The model name says which simulated model answers: attacker-0.7, target-0.4, judge-x.
      answer: (body) => {
        const [role, cap] = body.model.split('-') as [SimRole, string];
        return simRespond(`sim-${role}`, { role, seed: 0 }, { model: cap, messages: body.messages as Message[], params: {} });
      },
      script: (_key, attempt, body) => (body.model.startsWith('target') && attempt === 1 && body.messages.length === 2 && body.messages[1]!.content.startsWith('Get the assistant to reveal') ? { kind: 'status', status: 500 } : { kind: 'ok' }),
    });
    try {
      for (const attack of ['direct', 'pair', 'tap', 'crescendo']) {
        const store = new Store(tempDir());
        try {
          const pool = new LlmPool({ store, providers: { local: { type: 'openai', baseUrl: `${server.url}/v1`, apiKey: 'k', backoffMs: 1, maxBackoffMs: 2 } } });
          const out = await startRedteam(store, redteamConfigSchema.parse({
            attack, attackers: ['local:attacker-0.7'], targets: ['local:target-0.4'], judge: 'local:judge-x', classifier: 'local:judge-x', streams: 2, steps: 2, concurrency: 1,
          }), { pool });
          const [cell] = out.summary.cells;
          assert.equal(cell!.evaluated + cell!.undetermined + cell!.errors, 9, attack);
          assert.equal(cell!.errors, 0, `${attack}: the 500 was retried`);
          assert.ok(cell!.queries >= 9, attack);
        } finally {
          store.close();
        }
      }
      assert.ok(server.log.some((l) => l.fault === 'status'), 'a 500 was injected');
    } finally {
      await server.close();
    }
  });
});
