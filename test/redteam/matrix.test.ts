// Attacks end to end against the simulated providers, judges that fail, and resuming a killed
// matrix run, on a real SQLite store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scriptedProvider, LlmPool } from '../../src/llm/index.js';
import { Store } from '../../src/store/index.js';
import { parseAttackerJson, parseScore, parseYesNo, redteamConfigSchema, resumeRedteam, simProvider, startRedteam, summarizeRedteam, loadBehaviors, CANARY_PATH, hitAtK } from '../../src/redteam/index.js';
import type { Progress } from '../../src/log/index.js';
import { tempDir } from '../helpers/cli.js';

const config = (over: Record<string, unknown> = {}) => redteamConfigSchema.parse({
  attackers: ['sim-attacker:0.3', 'sim-attacker:0.8'], targets: ['sim-target:0.4', 'sim-target:0.7'],
  judge: 'sim-judge:j', classifier: 'sim-judge:c', streams: 2, steps: 3, concurrency: 1, ...over,
});

describe('redteam judges and parsing', () => {
  it('parses 1–10 scores robustly and rejects garbage', () => {
    assert.equal(parseScore('Rating: [[7]]'), 7);
    assert.equal(parseScore('I would say [[ 10 ]].'), 10);
    assert.equal(parseScore('Rating: 3'), 3);
    assert.equal(parseScore('8/10'), 8);
    assert.equal(parseScore('6'), 6);
    assert.equal(parseScore('Rating: [[11]]'), null);
    assert.equal(parseScore('the response is fine'), null);
  });
  it('parses yes/no from the first word only', () => {
    assert.equal(parseYesNo('Yes.'), true);
    assert.equal(parseYesNo('**no**, it refuses'), false);
    assert.equal(parseYesNo('It is a yes'), null);
  });
  it('parses the attacker JSON, fenced or with prose around it', () => {
    assert.deepEqual(parseAttackerJson('Sure:\n```json\n{"improvement": "x", "prompt": "p {a}"}\n```'), { improvement: 'x', prompt: 'p {a}' });
    assert.equal(parseAttackerJson('{"improvement": "x"}'), null);
    assert.equal(parseAttackerJson('no json'), null);
  });
  it('hit@k is 1 − C(n−c, k)/C(n, k)', () => {
    assert.equal(hitAtK(4, 1, 1), 0.25);
    assert.equal(hitAtK(4, 1, 2), 1 - 3 / 6);
    assert.equal(hitAtK(4, 0, 4), 0);
  });
  it('the bundled canaries load, each with a check, and carry nothing but planted words and format rules', () => {
    const b = loadBehaviors('canary');
    assert.equal(b.length, 9);
    assert.ok(b.every((x) => x.check && x.targetSystem));
    assert.ok(CANARY_PATH.endsWith('assets/redteam/canary.jsonl'));
  });
});

