// `fathom doctor`: what this machine can run, and for each missing piece the command that installs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../store/index.js';
import { VERSION } from '../../version.js';
import { emit, globalOptions } from '../context.js';
import { registerCommand } from '../registry.js';
import { engineReport, type EngineReport } from './doctor-engine.js';

export interface Check {
  ok: boolean;
  /** What was found: a version, a path, or why it is missing. */
  detail: string;
  /** What fathom can do with it. */
  enables: string;
  /** The exact command that installs or fixes it, when not ok. */
  fix?: string;
}

export interface DoctorReport {
  fathom: string;
  node: Check & { version: string };
  engine: EngineReport;
  openblas: Check;
  sandbox: { bubblewrap: Check; gpp: Check; python3: Check };
  chromium: Check & { path: string | null };
  pytorch: Check;
  store: { workspace: string; db: string; exists: boolean; schemaVersion: number | null; runs: number | null; error?: string };
  missing: { what: string; enables: string; fix: string }[];
}

function run(cmd: string, args: readonly string[], timeout = 5000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function which(name: string): string | null {
  const r = run('sh', ['-c', `command -v ${name}`]);
  return r.ok && r.out ? r.out.split('\n')[0]! : null;
}

function toolCheck(name: string, versionArgs: readonly string[], enables: string, fix: string): Check {
  const path = which(name);
  if (!path) return { ok: false, detail: 'not found on PATH', enables, fix };
  const v = run(path, versionArgs);
  return { ok: true, detail: `${path} (${v.out.split('\n')[0] ?? 'version unknown'})`, enables };
}

function bubblewrapCheck(): Check {
  const enables = 'sandboxed execution of untrusted programs (counterexample verdicts)';
  const fix = 'apt-get install -y bubblewrap';
  const path = which('bwrap');
  if (!path) return { ok: false, detail: 'not found on PATH', enables, fix };
  const probe = run(path, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', '--die-with-parent', 'true']);
  if (!probe.ok) {
    return { ok: false, detail: `${path} is installed but cannot create a sandbox here: ${probe.out.split('\n')[0]}`, enables, fix: 'enable unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 (or run as root)' };
  }
  return { ok: true, detail: `${path} (${run(path, ['--version']).out})`, enables };
}

function chromiumCheck(): Check & { path: string | null } {
  const enables = 'browser checks of HTML reports and the dashboard';
  const candidates = [process.env.FATHOM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const path = candidates.find((p) => existsSync(p)) ?? null;
  if (!path) return { ok: false, path, detail: 'not found (looked for /usr/bin/chromium)', enables, fix: 'apt-get install -y chromium' };
  return { ok: true, path, detail: path, enables };
}

function openblasCheck(): Check {
  const enables = 'the native engine\'s fastest GEMM (cblas_sgemm)';
  const headers = ['/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/aarch64-linux-gnu/cblas.h', '/usr/include/openblas/cblas.h', '/usr/include/cblas.h'];
  const found = headers.find((h) => existsSync(h));
  if (!found) return { ok: false, detail: 'cblas.h not found', enables, fix: 'apt-get install -y libopenblas-dev && npm rebuild fathom' };
  return { ok: true, detail: found, enables };
}

function pytorchCheck(): Check {
  const enables = 'the PyTorch speed peer in bench/ and regenerating test fixtures (optional)';
  const found = ['/usr/lib/python3/dist-packages/torch/__init__.py'].find((p) => existsSync(p));
  if (!found) return { ok: false, detail: 'Debian python3-torch not found', enables, fix: 'apt-get install -y python3-torch' };
  return { ok: true, detail: `${found.replace(/\/__init__\.py$/, '')} (run with /usr/bin/python3)`, enables };
}

function storeCheck(workspace: string): DoctorReport['store'] {
  const db = join(workspace, 'fathom.db');
  if (!existsSync(db)) return { workspace, db, exists: false, schemaVersion: null, runs: null };
  try {
    const store = new Store(workspace);
    try {
      return { workspace, db, exists: true, schemaVersion: store.schemaVersion, runs: store.listRuns().length };
    } finally {
      store.close();
    }
  } catch (err) {
    return { workspace, db, exists: true, schemaVersion: null, runs: null, error: (err as Error).message };
  }
}

export async function doctor(workspace: string): Promise<DoctorReport> {
  const major = Number(process.versions.node.split('.')[0]);
  const node = {
    ok: major >= 20, version: process.version, detail: `${process.version} (${process.execPath})`, enables: 'everything (fathom needs Node 20 or newer)',
    ...(major >= 20 ? {} : { fix: 'install Node.js 20 or newer (https://nodejs.org)' }),
  };
  const report: Omit<DoctorReport, 'missing'> = {
    fathom: VERSION,
    node,
    engine: await engineReport(),
    openblas: openblasCheck(),
    sandbox: {
      bubblewrap: bubblewrapCheck(),
      gpp: toolCheck('g++', ['--version'], 'compiling C++ programs inside the sandbox', 'apt-get install -y g++'),
      python3: toolCheck('python3', ['--version'], 'running Python programs inside the sandbox', 'apt-get install -y python3'),
    },
    chromium: chromiumCheck(),
    pytorch: pytorchCheck(),
    store: storeCheck(workspace),
  };
  const named: [string, Check][] = [
    ['node', report.node], ['native engine', report.engine], ['openblas', report.openblas],
    ['bubblewrap', report.sandbox.bubblewrap], ['g++', report.sandbox.gpp], ['python3', report.sandbox.python3],
    ['chromium', report.chromium], ['pytorch', report.pytorch],
  ];
  const missing = named.filter(([, c]) => !c.ok && c.fix).map(([what, c]) => ({ what, enables: c.enables, fix: c.fix! }));
  return { ...report, missing };
}

function render(r: DoctorReport): string {
  const mark = (c: Check): string => (c.ok ? 'ok ' : '-- ');
  const line = (name: string, c: Check): string => `${mark(c)} ${name.padEnd(12)} ${c.detail}${c.ok || !c.fix ? '' : `\n    ${' '.repeat(12)} enables: ${c.enables}\n    ${' '.repeat(12)} fix:     ${c.fix}`}`;
  const store = r.store.exists
    ? `${r.store.db} (schema v${r.store.schemaVersion ?? '?'}, ${r.store.runs ?? '?'} runs${r.store.error ? `; ${r.store.error}` : ''})`
    : `${r.store.db} (not created yet; the first run creates it)`;
  return [
    `fathom ${r.fathom}`,
    line('node', r.node),
    line('engine', r.engine),
    line('openblas', r.openblas),
    line('bubblewrap', r.sandbox.bubblewrap),
    line('g++', r.sandbox.gpp),
    line('python3', r.sandbox.python3),
    line('chromium', r.chromium),
    line('pytorch', r.pytorch),
    `    store        ${store}`,
    r.missing.length ? `\n${r.missing.length} optional piece(s) missing; the fix commands above install them.` : '\nEverything fathom can use is installed.',
  ].join('\n');
}

registerCommand({
  name: 'doctor',
  summary: 'report what this machine can run: Node, engine backend, sandbox, Chromium, store',
  examples: ['fathom doctor', 'fathom doctor --json'],
  define(cmd) {
    cmd.action(async () => {
      const options = globalOptions(cmd);
      const report = await doctor(options.workspace);
      emit(options, report, () => render(report));
    });
  },
});
