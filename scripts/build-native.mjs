#!/usr/bin/env node
// Builds fathom's native tensor backend (native/, binding.gyp) with node-gyp at install time.
// A failed build is not an install failure: fathom then runs on the TypeScript `reference`
// backend, and `fathom doctor` says why and how to fix it. The outcome is written to
// build/native-build.json so doctor can report it.
//
// node-gyp is found on PATH (npm puts its bundled copy there while running install scripts),
// else in the npm that runs this Node. Outside npm, the Node headers are taken from this Node's
// own prefix when they are installed there (Debian's nodejs ships them in /usr/include/node), so
// a rebuild never needs the network.
// FATHOM_NO_BLAS=1 builds without OpenBLAS (the portable blocked GEMM), for testing that path.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

if (!existsSync('binding.gyp')) process.exit(0);
if (process.env.FATHOM_SKIP_NATIVE === '1') {
  console.log('fathom: FATHOM_SKIP_NATIVE=1, not building the native backend (the reference backend will be used).');
  process.exit(0);
}

/**
 * What the build depends on: the native sources, binding.gyp, whether OpenBLAS headers are
 * present, the BLAS switch and the Node ABI. An unchanged stamp with a built addon skips the
 * rebuild, so reinstalling (e.g. `npx fathom` installing the project into its cache) is quick.
 */
function buildStamp() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(path));
    }
  };
  if (existsSync('native')) walk('native');
  hash.update(readFileSync('binding.gyp'));
  hash.update(String(existsSync('/usr/include/x86_64-linux-gnu/cblas.h') || existsSync('/usr/include/cblas.h') || existsSync('/usr/include/openblas/cblas.h')));
  hash.update(`${process.env.FATHOM_NO_BLAS ?? ''}|${process.versions.modules}|${process.arch}`);
  return hash.digest('hex');
}

const stamp = buildStamp();
try {
  const previous = JSON.parse(readFileSync('build/native-build.json', 'utf8'));
  if (previous.ok && previous.stamp === stamp && existsSync('build/Release/fathom_native.node') && process.env.FATHOM_FORCE_NATIVE_BUILD !== '1') {
    console.log('fathom: native backend is up to date (FATHOM_FORCE_NATIVE_BUILD=1 rebuilds it).');
    process.exit(0);
  }
} catch {
  // no previous build, or an unreadable record: build
}

/** The command that runs node-gyp: [executable, ...leading args]. */
function nodeGyp() {
  const onPath = spawnSync('node-gyp', ['--version'], { stdio: 'ignore', shell: process.platform === 'win32' });
  if (onPath.status === 0) return ['node-gyp'];
  const prefix = dirname(dirname(process.execPath));
  const candidates = [
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(prefix, 'share', 'nodejs', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const script = candidates.find((c) => existsSync(c));
  return script ? [process.execPath, script] : ['node-gyp'];
}

const args = ['rebuild', '--release'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const [cmd, ...lead] = nodeGyp();
const started = Date.now();
const result = spawnSync(cmd, [...lead, ...args], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', shell: process.platform === 'win32' });
const ok = result.status === 0;
const log = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
mkdirSync('build', { recursive: true });
writeFileSync('build/native-build.json', JSON.stringify({
  ok,
  stamp,
  seconds: (Date.now() - started) / 1000,
  at: new Date().toISOString(),
  blas: process.env.FATHOM_NO_BLAS === '1' ? 'disabled (FATHOM_NO_BLAS=1)' : 'auto',
  logTail: log.split('\n').slice(-40).join('\n'),
}, null, 2));
if (ok) {
  console.log(`fathom: native backend built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} else {
  console.warn('fathom: the native backend did not build; fathom will run on the slower reference backend.');
  console.warn('fathom: the build log is in build/native-build.json; `fathom doctor` shows what to install.');
  console.warn(log.split('\n').slice(-15).join('\n'));
}
