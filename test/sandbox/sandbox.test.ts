// The sandbox's API: verdict mapping, limits, the compile cache, errors a user can hit, and the
// explicit --unsafe-no-sandbox escape hatch.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createSandbox, decide, DEFAULT_LIMITS, findBwrap, withLimits, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const skip = findBwrap() ? false : 'bubblewrap is not installed (apt-get install -y bubblewrap)';
const ADD = '#include <cstdio>\nint main(){ long long a, b; if (scanf("%lld %lld", &a, &b) != 2) return 3; printf("%lld\\n", a + b); }\n';

describe('sandbox verdicts', () => {
  const base = { limits: DEFAULT_LIMITS, execErrno: 0, exitCode: 0, signalName: null, timedOut: false, cpuMs: 10, peakKb: 1000, stderr: '', outputExceeded: false };
  it('maps what the supervisor saw to a verdict, the limit before the crash it caused', () => {
    assert.deepEqual(decide(base), { verdict: 'ok', reason: 'exit 0' });
    assert.deepEqual(decide({ ...base, exitCode: 3 }), { verdict: 'runtime-error', reason: 'exit 3' });
    assert.deepEqual(decide({ ...base, exitCode: null, signalName: 'SIGSEGV' }), { verdict: 'runtime-error', reason: 'killed by SIGSEGV' });
    assert.equal(decide({ ...base, exitCode: null, signalName: 'SIGKILL', timedOut: true }).verdict, 'time-limit');
    assert.equal(decide({ ...base, exitCode: null, signalName: 'SIGXCPU', cpuMs: 900 }).verdict, 'time-limit');
    assert.equal(decide({ ...base, exitCode: null, signalName: 'SIGKILL', cpuMs: 1900 }).verdict, 'time-limit', 'SIGXCPU handled, then the hard limit');
    assert.equal(decide({ ...base, exitCode: null, signalName: 'SIGKILL', cpuMs: 5 }).verdict, 'runtime-error');
    assert.deepEqual(decide({ ...base, cpuMs: 2500 }), { verdict: 'time-limit', reason: 'CPU 2500 ms > limit 2000 ms' }, 'finishing over the exact limit is a time limit too');
    assert.equal(decide({ ...base, exitCode: null, signalName: 'SIGABRT', stderr: "terminate called after throwing an instance of 'std::bad_alloc'" }).verdict, 'memory-limit');
    assert.equal(decide({ ...base, exitCode: 1, stderr: 'Traceback...\nMemoryError' }).verdict, 'memory-limit');
    assert.equal(decide({ ...base, exitCode: null, signalName: 'SIGSEGV', peakKb: 250 * 1024 }).verdict, 'memory-limit');
    assert.equal(decide({ ...base, exitCode: 0, stderr: 'MemoryError' }).verdict, 'ok', 'a program that exits 0 is ok whatever it prints');
    assert.equal(decide({ ...base, execErrno: 12 }).verdict, 'memory-limit');
    assert.equal(decide({ ...base, outputExceeded: true, exitCode: null, signalName: 'SIGPIPE' }).verdict, 'output-limit');
    assert.match(decide({ ...base, exitCode: null, signalName: 'SIGXFSZ' }).reason, /a file grew past 64 MB/);
  });

  it('validates limits and never allows unlimited', () => {
    assert.throws(() => withLimits(DEFAULT_LIMITS, { cpuSeconds: 0 }), /cpuSeconds/);
    assert.throws(() => withLimits(DEFAULT_LIMITS, { memoryMb: Infinity }), /memoryMb/);
    assert.throws(() => withLimits(DEFAULT_LIMITS, { processes: 1.5 }), /processes/);
  });

  it('refuses to run without bubblewrap unless asked, naming the install command', () => {
    assert.throws(() => createSandbox({ bwrap: '/nonexistent/bwrap' }), (e: Error) => e.name === 'MissingDependencyError'
      && /bubblewrap \(bwrap\) is not installed \(no \/nonexistent\/bwrap\).*Hint: apt-get install -y bubblewrap \(or pass --unsafe-no-sandbox/.test(e.message));
    assert.equal(createSandbox({ bwrap: '/nonexistent/bwrap', unsafeNoSandbox: true }).isolated, false);
  });

  it('names the missing toolchain and its install command', async () => {
    const sb = createSandbox({ unsafeNoSandbox: true, cxx: '/nonexistent/g++', python: '/nonexistent/python3' });
    await assert.rejects(sb.compile('int main(){}', 'cpp'), /the C\+\+ compiler is not at \/nonexistent\/g\+\+\. Hint: apt-get install -y g\+\+/);
    await assert.rejects(sb.compile('print(1)', 'python'), /Python 3 is not at \/nonexistent\/python3\. Hint: apt-get install -y python3/);
  });

  it('rejects a cache directory the sandbox user cannot reach (root only)', { skip: process.getuid?.() === 0 ? false : 'only root drops privileges' }, () => {
    const dir = join('/root', `.fathom-test-unreachable-${process.pid}`);
    assert.throws(() => createSandbox({ cacheDir: dir, unsafeNoSandbox: true }), /not reachable by the sandbox user 65534 .*Hint: pick a folder under \/tmp/);
  });
});

describe('sandbox runs', { skip }, () => {
  let sb: Sandbox;
  before(() => { sb = createSandbox({ concurrency: 2 }); });

  it('compiles once per source and flags, and caches failures', async () => {
    const a = await sb.compile(ADD, 'cpp');
    assert.ok(a.ok);
    const again = await sb.compile(ADD, 'cpp');
    assert.ok(again.ok);
    assert.equal(again.cached, true);
    assert.equal(again.path, a.path);
    const c17 = await sb.compile(ADD, 'cpp', { std: 'c++17' });
    assert.notEqual(c17.hash, a.hash, 'flags are part of the key');
    const source = `int main() { return 0 }\n// ${Date.now()}`;
    const bad = await sb.compile(source, 'cpp');
    assert.ok(!bad.ok && bad.verdict === 'compile-error' && !bad.cached && /error: expected .;. before/.test(bad.stderr), bad.ok ? '' : bad.stderr);
    const badAgain = await sb.compile(source, 'cpp');
    assert.ok(!badAgain.ok && badAgain.cached && badAgain.stderr === bad.stderr);
    const syntax = await sb.compile('def f(:\n  pass', 'python');
    assert.ok(!syntax.ok && /SyntaxError/.test(syntax.stderr));
  });

  it('compiles in the sandbox too: a source cannot include files from the project', async () => {
    const r = await sb.compile(`#include "${join(ROOT, 'package.json')}"\nint main(){}`, 'cpp');
    assert.ok(!r.ok && /No such file or directory/.test(r.stderr), r.ok ? 'compiled' : r.stderr);
  });

  it('feeds stdin from a buffer or a file, passes args and files, and measures the run', async () => {
    const add = await sb.compile(ADD, 'cpp');
    assert.ok(add.ok);
    const r = await sb.run({ program: add, stdin: '40 2\n', limits: DEFAULT_LIMITS });
    assert.equal(r.verdict, 'ok');
    assert.equal(r.stdout, '42\n');
    assert.ok(r.peakMemoryKb > 0 && r.wallMs > 0 && r.cpuMs >= 0);
    const dir = tempDir();
    writeFileSync(join(dir, 'in.txt'), '1 2\n');
    assert.equal((await sb.run({ program: add, stdinFile: join(dir, 'in.txt'), limits: DEFAULT_LIMITS })).stdout, '3\n');
    const noInput = await sb.run({ program: add, limits: DEFAULT_LIMITS });
    assert.deepEqual([noInput.verdict, noInput.exitCode, noInput.reason], ['runtime-error', 3, 'exit 3']);
    const echo = await sb.compile('import sys\nprint(sys.argv[1:], open("sub/x.txt").read())', 'python');
    assert.ok(echo.ok);
    assert.equal((await sb.run({ program: echo, args: ['a', 'b c'], files: { 'sub/x.txt': 'X' }, limits: DEFAULT_LIMITS })).stdout, "['a', 'b c'] X\n");
    await assert.rejects(sb.run({ program: echo, files: { '../evil': 'x' }, limits: DEFAULT_LIMITS }), /file name "\.\.\/evil" leaves the work directory/);
    await assert.rejects(sb.run({ program: echo, limits: { ...DEFAULT_LIMITS, wallMs: 0 } }), /sandbox run: bad limits: wallMs: .*Hint: start from DEFAULT_LIMITS/);
    const broken = await sb.compile('def f(:', 'python');
    await assert.rejects(sb.run({ program: broken as never, limits: DEFAULT_LIMITS }), /the program did not compile\. Hint: check `compile\(\.\.\.\)\.ok`/);
  });

  it('keeps stderr within its cap without changing the verdict', async () => {
    const p = await sb.compile('import sys\nsys.stderr.write("e" * 200000)\nprint("done")', 'python');
    assert.ok(p.ok);
    const r = await sb.run({ program: p, limits: DEFAULT_LIMITS });
    assert.equal(r.verdict, 'ok');
    assert.equal(r.stdout, 'done\n');
    assert.equal(r.stderr.length, 64 << 10);
    assert.equal(r.truncated, true);
  });
});

describe('sandbox without isolation (--unsafe-no-sandbox)', () => {
  it('still applies the limits', async () => {
    const sb = createSandbox({ unsafeNoSandbox: true, concurrency: 1 });
    assert.equal(sb.isolated, false);
    const p = await sb.compile('import time\nprint(input(), flush=True)\ntime.sleep(30)', 'python');
    assert.ok(p.ok, p.ok ? '' : p.stderr);
    const r = await sb.run({ program: p, stdin: 'hi\n', limits: withLimits(DEFAULT_LIMITS, { wallMs: 500 }) });
    assert.equal(r.verdict, 'time-limit');
    assert.equal(r.stdout, 'hi\n');
    const mem = await sb.compile('a = []\nwhile True: a.append(bytearray(8 << 20))', 'python');
    assert.ok(mem.ok);
    assert.equal((await sb.run({ program: mem, limits: withLimits(DEFAULT_LIMITS, { memoryMb: 96 }) })).verdict, 'memory-limit');
  });

  it('still leaves no daemon behind', async () => {
    const sb = createSandbox({ unsafeNoSandbox: true, concurrency: 1 });
    const marker = `fathom-unsafe-daemon-${process.pid}-${Date.now()}`;
    const p = await sb.compile(`import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        os.execv('/bin/sleep', ['${marker}', '60'])\n    os._exit(0)\nprint('parent done')`, 'python');
    assert.ok(p.ok);
    // Without a user namespace the process limit counts every process of the user on the machine
    // (other sandboxes' too), so leave room.
    const r = await sb.run({ program: p, limits: withLimits(DEFAULT_LIMITS, { processes: 256 }) });
    assert.equal(r.verdict, 'ok', r.stderr);
    const survivors = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
      try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker); } catch { return false; }
    });
    assert.deepEqual(survivors, []);
  });
});
