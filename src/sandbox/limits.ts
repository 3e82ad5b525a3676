// Resource limits of one sandboxed run. Every limit is finite: there is no "unlimited" (issue:
// the original REFUTE harness gave every run 20–30 s and no memory limit at all).
import { z } from 'zod';

export const limitsSchema = z.strictObject({
  /** CPU seconds (fractions allowed); RLIMIT_CPU is the next whole second, the verdict uses the exact value. */
  cpuSeconds: z.number().positive().max(3600),
  /** Wall-clock milliseconds before every process of the run is killed. */
  wallMs: z.number().int().positive().max(3_600_000),
  /** Address-space limit in MiB (RLIMIT_AS; the stack may grow to the same size). */
  memoryMb: z.number().int().positive().max(65536),
  /** Largest file the program may write, MiB (RLIMIT_FSIZE). */
  fileSizeMb: z.number().int().positive().max(65536),
  /** Open file descriptors (RLIMIT_NOFILE). */
  openFiles: z.number().int().min(8).max(65536),
  /** Processes and threads the program may have at once, itself included (RLIMIT_NPROC, per sandbox). */
  processes: z.number().int().positive().max(4096),
  /** Bytes of stdout kept; more ends the run as `output-limit`. stderr is kept up to 64 KiB and never decides the verdict. */
  outputBytes: z.number().int().positive().max(1 << 30),
});

export type Limits = z.infer<typeof limitsSchema>;

/** Defaults for a competitive-programming run (Codeforces-like 2 s / 256 MB). */
export const DEFAULT_LIMITS: Limits = {
  cpuSeconds: 2,
  wallMs: 6000,
  memoryMb: 256,
  fileSizeMb: 64,
  openFiles: 64,
  processes: 16,
  outputBytes: 64 << 20,
};

/** Limits of the compilers themselves (cc1plus on <bits/stdc++.h> needs several hundred MB of address space). */
export const COMPILE_LIMITS: Limits = {
  cpuSeconds: 60,
  wallMs: 120_000,
  memoryMb: 4096,
  fileSizeMb: 512,
  openFiles: 256,
  processes: 32,
  outputBytes: 1 << 20,
};

/** `limits` with `overrides` applied, validated: a clear error names the bad key. */
export function withLimits(limits: Limits, overrides: Partial<Limits> = {}): Limits {
  return limitsSchema.parse({ ...limits, ...overrides });
}
