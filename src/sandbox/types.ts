// The sandbox's public types: programs, run requests and run results.
import type { Limits } from './limits.js';

export type Lang = 'cpp' | 'python';
export type CppStd = 'c++14' | 'c++17' | 'c++20' | 'c++23';

/** A program ready to run: a cached binary (C++) or a syntax-checked script (Python). */
export interface CompiledProgram {
  ok: true;
  lang: Lang;
  /** sha256 of source + toolchain + flags: the compile cache key. */
  hash: string;
  /** The cached binary or script on disk (bound read-only into the sandbox). */
  path: string;
  /** Whether the cache already held it. */
  cached: boolean;
  /** Time spent compiling now (0 when cached). */
  compileMs: number;
}

/** A program that did not compile: an expected outcome, not an exception. */
export interface CompileError {
  ok: false;
  lang: Lang;
  hash: string;
  /** `compile-error` for a rejected source, or the limit the compiler hit. */
  verdict: 'compile-error' | 'time-limit' | 'memory-limit' | 'output-limit';
  /** The compiler's diagnostics (capped). */
  stderr: string;
  cached: boolean;
  compileMs: number;
}

export type CompileResult = CompiledProgram | CompileError;

export interface RunRequest {
  program: CompiledProgram;
  /** Bytes for the program's stdin. */
  stdin?: string | Buffer;
  /** A file whose content is the program's stdin (read by fathom, not by the sandboxed program). */
  stdinFile?: string;
  args?: string[];
  limits: Limits;
  /** Files placed in the run's work directory (the program's cwd), by relative name. */
  files?: Record<string, string | Buffer>;
}

export type RunVerdict = 'ok' | 'runtime-error' | 'time-limit' | 'memory-limit' | 'output-limit';

export interface RunResult {
  verdict: RunVerdict;
  /** Exit code when the program exited, else null. */
  exitCode: number | null;
  /** Signal name when the program was killed, else null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** stdout or stderr was cut at its cap. */
  truncated: boolean;
  /** User + system CPU time of the program and every process it started. */
  cpuMs: number;
  /** Wall time from the program's start to its end (sandbox setup excluded). */
  wallMs: number;
  /** Largest resident set of any of the run's processes. */
  peakMemoryKb: number;
  /** Why the verdict is what it is, in words (e.g. "CPU 2.31 s > limit 2 s"). */
  reason: string;
}

export interface Sandbox {
  compile(source: string, lang: Lang, opts?: { std?: CppStd }): Promise<CompileResult>;
  run(req: RunRequest): Promise<RunResult>;
  /** False only with `unsafeNoSandbox`: programs then run with limits but without isolation. */
  readonly isolated: boolean;
  /** Runs allowed at once (further `run` calls wait). */
  readonly concurrency: number;
  readonly cacheDir: string;
}

export interface SandboxOptions {
  /**
   * Run without bubblewrap: rlimits, the wall-clock kill and (as root) the switch to uid 65534 still
   * apply, but the program sees the host's files and network, and its process limit counts every
   * process of that user on the machine. Never the default.
   */
  unsafeNoSandbox?: boolean;
  /** Compile cache (default: <tmpdir>/fathom-sandbox-<uid>); must be readable by the sandbox user. */
  cacheDir?: string;
  /** Parallel runs (default: the number of cores). */
  concurrency?: number;
  /** Python used inside the sandbox (default /usr/bin/python3, a system interpreter the sandbox can see). */
  python?: string;
  /** C++ compiler (default /usr/bin/g++). */
  cxx?: string;
  /** The bwrap binary (default: $FATHOM_BWRAP, else `bwrap` on PATH). */
  bwrap?: string;
}
