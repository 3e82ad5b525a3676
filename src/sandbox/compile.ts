// Compile cache: C++ is built once per hash of source + compiler identity + flags, inside the
// sandbox (a source can `#include "/etc/shadow"` and read it back in the diagnostics, so the
// compiler is untrusted too). Python sources are syntax-checked, also in the sandbox, and stored
// the same way. Failures are cached as well: a compile error is as deterministic as a binary.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingDependencyError } from '../errors.js';
import { COMPILE_LIMITS } from './limits.js';
import { runSandboxed, type RunnerConfig } from './runner.js';
import type { CompileResult, CppStd, Lang } from './types.js';

const DIAGNOSTICS_CAP = 16 << 10;

interface Toolchain {
  id: string;
  argv: (std: CppStd) => string[];
}

const toolchains = new Map<string, string>();
/** The compiler's identity for the cache key: its path and `--version` line. */
function toolchainId(path: string): string {
  let id = toolchains.get(path);
  if (id === undefined) {
    const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
    id = `${path} ${(r.stdout ?? '').split('\n')[0] ?? ''}`.trim();
    toolchains.set(path, id);
  }
  return id;
}

/** The flags that decide the binary (the cache key); paths and -pipe do not. */
export function cppFlags(std: CppStd): string[] {
  return ['-O2', `-std=${std}`];
}

export interface CompileCache {
  compile(source: string, lang: Lang, std: CppStd): Promise<CompileResult>;
}

export function createCompileCache(cfg: RunnerConfig, cacheDir: string, cxx: string): CompileCache {
  const inflight = new Map<string, Promise<CompileResult>>();
  const cpp: Toolchain = { id: toolchainId(cxx), argv: (std) => [cxx, ...cppFlags(std), '-pipe', '-o', 'out/program', 'main.cpp'] };
  const python: Toolchain = { id: toolchainId(cfg.python), argv: () => [cfg.python, '-S', '-c', 'import sys; compile(open(sys.argv[1], "rb").read(), "main.py", "exec")', 'main.py'] };

  async function build(source: string, lang: Lang, std: CppStd, hash: string): Promise<CompileResult> {
    const dir = join(cacheDir, hash.slice(0, 2), hash);
    const artifact = join(dir, lang === 'cpp' ? 'program' : 'main.py');
    const errorFile = join(dir, 'error.json');
    if (existsSync(artifact)) return { ok: true, lang, hash, path: artifact, cached: true, compileMs: 0 };
    if (existsSync(errorFile)) {
      const e = JSON.parse(readFileSync(errorFile, 'utf8')) as { verdict: 'compile-error'; stderr: string };
      return { ok: false, lang, hash, verdict: e.verdict, stderr: e.stderr, cached: true, compileMs: 0 };
    }
    const t0 = performance.now();
    const tool = lang === 'cpp' ? cpp : python;
    const staging = `${dir}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    mkdirSync(staging, { recursive: true, mode: 0o755 });
    try {
      const file = lang === 'cpp' ? 'main.cpp' : 'main.py';
      let produced = false;
      const r = await runSandboxed(cfg, { argv: tool.argv(std), mounts: [], outDir: lang === 'cpp' }, { limits: COMPILE_LIMITS, files: { [file]: source } }, (out) => {
        if (lang === 'cpp' && existsSync(join(out, 'program'))) {
          copyFileSync(join(out, 'program'), join(staging, 'program'));
          produced = true;
        }
      });
      const compileMs = performance.now() - t0;
      mkdirSync(join(cacheDir, hash.slice(0, 2)), { recursive: true, mode: 0o755 });
      if (r.verdict === 'ok' && (lang === 'python' || produced)) {
        if (lang === 'python') writeFileSync(join(staging, 'main.py'), source);
        chmodSync(join(staging, file === 'main.cpp' ? 'program' : 'main.py'), 0o755);
        publish(staging, dir);
        return { ok: true, lang, hash, path: artifact, cached: false, compileMs };
      }
      const verdict = r.verdict === 'ok' || r.verdict === 'runtime-error' ? 'compile-error' : r.verdict;
      const stderr = (r.stderr || r.reason).slice(0, DIAGNOSTICS_CAP);
      // Only a source the compiler rejected (exit 1) is cached; one that ran out of time or memory
      // may compile on a calmer machine.
      if (verdict === 'compile-error' && r.exitCode === 1) {
        writeFileSync(join(staging, 'error.json'), JSON.stringify({ verdict, stderr }));
        publish(staging, dir);
      }
      return { ok: false, lang, hash, verdict, stderr, cached: false, compileMs };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /** Moves a finished entry into place; another process may have published the same hash first. */
  function publish(staging: string, dir: string): void {
    try {
      renameSync(staging, dir);
    } catch (e) {
      if (!existsSync(dir)) throw e;
    }
  }

  const checked = new Set<string>();
  /** A missing toolchain is the machine's problem, not the source's: an error with the install command. */
  function requireTool(path: string, lang: Lang): void {
    if (checked.has(path)) return;
    if (!existsSync(path)) {
      throw new MissingDependencyError(`sandbox compile: ${lang === 'cpp' ? 'the C++ compiler' : 'Python 3'} is not at ${path}`, lang === 'cpp' ? 'apt-get install -y g++ (or pass the compiler\'s path as `cxx`)' : 'apt-get install -y python3 (or pass the interpreter\'s path as `python`)');
    }
    checked.add(path);
  }

  return {
    compile(source, lang, std) {
      requireTool(lang === 'cpp' ? cxx : cfg.python, lang);
      const tool = lang === 'cpp' ? cpp : python;
      const flags = lang === 'cpp' ? cppFlags(std).join(' ') : '-S';
      const hash = createHash('sha256').update(`${lang}\0${tool.id}\0${flags}\0`).update(source).digest('hex');
      let p = inflight.get(hash);
      if (!p) {
        p = build(source, lang, std, hash).finally(() => inflight.delete(hash));
        inflight.set(hash, p);
      }
      return p;
    },
  };
}
