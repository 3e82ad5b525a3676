// One sandboxed run: bubblewrap (new user, pid, ipc, uts, net and cgroup namespaces; an empty
// root with read-only binds of /usr and the loader cache; a fresh writable work dir at /box; a
// size-capped tmpfs /tmp; `--remount-ro /`) around the supervisor, which sets the rlimits and
// measures the program. When fathom runs as root, bwrap itself is started as uid/gid 65534 with
// no supplementary groups (libuv's setgroups(0) + setgid + setuid, what `setpriv --reuid=65534
// --regid=65534 --clear-groups` does, without an extra exec): the kernel ignores RLIMIT_NPROC for
// root, so a fork bomb started as root is not stopped.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { FathomError } from '../errors.js';
import type { Limits } from './limits.js';
import type { RunRequest, RunResult, RunVerdict } from './types.js';

/** The sandbox could not be set up (not the program's fault): fathom reports it, never a verdict. */
export class SandboxError extends FathomError {}

/** The unprivileged user programs run as when fathom is root (nobody/nogroup). */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;
const STDERR_CAP = 64 << 10;
/** Extra time fathom waits past the wall limit before killing bwrap itself (the supervisor should act first). */
const KILL_GRACE_MS = 2000;

export interface RunnerConfig {
  bwrap: string | null; // null: --unsafe-no-sandbox
  supervisor: string;
  python: string;
  workRoot: string;
  dropPrivileges: boolean;
}

const signalNames = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** Read-only system binds: /usr and, on merged-/usr systems, the /bin, /lib… symlinks into it. */
function systemBinds(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32']) {
    let st;
    try { st = lstatSync(top); } catch { continue; }
    if (st.isSymbolicLink()) args.push('--symlink', `usr${top}`, top);
    else args.push('--ro-bind', top, top);
  }
  // Only the loader cache from /etc: g++, python3 and their programs need nothing else there, and
  // every bind costs bwrap time on each run.
  if (existsSync('/etc/ld.so.cache')) args.push('--ro-bind', '/etc/ld.so.cache', '/etc/ld.so.cache');
  return args;
}
let binds: string[] | undefined;

/** The mount plan of one run: the work dir is a size-capped tmpfs, never the host's disk. */
interface Plan {
  /** Input files: copied by bwrap from the pipe on fd `fd` into /box/`name` (writable copies). */
  files: { fd: number; name: string }[];
  /** Host dir bound writable at /box/out, for outputs fathom collects (a compiled binary). */
  outDir?: string;
  mounts: [string, string][];
}

function bwrapArgs(cfg: RunnerConfig, limits: Limits, plan: Plan): string[] {
  binds ??= systemBinds();
  const size = String(limits.fileSizeMb * 1024 * 1024);
  const args = [
    '--unshare-all', '--die-with-parent', '--new-session',
    '--clearenv', '--setenv', 'PATH', '/usr/bin:/bin', '--setenv', 'HOME', '/box', '--setenv', 'TMPDIR', '/tmp',
    '--setenv', 'LANG', 'C.UTF-8', '--setenv', 'PYTHONDONTWRITEBYTECODE', '1',
    ...binds,
    '--dev', '/dev', '--proc', '/proc',
    // Work dir and /tmp are tmpfs with a size: a program that writes file after file fills its
    // own cap, not the host's disk.
    '--size', size, '--perms', '1777', '--tmpfs', '/tmp',
    '--size', size, '--perms', '1777', '--tmpfs', '/box',
    '--ro-bind', cfg.supervisor, '/sandbox/supervise',
  ];
  for (const f of plan.files) args.push('--file', String(f.fd), `/box/${f.name}`);
  if (plan.outDir) args.push('--bind', plan.outDir, '/box/out');
  for (const [from, to] of plan.mounts) args.push('--ro-bind', from, to);
  // /dev is bwrap's own tmpfs: read-only too, or it would be an uncapped place to write.
  args.push('--remount-ro', '/dev', '--remount-ro', '/', '--chdir', '/box');
  return args;
}

function supervisorArgs(mode: 'ns' | 'pg', limits: Limits): string[] {
  const mb = 1024 * 1024;
  return [
    mode, String(Math.ceil(limits.cpuSeconds)), String(limits.memoryMb * mb), String(limits.fileSizeMb * mb),
    String(limits.openFiles), String(limits.processes + 2 /* bwrap's init and the supervisor */), String(limits.wallMs), String(limits.memoryMb * mb),
  ];
}

