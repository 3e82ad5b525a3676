// The built package works as users consume it: the `fathom` bin, and `import ... from 'fathom'`
// with one subpath export per layer. Needs `npm run build` (npm test runs it first).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROOT } from './helpers/cli.js';

const built = existsSync(`${ROOT}/dist/cli/main.js`);
const skip = built ? false : 'dist/ is not built: run `npm run build` (npm test does)';

function node(args: readonly string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('package', () => {
  it('declares the bin and the subpath exports', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8'));
    assert.equal(pkg.bin.fathom, 'dist/cli/main.js');
    assert.equal(pkg.type, 'module');
    assert.ok(pkg.exports['./*']);
  });

  it('runs the built CLI, directly and as an executable (npx links the project, so every build must keep it so)', { skip }, () => {
    assert.ok(statSync(`${ROOT}/dist/cli/main.js`).mode & 0o100, 'dist/cli/main.js is executable after `npm run build`');
    const direct = spawnSync(`${ROOT}/dist/cli/main.js`, ['--version'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(direct.status, 0, `${direct.stdout}${direct.stderr}`);
    const r = node(['dist/cli/main.js', '--version']);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.trim(), JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version);
  });

  it('the executable runs with single-threaded GC (its shebang); plain `node main.js` keeps V8\'s default, and doctor tells which', { skip }, () => {
    const gc = (cmd: string, args: readonly string[]): string => {
      const r = spawnSync(cmd, [...args, 'doctor', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as { engine: { gc: string } }).engine.gc;
    };
    assert.equal(gc(`${ROOT}/dist/cli/main.js`, []), 'single-threaded');
    assert.equal(gc(process.execPath, ['dist/cli/main.js']), 'concurrent');
    assert.equal(gc(process.execPath, ['--single-threaded-gc', 'dist/cli/main.js']), 'single-threaded');
  });

  it('exits quietly when its output pipe closes early (`… | head`)', { skip }, async () => {
    const child = spawn(process.execPath, ['dist/cli/main.js', 'plan', '--model', 'gpt3-175b', '--cluster', 'perlmutter', '--gpus', '4096', '--top', '455', '--json'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
  });

  it('imports the library by package name and subpath', { skip }, () => {
    const script = [
      "import { FathomError, VERSION } from 'fathom';",
      "import { Store } from 'fathom/store';",
      "import { parseConfig } from 'fathom/config';",
      "import { table } from 'fathom/report';",
      "console.log(JSON.stringify([typeof FathomError, VERSION.length > 0, typeof Store, typeof parseConfig, table([{ a: 1 }]).includes('<table')]));",
    ].join('\n');
    const r = node(['--input-type=module', '-e', script]);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(JSON.parse(r.out), ['function', true, 'function', 'function', true]);
  });
});
