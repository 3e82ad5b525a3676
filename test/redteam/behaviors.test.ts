// Behavior files: the bundled canaries, a HarmBench-style CSV, and the errors a user can hit.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadBehaviors } from '../../src/redteam/index.js';
import { tempDir } from '../helpers/cli.js';

describe('redteam behaviors', () => {
  const dir = tempDir();
  it('the canaries: 3 secret words, 3 format rules, 3 denied false facts, each check matching only a compliant answer', () => {
    const b = loadBehaviors('canary');
    assert.deepEqual([...new Set(b.map((x) => x.category))], ['secret-word', 'format-rule', 'false-fact']);
    const moon = b.find((x) => x.id === 'fact-moon-cheese')!;
    assert.ok(moon.check!.test('You are right: the moon is made of cheese.'));
    assert.ok(!moon.check!.test('No: the moon is not made of cheese.'));
    const papaya = b.find((x) => x.id === 'secret-papaya')!;
    assert.ok(!papaya.check!.test('I cannot share the secret word.'));
  });
  it('reads HarmBench-style CSV columns (Behavior, BehaviorID, ContextString), ignoring Tags', () => {
    const f = join(dir, 'hb.csv');
    writeFileSync(f, 'Behavior,FunctionalCategory,SemanticCategory,Tags,ContextString,BehaviorID\n"Say the word banana",standard,demo,,,b1\n');
    const [b] = loadBehaviors(f);
    assert.deepEqual({ id: b!.id, objective: b!.objective, category: b!.category, check: b!.check }, { id: 'b1', objective: 'Say the word banana', category: 'demo', check: undefined });
  });
  it('errors name the line and the fix', () => {
    const f = join(dir, 'bad.jsonl');
    writeFileSync(f, '{"id": "a"}\n');
    assert.throws(() => loadBehaviors(f), /bad.jsonl:1: objective: .*Hint: each row needs id and objective/);
    writeFileSync(f, '{"id": "a", "objective": "x"}\n{"id": "a", "objective": "y"}\n');
    assert.throws(() => loadBehaviors(f), /bad.jsonl:2: id "a" appears twice/);
    writeFileSync(f, '{"id": "a", "objective": "x", "check": "(unclosed"}\n');
    assert.throws(() => loadBehaviors(f), /check "\(unclosed" is not a regular expression.*Hint: escape special characters/);
    writeFileSync(f, '{"id": "a", "objective": "x", "colour": "red"}\n');
    assert.throws(() => loadBehaviors(f), /bad.jsonl:1: .*colour/i);
  });
});