const MEMORY_MARKERS = /std::bad_alloc|MemoryError|Cannot allocate memory|out of memory|memory exhausted/;

/** What to execute: argv inside the sandbox (or on the host when unsafe) and extra read-only binds. */
export interface Invocation {
  argv: string[];
  mounts: [string, string][];
  /** Give the program a writable out/ in its work dir whose content `collect` can read afterwards. */
  outDir?: boolean;
}

/** How a compiled program is started, inside the sandbox or (unsafe) on the host. */
export function programInvocation(cfg: RunnerConfig, req: RunRequest): Invocation {
  const { program } = req;
  const inner = program.lang === 'python' ? '/sandbox/main.py' : '/sandbox/program';
  const path = cfg.bwrap !== null ? inner : program.path;
  const argv = program.lang === 'python' ? [cfg.python, '-S', path, ...(req.args ?? [])] : [path, ...(req.args ?? [])];
  return { argv, mounts: cfg.bwrap !== null ? [[program.path, inner]] : [] };
}

export type RunSpec = Omit<RunRequest, 'program'>;

/**
 * Runs `inv` in a fresh work directory holding `spec.files`; `collect` may read what the program
 * wrote to out/ (the host directory behind /box/out) before it is removed.
 */
export async function runSandboxed(cfg: RunnerConfig, inv: Invocation, spec: RunSpec, collect?: (outDir: string) => void): Promise<RunResult> {
  const { limits } = spec;
  const isolated = cfg.bwrap !== null;
  const files = Object.entries(spec.files ?? {}).map(([name, content]) => {
    const rel = normalize(name);
    if (isAbsolute(rel) || rel.startsWith('..') || rel === '.' || rel === 'out' || rel.startsWith('out/')) {
      throw new SandboxError(`sandbox run: file name "${name}" leaves the work directory or uses out/`, 'give a plain relative name such as "input.txt"');
    }
    return { name: rel, content };
  });
  // A host directory only where one is needed: outputs to collect (compiling), or the work dir of
  // an unsafe run. Isolated runs get their files through pipes into their tmpfs, since creating
  // and removing a directory on the host's disk costs more than the rest of the run's setup.
  const needsHostDir = !isolated || inv.outDir === true;
  if (needsHostDir && !workRootReady.has(cfg.workRoot)) {
    mkdirSync(cfg.workRoot, { recursive: true, mode: 0o711 });
    workRootReady.add(cfg.workRoot);
  }
  const work = needsHostDir ? mkdtempSync(join(cfg.workRoot, 'run-')) : undefined;
  try {
    const outDir = work ? join(work, 'out') : '';
    if (work && !isolated) {
      for (const f of files) {
        mkdirSync(dirname(join(work, f.name)), { recursive: true });
        writeFileSync(join(work, f.name), f.content);
      }
    }
    if (work && inv.outDir) mkdirSync(outDir);
    if (work && cfg.dropPrivileges) {
      chmodSync(work, 0o711);
      if (inv.outDir) chownSync(outDir, SANDBOX_UID, SANDBOX_GID);
      if (!isolated) chownTree(work, files.map((f) => f.name));
    }
    let command: string;
    let args: string[];
    if (isolated) {
      command = cfg.bwrap!;
      const plan: Plan = { files: files.map((f, i) => ({ fd: 4 + i, name: f.name })), mounts: inv.mounts, ...(inv.outDir ? { outDir } : {}) };
      args = [...bwrapArgs(cfg, limits, plan), '/sandbox/supervise', ...supervisorArgs('ns', limits), ...inv.argv];
    } else {
      command = cfg.supervisor;
      args = [...supervisorArgs('pg', limits), ...inv.argv];
    }
    const r = await spawnRun(cfg, command, args, isolated ? undefined : work, spec, isolated ? files.map((f) => f.content) : []);
    if (work) collect?.(outDir);
    return r;
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}
const workRootReady = new Set<string>();

function chownTree(work: string, names: string[]): void {
  chownSync(work, SANDBOX_UID, SANDBOX_GID);
  for (const name of names) {
    let p = join(work, normalize(name));
    while (p.startsWith(work) && p !== work) {
      chownSync(p, SANDBOX_UID, SANDBOX_GID);
      p = dirname(p);
    }
  }
}

function spawnRun(cfg: RunnerConfig, command: string, args: string[], cwd: string | undefined, req: RunSpec, fileContents: (string | Buffer)[]): Promise<RunResult> {
  const { limits } = req;
  const stdinFd = req.stdinFile !== undefined ? openSync(req.stdinFile, 'r') : undefined;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [stdinFd ?? (req.stdin !== undefined ? 'pipe' : 'ignore'), 'pipe', 'pipe', 'pipe', ...fileContents.map(() => 'pipe' as const)],
      // Unsafe runs get their own process group so the fallback kill reaches the program too;
      // an isolated run dies with bwrap (--die-with-parent takes the whole pid namespace along).
      detached: cwd !== undefined,
      env: cwd ? { PATH: '/usr/bin:/bin', HOME: cwd, TMPDIR: cwd, LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' } : {},
      ...(cwd ? { cwd } : {}),
      ...(cfg.dropPrivileges ? { uid: SANDBOX_UID, gid: SANDBOX_GID } : {}),
    });
    if (stdinFd !== undefined) closeSync(stdinFd);
    const out: Buffer[] = [];
    let outBytes = 0;
    const err: Buffer[] = [];
    let errBytes = 0;
    let truncated = false;
    let outputExceeded = false;
    let killedByFathom = false;
    const report: Buffer[] = [];
    const killAll = () => {
      try {
        if (cwd !== undefined) process.kill(-child.pid!, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch { /* already gone */ }
    };
    const timer = setTimeout(() => { killedByFathom = true; killAll(); }, limits.wallMs + KILL_GRACE_MS);

    child.stdout!.on('data', (chunk: Buffer) => {
      if (outputExceeded) return;
      const room = limits.outputBytes - outBytes;
      if (chunk.length > room) {
        out.push(chunk.subarray(0, room));
        outBytes += room;
        truncated = outputExceeded = true;
        // Closing the pipe ends an endless printer with SIGPIPE; the supervisor still reports its usage.
        child.stdout!.destroy();
        return;
      }
      out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      const room = STDERR_CAP - errBytes;
      if (room <= 0) { truncated = true; return; }
      if (chunk.length > room) truncated = true;
      err.push(chunk.subarray(0, room));
      errBytes += Math.min(room, chunk.length);
    });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => report.push(chunk));
    // bwrap copies each file from its pipe (--file) into the tmpfs before the program starts.
    fileContents.forEach((content, i) => {
      const pipe = child.stdio[4 + i] as NodeJS.WritableStream | null;
      pipe?.on('error', () => { /* bwrap failed to start; reported below */ });
      pipe?.end(content);
    });
    if (req.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => { /* the program need not read all its input */ });
      child.stdin.end(req.stdin);
    }
    child.on('error', (e) => { clearTimeout(timer); reject(new SandboxError(`sandbox: cannot start ${command}: ${e.message}`, cfg.bwrap ? 'check that bubblewrap is installed: apt-get install -y bubblewrap' : 'check the cache directory is readable')); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const line = Buffer.concat(report).toString('utf8').trim();
      if (!line) {
        if (killedByFathom) {
          resolve(result('time-limit', null, 'SIGKILL', stdout, stderr, truncated, 0, limits.wallMs + KILL_GRACE_MS, 0, `wall clock past ${limits.wallMs} ms (sandbox killed by fathom)`));
        } else if (outputExceeded) {
          resolve(result('output-limit', null, 'SIGKILL', stdout, stderr, truncated, 0, 0, 0, `stdout over ${limits.outputBytes} bytes`));
        } else if (/^bwrap: /m.test(stderr) || code === 126) {
          reject(new SandboxError(`sandbox: bubblewrap could not set up the sandbox (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`, 'run `fathom doctor`; unprivileged user namespaces must be enabled (sysctl -w kernel.unprivileged_userns_clone=1)'));
        } else {
          resolve(result('runtime-error', code, signal, stdout, stderr, truncated, 0, 0, 0, 'the sandbox supervisor ended without a report (the program killed it)'));
        }
        return;
      }
      const [execErrno, status, timedOut, cpuUs, maxrssKb, wallUs] = line.split(/\s+/).map(Number) as [number, number, number, number, number, number];
      const sig = status & 0x7f;
      const exitCode = sig === 0 ? (status >> 8) & 0xff : null;
      const signalName = sig === 0 ? null : (signalNames.get(sig) ?? `SIG${sig}`);
      const cpuMs = cpuUs / 1000;
      const wallMs = wallUs / 1000;
      const { verdict, reason } = decide({ limits, execErrno, exitCode, signalName, timedOut: timedOut === 1, cpuMs, peakKb: maxrssKb, stderr, outputExceeded });
      resolve(result(verdict, exitCode, signalName, stdout, stderr, truncated, cpuMs, wallMs, maxrssKb, reason));
    });
  });
}

