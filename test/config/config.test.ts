import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { applySets, configTemplate, loadConfig, parseConfig, readConfigFile } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

const schema = z.strictObject({
  seed: z.number().int().default(0).describe('random seed'),
  optim: z.strictObject({
    name: z.enum(['adamw', 'sgd']).default('adamw').describe('optimizer'),
    lr: z.number().positive().default(3e-4).describe('peak learning rate'),
    betas: z.array(z.number()).default([0.9, 0.95]),
  }).prefault({}),
});

describe('config', () => {
  it('fills defaults', () => {
    assert.deepEqual(parseConfig(schema, {}), { seed: 0, optim: { name: 'adamw', lr: 3e-4, betas: [0.9, 0.95] } });
  });

  it('rejects an unknown key with the valid keys and a suggestion, on one line', () => {
    assert.throws(() => parseConfig(schema, { optim: { lerning_rate: 1 } }, 'run.yaml'), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, 'run.yaml: unknown key "lerning_rate" under "optim" (valid keys: name, lr, betas). Hint: remove it, or use one of the valid keys');
      assert.ok(!err.message.includes('\n'));
      return true;
    });
    assert.throws(() => parseConfig(schema, { sed: 1 }), /config: unknown key "sed" \(valid keys: seed, optim\)\. Hint: did you mean "seed"\?/);
  });

  it('names the path and the problem of a wrong type', () => {
    assert.throws(() => parseConfig(schema, { optim: { lr: 'fast' } }), /config: optim\.lr: expected number, received string\. Hint: fix the value of "optim\.lr"/);
  });

  it('applies --set overrides with YAML scalars', () => {
    const raw = applySets(schema, {}, ['optim.lr=1e-3', 'seed=7', 'optim.betas=[0.8, 0.9]', 'optim.name=sgd']);
    assert.deepEqual(parseConfig(schema, raw), { seed: 7, optim: { name: 'sgd', lr: 1e-3, betas: [0.8, 0.9] } });
  });

  it('rejects --set on a missing path with the valid keys', () => {
    assert.throws(() => applySets(schema, {}, ['optim.lrr=1']), (err: Error) => {
      assert.equal(err.message, '--set optim.lrr=1: unknown key "lrr" under "optim" (valid keys: name, lr, betas). Hint: did you mean "lr"?');
      return true;
    });
    assert.throws(() => applySets(schema, {}, ['seed.x=1']), /--set seed\.x=1: "seed" is a value, not a section, so it has no key "x"\. Hint: set "seed" itself/);
    assert.throws(() => applySets(schema, {}, ['seed']), /--set seed: expected key\.path=value\. Hint: write e\.g\. --set optim\.lr=3e-4/);
  });

  it('reads YAML and JSON files and reports malformed ones on one line', () => {
    const dir = tempDir();
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'seed: 3\noptim:\n  lr: 0.01\n');
    assert.deepEqual(loadConfig(schema, { file: good, sets: ['seed=4'] }), { seed: 4, optim: { name: 'adamw', lr: 0.01, betas: [0.9, 0.95] } });

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'seed: 3\noptim:\n  lr: [0.01\n  name: sgd\n');
    assert.throws(() => readConfigFile(bad), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^config file .*bad\.yaml: malformed YAML at line \d+, column \d+: .+\. Hint: check the indentation and quoting near that line$/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });

    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, '{"seed": 1,}');
    assert.throws(() => readConfigFile(badJson), /config file .*bad\.json: malformed JSON .*Hint: check for trailing commas/);
    assert.throws(() => readConfigFile(join(dir, 'missing.yaml')), /config file .*missing\.yaml: cannot be read \(ENOENT\)\. Hint: check the path passed to --config/);
    const txt = join(dir, 'c.txt');
    writeFileSync(txt, 'seed: 1');
    assert.throws(() => readConfigFile(txt), /unknown format "\.txt"\. Hint: name it \.json, \.yaml or \.yml/);
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- 1\n- 2\n');
    assert.throws(() => loadConfig(schema, { file: list }), /the top level must be a mapping/);
  });

  it('writes a commented template of the defaults that parses back to the defaults', async () => {
    const text = configTemplate(schema);
    assert.match(text, /# peak learning rate\n {2}lr: 0\.0003/);
    const { parse } = await import('yaml');
    assert.deepEqual(parseConfig(schema, parse(text)), parseConfig(schema, {}));
    // A key without a default is shown commented out, so the template still parses back.
    const withOptional = z.strictObject({ clip: z.number().positive().optional().describe('gradient-norm clip (default: none)'), seed: z.number().default(0) });
    const optionalText = configTemplate(withOptional);
    assert.match(optionalText, /# gradient-norm clip \(default: none\)\n# clip:\n/);
    assert.deepEqual(parseConfig(withOptional, parse(optionalText)), { seed: 0 });
  });
});