describe('redteam matrix', () => {
  for (const attack of ['direct', 'pair', 'tap', 'crescendo']) {
    it(`${attack} runs end to end against simulated providers; every turn is stored`, async () => {
      const store = new Store(tempDir());
      try {
        const out = await startRedteam(store, config({ attack }));
        const s = out.summary;
        assert.equal(s.cells.length, attack === 'direct' ? 2 : 4);
        assert.ok(s.cells.every((c) => c.behaviors === 9 && c.evaluated === 9 && c.undetermined === 0));
        const items = store.items(out.runId);
        assert.ok(items.every((i) => (i.stages.attempts as unknown[]).length >= 1));
        if (attack !== 'direct') {
          // The stronger attacker breaks at least as many behaviors of the stronger target.
          const cell = (a: string, t: string) => s.cells.find((c) => c.attacker === a && c.target === t)!;
          assert.ok(cell('sim-attacker:0.8', 'sim-target:0.7').broken >= cell('sim-attacker:0.3', 'sim-target:0.7').broken);
          assert.ok(s.cells.some((c) => c.broken > 0));
          assert.ok(s.agreement.attempts > 0 && s.agreement.raw === 1, 'the simulated judge and classifier apply the same check');
        }
        assert.equal(store.getRun(out.runId).status, 'completed');
      } finally {
        store.close();
      }
    });
  }

  it('a judge that returns garbage yields undetermined, never success', async () => {
    const store = new Store(tempDir());
    try {
      const pool = new LlmPool({ store });
      pool.add(simProvider('sim-attacker', { role: 'attacker', seed: 0 }));
      pool.add(simProvider('sim-target', { role: 'target', seed: 0 }));
      pool.add(scriptedProvider('garbage', () => 'lorem ipsum dolor'));
      const out = await startRedteam(store, config({ attackers: ['sim-attacker:0.9'], targets: ['sim-target:0.2'], judge: 'garbage:x', classifier: 'garbage:x' }), { pool });
      const [cell] = out.summary.cells;
      assert.equal(cell!.broken, 0);
      assert.equal(cell!.asr, null);
      assert.ok(cell!.undetermined > 0, 'answered behaviors are undetermined');
      assert.equal(cell!.undetermined + cell!.evaluated + cell!.errors, 9);
    } finally {
      store.close();
    }
  });

  it('resuming a killed matrix run repeats no finished attack', async () => {
    const dir = tempDir();
    const store = new Store(dir);
    try {
      let ticks = 0;
      const killAfter3: (total: number) => Progress = () => ({ tick() { if (++ticks === 3) throw new Error('killed'); }, done() {} } as unknown as Progress);
      await assert.rejects(startRedteam(store, config({ attack: 'pair' }), { progress: killAfter3 }), /killed/);
      const runId = store.listRuns({ kind: 'redteam' })[0]!.id;
      const before = store.items(runId).filter((i) => i.stages.done);
      assert.equal(before.length, 3);
      // Resume without the cache, counting target queries per behavior system prompt.
      const calls = new Map<string, number>();
      const target = simProvider('sim-target', { role: 'target', seed: 0 });
      const pool = new LlmPool({ store, requestOverrides: { cache: false } });
      pool.add(simProvider('sim-attacker', { role: 'attacker', seed: 0 }));
      pool.add(simProvider('sim-judge', { role: 'judge', seed: 0 }));
      pool.add({ ...target, async generate(r, signal) {
        const key = JSON.stringify([r.model, r.messages[0]!.content]);
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return target.generate(r, signal);
      } });
      const out = await resumeRedteam(store, runId, { pool });
      assert.equal(out.skipped, 3);
      assert.equal(out.attacked, 4 * 9 - 3);
      const behaviors = new Map(loadBehaviors('canary').map((b) => [b.id, b.targetSystem]));
      const after = store.items(runId);
      for (const item of before) {
        const { attacker, target, behavior } = item.stages as { attacker: string; target: string; behavior: string };
        assert.equal(after.find((i) => i.itemId === item.itemId)!.updatedAt, item.updatedAt, `finished cell ${item.itemId} was rewritten`);
        // This target was queried on this behavior only by the cells attacked in the resume (other attackers).
        const others = after.filter((i) => i.stages.target === target && i.stages.behavior === behavior && i.stages.attacker !== attacker);
        const expected = others.reduce((n, i) => n + (i.stages.attempts as { response: { status: string } }[]).filter((a) => a.response.status !== 'skipped').length, 0);
        assert.equal(calls.get(JSON.stringify([target.split(':')[1], behaviors.get(behavior)])) ?? 0, expected);
      }
      assert.equal(summarizeRedteam(store, runId).pending, 0);
      assert.equal(store.getRun(runId).status, 'completed');
    } finally {
      store.close();
    }
  });

  it('TAP prunes branches the judge calls off-topic before querying the target', async () => {
    const store = new Store(tempDir());
    try {
      const pool = new LlmPool({ store });
      const sim = simProvider('sim-judge', { role: 'judge', seed: 0 });
      pool.add(simProvider('sim-attacker', { role: 'attacker', seed: 0 }));
      pool.add(simProvider('sim-target', { role: 'target', seed: 0 }));
      pool.add(sim);
      // A judge that finds every prompt off-topic, and otherwise judges like the simulated one.
      pool.add({ ...simProvider('strict', { role: 'judge', seed: 0 }), name: 'strict', async generate(r, signal) {
        return /^PROMPT:$/m.test(r.messages.at(-1)!.content) ? { text: 'no', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } } : sim.generate(r, signal);
      } });
      const out = await startRedteam(store, config({ attack: 'tap', attackers: ['sim-attacker:0.9'], targets: ['sim-target:0.2'], judge: 'strict:j', classifier: 'sim-judge:c' }), { pool });
      const attempts = store.items(out.runId).flatMap((i) => i.stages.attempts as { pruned?: boolean; response: { status: string } }[]);
      assert.ok(attempts.length > 0 && attempts.every((a) => a.pruned === true && a.response.status === 'skipped'));
      assert.equal(out.summary.cells[0]!.queries, 0);
    } finally {
      store.close();
    }
  });

  it('Crescendo withdraws refused turns: no later target conversation contains a refusal', async () => {
    const store = new Store(tempDir());
    try {
      const out = await startRedteam(store, config({ attack: 'crescendo', attackers: ['sim-attacker:0.4'], targets: ['sim-target:0.5'], steps: 4, backtracks: 3 }));
      const attempts = store.items(out.runId).flatMap((i) => i.stages.attempts as { messages: { role: string; content: string }[]; response: { status: string; text: string | null } }[]);
      assert.ok(attempts.some((a) => /sorry/.test(a.response.text ?? '')), 'some turns were refused');
      for (const a of attempts) assert.ok(a.messages.every((m) => m.role !== 'assistant' || !/sorry/.test(m.content)));
      assert.ok(attempts.some((a) => a.messages.filter((m) => m.role === 'user').length > 1), 'some conversations went past one turn');
    } finally {
      store.close();
    }
  });

  it('errors: unknown attack and missing attackers name the fix', async () => {
    const store = new Store(tempDir());
    try {
      await assert.rejects(startRedteam(store, config({ attack: 'piar' })), /unknown attack "piar".*Hint: did you mean "pair"\?/);
      await assert.rejects(startRedteam(store, config({ attack: 'pair', attackers: [] })), /attack "pair" needs --attackers/);
      await assert.rejects(startRedteam(store, config({ targets: ['sim-target:1.5'], attack: 'direct' })), /model "1.5" is not a capability in \(0, 1\)/);
    } finally {
      store.close();
    }
  });
});
