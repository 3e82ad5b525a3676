#!/usr/bin/env node
// Tells binding.gyp whether OpenBLAS is available at build time, and how to compile and link it.
// Usage (from binding.gyp): node native/detect-blas.mjs have|cflags|libs
//   have   → "1" when cblas.h and libopenblas are found (and FATHOM_NO_BLAS is not set), else "0"
//   cflags → include flags for cblas.h (may be empty)
//   libs   → linker flags (-L… -lopenblas), empty when not found
// FATHOM_NO_BLAS=1 forces the portable blocked GEMM, so that path can be built and tested on a
// machine that has OpenBLAS. pkg-config is preferred; the fallback probes Debian/Ubuntu/Fedora paths.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function pkgConfig(args) {
  const r = spawnSync('pkg-config', [...args, 'openblas'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function detect() {
  if (process.env.FATHOM_NO_BLAS === '1') return undefined;
  const cflags = pkgConfig(['--cflags']);
  const libs = pkgConfig(['--libs']);
  if (cflags !== undefined && libs !== undefined) {
    const dirs = cflags.split(/\s+/).filter((f) => f.startsWith('-I')).map((f) => f.slice(2));
    const header = [...dirs, '/usr/include', '/usr/include/x86_64-linux-gnu', '/usr/local/include']
      .some((d) => existsSync(`${d}/cblas.h`));
    if (header) return { cflags, libs };
  }
  // No pkg-config entry: look for openblas's own cblas.h and the shared library in the usual places.
  const includeDirs = ['/usr/include/openblas', '/usr/include/x86_64-linux-gnu/openblas-pthread',
    '/usr/include/aarch64-linux-gnu/openblas-pthread', '/usr/local/include', '/opt/OpenBLAS/include'];
  const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib',
    '/usr/local/lib', '/opt/OpenBLAS/lib'];
  const inc = includeDirs.find((d) => existsSync(`${d}/cblas.h`) && existsSync(`${d}/openblas_config.h`));
  const lib = libDirs.find((d) => existsSync(`${d}/libopenblas.so`));
  if (inc === undefined || lib === undefined) return undefined;
  return { cflags: `-I${inc}`, libs: `-L${lib} -lopenblas` };
}

const found = detect();
const what = process.argv[2] ?? 'have';
if (what === 'have') process.stdout.write(found ? '1' : '0');
else if (what === 'cflags') process.stdout.write(found?.cflags ?? '');
else if (what === 'libs') process.stdout.write(found?.libs ?? '');
else {
  process.stderr.write(`detect-blas: unknown query "${what}" (expected have, cflags or libs)\n`);
  process.exit(2);
}