function result(verdict: RunVerdict, exitCode: number | null, signal: string | null, stdout: string, stderr: string, truncated: boolean, cpuMs: number, wallMs: number, peakMemoryKb: number, reason: string): RunResult {
  return { verdict, exitCode, signal, stdout, stderr, truncated, cpuMs: round(cpuMs), wallMs: round(wallMs), peakMemoryKb, reason };
}
const round = (x: number) => Math.round(x * 1000) / 1000;

interface Observed {
  limits: Limits;
  execErrno: number;
  exitCode: number | null;
  signalName: string | null;
  timedOut: boolean;
  cpuMs: number;
  peakKb: number;
  stderr: string;
  outputExceeded: boolean;
}

/** Maps what the supervisor saw to a verdict. Order matters: the limit that ended the run wins over the crash it caused. */
export function decide(o: Observed): { verdict: RunVerdict; reason: string } {
  const { limits } = o;
  const cpuLimitMs = limits.cpuSeconds * 1000;
  if (o.outputExceeded) return { verdict: 'output-limit', reason: `stdout over ${limits.outputBytes} bytes` };
  if (o.timedOut) return { verdict: 'time-limit', reason: `wall clock past ${limits.wallMs} ms (CPU ${fmt(o.cpuMs)} ms)` };
  // RLIMIT_CPU has whole seconds and counts scheduler time (rusage can read lower on a busy VM):
  // SIGXCPU is a time limit whatever rusage says, and rusage above the exact limit is one too.
  if (o.signalName === 'SIGXCPU') return { verdict: 'time-limit', reason: `CPU limit reached (SIGXCPU after ${Math.ceil(limits.cpuSeconds)} s; rusage ${fmt(o.cpuMs)} ms; limit ${fmt(cpuLimitMs)} ms)` };
  if (o.cpuMs > cpuLimitMs) return { verdict: 'time-limit', reason: `CPU ${fmt(o.cpuMs)} ms > limit ${fmt(cpuLimitMs)} ms` };
  // A program that handles SIGXCPU is killed a second later at the hard limit.
  if (o.signalName === 'SIGKILL' && o.cpuMs >= 500 * Math.ceil(limits.cpuSeconds)) return { verdict: 'time-limit', reason: `killed at the CPU hard limit (${Math.ceil(limits.cpuSeconds) + 1} s; rusage ${fmt(o.cpuMs)} ms)` };
  if (o.execErrno === 12) return { verdict: 'memory-limit', reason: `the program does not fit in ${limits.memoryMb} MB (exec: ENOMEM)` };
  if (o.execErrno !== 0) return { verdict: 'runtime-error', reason: `cannot execute the program (errno ${o.execErrno})` };
  if (o.exitCode === 0) return { verdict: 'ok', reason: 'exit 0' };
  const ended = o.signalName ? `killed by ${o.signalName}` : `exit ${o.exitCode}`;
  const marker = MEMORY_MARKERS.exec(o.stderr);
  if (marker || o.peakKb >= 0.9 * limits.memoryMb * 1024) {
    return { verdict: 'memory-limit', reason: `${ended} at the ${limits.memoryMb} MB limit (${marker ? marker[0] : `peak ${Math.round(o.peakKb / 1024)} MB`})` };
  }
  if (o.signalName === 'SIGXFSZ') return { verdict: 'runtime-error', reason: `${ended}: a file grew past ${limits.fileSizeMb} MB` };
  return { verdict: 'runtime-error', reason: ended };
}
const fmt = (x: number) => String(Math.round(x));
