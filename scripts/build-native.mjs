#!/usr/bin/env node
// Builds fathom's native tensor backend (native/, binding.gyp) with node-gyp at install time.
// A failed build is not an install failure: fathom then runs on the TypeScript `reference`
// backend, and `fathom doctor` says why and how to fix it. The outcome is written to
// build/native-build.json so doctor can report it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

if (!existsSync('binding.gyp')) process.exit(0);
if (process.env.FATHOM_SKIP_NATIVE === '1') {
  console.log('fathom: FATHOM_SKIP_NATIVE=1, not building the native backend (the reference backend will be used).');
  process.exit(0);
}

const started = Date.now();
const result = spawnSync('node-gyp', ['rebuild', '--release'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', shell: process.platform === 'win32' });
const ok = result.status === 0;
const log = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
mkdirSync('build', { recursive: true });
writeFileSync('build/native-build.json', JSON.stringify({
  ok,
  seconds: (Date.now() - started) / 1000,
  at: new Date().toISOString(),
  logTail: log.split('\n').slice(-40).join('\n'),
}, null, 2));
if (ok) {
  console.log(`fathom: native backend built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} else {
  console.warn('fathom: the native backend did not build; fathom will run on the slower reference backend.');
  console.warn('fathom: the build log is in build/native-build.json; `fathom doctor` shows what to install.');
  console.warn(log.split('\n').slice(-15).join('\n'));
}
