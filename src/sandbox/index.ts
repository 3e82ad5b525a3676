// fathom's sandbox for untrusted programs (REFUTE, arXiv:2502.19414, ran its code unsandboxed):
// bubblewrap namespaces + rlimits + a wall-clock kill, a compile cache keyed by content hash, and
// parallel runs up to the core count. See runner.ts for exactly what a run may see and do.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MissingDependencyError, UsageError } from '../errors.js';
import { createCompileCache } from './compile.js';
import { limitsSchema } from './limits.js';
import { programInvocation, runSandboxed, SANDBOX_UID, type RunnerConfig } from './runner.js';
import { ensureSupervisor } from './supervisor.js';
import type { RunResult, Sandbox, SandboxOptions } from './types.js';

export type { CompiledProgram, CompileError, CompileResult, CppStd, Lang, RunRequest, RunResult, RunVerdict, Sandbox, SandboxOptions } from './types.js';
export { COMPILE_LIMITS, DEFAULT_LIMITS, limitsSchema, withLimits, type Limits } from './limits.js';
export { decide, SandboxError, SANDBOX_GID, SANDBOX_UID } from './runner.js';

export const BWRAP_INSTALL = 'apt-get install -y bubblewrap';

function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim().split('\n')[0]! : null;
}

/** The bwrap binary, or null when it is not installed. */
export function findBwrap(): string | null {
  return process.env.FATHOM_BWRAP ?? which('bwrap');
}

/** Root drops to 65534, so every directory above the cache must be searchable by others. */
function assertReachable(dir: string, what: string): void {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const st = statSync(d, { throwIfNoEntry: false });
    if (st && st.uid !== SANDBOX_UID && (st.mode & 0o001) === 0) {
      throw new UsageError(`sandbox: the ${what} ${dir} is not reachable by the sandbox user ${SANDBOX_UID} (${d} has mode ${(st.mode & 0o777).toString(8)})`, 'pick a folder under /tmp or /var/tmp, or leave the option out to use the default');
    }
    if (d === dirname(d)) break;
  }
}

/** A counting semaphore: at most `n` runs at once, the rest wait in order. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/**
 * Creates a sandbox. Throws MissingDependencyError (naming `apt-get install -y bubblewrap`) when
 * bwrap is missing, unless `unsafeNoSandbox` is given explicitly.
 */
export function createSandbox(opts: SandboxOptions = {}): Sandbox {
  const unsafe = opts.unsafeNoSandbox === true;
  const wanted = opts.bwrap ?? findBwrap();
  const bwrap = unsafe ? null : wanted !== null && existsSync(wanted) ? wanted : null;
  if (!unsafe && !bwrap) {
    throw new MissingDependencyError(`sandbox: bubblewrap (bwrap) is not installed${wanted ? ` (no ${wanted})` : ''}, and fathom does not run untrusted code without it`, `${BWRAP_INSTALL} (or pass --unsafe-no-sandbox to run without isolation, at your own risk)`);
  }
  const concurrency = opts.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`sandbox: concurrency must be a whole number ≥ 1, got ${concurrency}`, 'pass e.g. --concurrency 2');
  const uid = process.getuid?.() ?? 0;
  const base = join(tmpdir(), `fathom-sandbox-${uid}`);
  const cacheDir = resolve(opts.cacheDir ?? join(base, 'cache'));
  const dropPrivileges = uid === 0;
  if (dropPrivileges) assertReachable(cacheDir, 'cache directory');
  const cfg: RunnerConfig = {
    bwrap,
    supervisor: ensureSupervisor(cacheDir),
    python: opts.python ?? '/usr/bin/python3',
    workRoot: join(base, 'work'),
    dropPrivileges,
  };
  const cache = createCompileCache(cfg, cacheDir, opts.cxx ?? '/usr/bin/g++');
  const slot = limiter(concurrency);
  return {
    isolated: !unsafe,
    concurrency,
    cacheDir,
    compile: (source, lang, o) => slot(() => cache.compile(source, lang, o?.std ?? 'c++20')),
    async run(req): Promise<RunResult> {
      if (!req.program?.ok) throw new UsageError('sandbox run: the program did not compile', 'check `compile(...).ok` before running it');
      const parsed = limitsSchema.safeParse(req.limits);
      if (!parsed.success) {
        throw new UsageError(`sandbox run: bad limits: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'limits'}: ${i.message}`).join('; ')}`, 'start from DEFAULT_LIMITS and override with withLimits(DEFAULT_LIMITS, {...})');
      }
      return slot(() => runSandboxed(cfg, programInvocation(cfg, req), { ...req, limits: parsed.data }));
    },
  };
}
