// Containment: what a sandboxed program must not be able to do (issue: sandbox "Done when").
// Runs real bubblewrap; skips, naming the install command, where it is absent.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSandbox, DEFAULT_LIMITS, findBwrap, withLimits, type CompiledProgram, type Limits, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const skip = findBwrap() ? false : 'bubblewrap is not installed (apt-get install -y bubblewrap)';
const FAST: Limits = withLimits(DEFAULT_LIMITS, { cpuSeconds: 2, wallMs: 4000, memoryMb: 256, processes: 8, outputBytes: 1 << 20, fileSizeMb: 4 });

/** Processes on the host whose command line contains `marker`. */
function hostProcessesWith(marker: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) found.push(Number(pid));
    } catch { /* gone */ }
  }
  return found;
}

describe('sandbox containment', { skip }, () => {
  let sb: Sandbox;
  const py = async (source: string): Promise<CompiledProgram> => {
    const c = await sb.compile(source, 'python');
    assert.ok(c.ok, c.ok ? '' : c.stderr);
    return c;
  };
  before(() => { sb = createSandbox({ concurrency: 2 }); });

  it('runs as an unprivileged user with no capabilities, a minimal environment and a private work dir', async () => {
    const r = await sb.run({ program: await py(`
import os
st = open('/proc/self/status').read()
cap = [l.split()[1] for l in st.splitlines() if l.startswith('CapEff')][0]
print(os.getuid(), os.getgid(), os.getgroups(), cap, os.getcwd())
print(sorted(os.environ))
print(open('given.txt').read())
print(sorted(os.listdir('/proc/self/fd')))
`), files: { 'given.txt': 'hello' }, limits: FAST });
    assert.equal(r.verdict, 'ok', r.stderr);
    const [ids, env, given, fds] = r.stdout.trim().split('\n');
    assert.equal(fds, "['0', '1', '2', '3']", 'stdin, stdout, stderr and the listing\'s own fd only');
    if (process.getuid?.() === 0) assert.match(ids!, /^65534 65534 \[\] 0000000000000000 \/box$/);
    else assert.match(ids!, / \[\] 0000000000000000 \/box$/);
    const allowed = new Set(['HOME', 'LANG', 'LC_CTYPE', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'TMPDIR']);
    const keys = JSON.parse(env!.replaceAll("'", '"')) as string[];
    assert.deepEqual(keys.filter((k) => !allowed.has(k)), [], 'variables beyond the minimal environment');
    assert.ok(keys.includes('PATH') && keys.includes('HOME'));
    assert.equal(given, 'hello');
  });

  it('cannot read the project, the home directory or the host /tmp', async () => {
    const secretDir = tempDir();
    writeFileSync(join(secretDir, 'secret.txt'), 'top secret');
    const paths = [join(ROOT, 'package.json'), ROOT, '/root', process.env.HOME ?? '/root', '/work', join(secretDir, 'secret.txt'), secretDir, '/etc/passwd', '/etc/shadow'];
    const r = await sb.run({ program: await py(`
import os, sys
for p in sys.argv[1:]:
    try:
        if os.path.isdir(p): os.listdir(p)
        else: open(p).read()
        print('READ', p)
    except OSError as e:
        print('DENIED', p, type(e).__name__)
print(sorted(os.listdir('/')))
`), args: paths, limits: FAST });
    assert.equal(r.verdict, 'ok', r.stderr);
    const lines = r.stdout.trim().split('\n');
    for (const p of paths) assert.ok(lines.some((l) => l.startsWith(`DENIED ${p} `)), `${p} was readable:\n${r.stdout}`);
    assert.deepEqual(JSON.parse(lines.at(-1)!.replaceAll("'", '"')), ['bin', 'box', 'dev', 'etc', 'lib', 'lib64', 'proc', 'sandbox', 'sbin', 'tmp', 'usr'].filter((d) => lines.at(-1)!.includes(`'${d}'`)));
    assert.ok(!lines.at(-1)!.includes("'root'") && !lines.at(-1)!.includes("'work'") && !lines.at(-1)!.includes("'home'"));
  });

  it('cannot write outside its work dir; the work dir and /tmp are private and size-capped', async () => {
    const r = await sb.run({ program: await py(`
import os
for p in ['/x', '/usr/x', '/etc/x', '/sandbox/x', '/bin/x', '/dev/x', '/proc/x']:
    try:
        open(p, 'w').write('x'); print('WROTE', p)
    except OSError as e:
        print('DENIED', p)
open('/box/ok.txt', 'w').write('fine'); print('WROTE /box/ok.txt')
open('/tmp/ok.txt', 'w').write('fine'); print('WROTE /tmp/ok.txt')
try:
    with open('/tmp/big', 'wb') as f:
        for _ in range(64): f.write(b'x' * (1 << 20))
    print('WROTE /tmp/big')
except OSError as e:
    print('CAPPED /tmp/big', e.errno)
try:
    for i in range(64):
        with open(f'/box/part{i}', 'wb') as f: f.write(b'x' * (1 << 20))
    print('WROTE 64 MB in /box')
except OSError as e:
    print('CAPPED /box', e.errno)
`), limits: withLimits(FAST, { fileSizeMb: 8 }) });
    assert.ok(['ok', 'runtime-error'].includes(r.verdict), r.stderr);
    for (const p of ['/x', '/usr/x', '/etc/x', '/sandbox/x', '/bin/x', '/dev/x', '/proc/x']) assert.match(r.stdout, new RegExp(`DENIED ${p}\\n`));
    assert.match(r.stdout, /WROTE \/box\/ok.txt\nWROTE \/tmp\/ok.txt\n/);
    assert.ok(!r.stdout.includes('WROTE /tmp/big'), r.stdout);
    assert.match(r.stdout, /CAPPED \/box 28\n/, 'the work dir is capped as a whole, not only per file (28 = ENOSPC)');
  });

  describe('network', () => {
    let server: Server;
    let port = 0;
    let connections = 0;
    before(async () => {
      server = createServer((s) => { connections++; s.end('hi'); });
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
      port = (server.address() as { port: number }).port;
    });
    after(() => { server.close(); });

    it('cannot connect to a server on the host loopback', async () => {
      const r = await sb.run({ program: await py(`
import socket, sys
try:
    s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=2)
    print('CONNECTED', s.recv(10))
except OSError as e:
    print('FAILED', type(e).__name__)
`), args: [String(port)], limits: FAST });
      assert.equal(r.verdict, 'ok', r.stderr);
      assert.match(r.stdout, /^FAILED /);
      assert.equal(connections, 0);
    });
  });

  it('stops a fork bomb at the process limit, and no process survives', async () => {
    const marker = `fathom-forkbomb-${process.pid}-${Date.now()}`;
    const r = await sb.run({ program: await py(`
import os, sys, time
n = 0
try:
    while n < 1000:
        if os.fork() == 0:
            os.execv('/bin/sleep', ['${marker}', '30'])
        n += 1
except OSError:
    pass
print(n)
`), limits: FAST });
    assert.equal(r.verdict, 'ok', r.stderr);
    const forked = Number(r.stdout.trim());
    assert.ok(forked < FAST.processes, `forked ${forked} processes with a limit of ${FAST.processes}`);
    assert.deepEqual(hostProcessesWith(marker), []);
  });

  it('ends an endless fork loop by its limits, leaving nothing behind', async () => {
    const r = await sb.run({ program: await py(`
import os
while True:
    try: os.fork()
    except OSError: pass
`), limits: withLimits(FAST, { wallMs: 1500, cpuSeconds: 1 }) });
    assert.ok(['time-limit', 'runtime-error'].includes(r.verdict), `${r.verdict}: ${r.reason}`);
  });

  it('ends a memory bomb as memory-limit (Python and C++)', async () => {
    const p = await sb.run({ program: await py(`
a = []
while True:
    a.append(bytearray(8 << 20))
`), limits: withLimits(FAST, { memoryMb: 96 }) });
    assert.equal(p.verdict, 'memory-limit', `${p.verdict}: ${p.reason} ${p.stderr}`);
    const c = await sb.compile('#include <vector>\nint main(){ std::vector<std::vector<char>> v; for(;;) v.emplace_back(8 << 20, 1); }', 'cpp');
    assert.ok(c.ok, c.ok ? '' : c.stderr);
    const r = await sb.run({ program: c, limits: withLimits(FAST, { memoryMb: 96 }) });
    assert.equal(r.verdict, 'memory-limit', `${r.verdict}: ${r.reason} ${r.stderr}`);
    assert.ok(r.peakMemoryKb <= 96 * 1024, `peak ${r.peakMemoryKb} KB`);
  });

  it('ends an endless printer as output-limit with the output cut at the cap', async () => {
    const r = await sb.run({ program: await py(`
while True:
    print('y' * 999)
`), limits: withLimits(FAST, { outputBytes: 100_000 }) });
    assert.equal(r.verdict, 'output-limit', r.reason);
    assert.equal(r.truncated, true);
    assert.equal(r.stdout.length, 100_000);
  });

  it('ends a sleeper as time-limit at the wall limit, and kills what it left behind', async () => {
    const marker = `fathom-sleeper-${process.pid}-${Date.now()}`;
    const t0 = Date.now();
    const r = await sb.run({ program: await py(`
import os, time
if os.fork() == 0:
    os.setsid()
    os.execv('/bin/sleep', ['${marker}', '60'])
time.sleep(60)
`), limits: withLimits(FAST, { wallMs: 700 }) });
    const elapsed = Date.now() - t0;
    assert.equal(r.verdict, 'time-limit', r.reason);
    assert.match(r.reason, /wall clock past 700 ms/);
    assert.ok(r.wallMs >= 700, `wall ${r.wallMs}`);
    assert.ok(elapsed < 700 + 2000 + 3000, `took ${elapsed} ms`);
    assert.deepEqual(hostProcessesWith(marker), []);
  });

  it('leaves no daemon behind after a normal exit', async () => {
    const marker = `fathom-daemon-${process.pid}-${Date.now()}`;
    const r = await sb.run({ program: await py(`
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv('/bin/sleep', ['${marker}', '60'])
    os._exit(0)
print('parent done')
`), limits: FAST });
    assert.equal(r.verdict, 'ok', r.stderr);
    assert.deepEqual(hostProcessesWith(marker), []);
  });
});
