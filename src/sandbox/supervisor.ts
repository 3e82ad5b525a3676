// The sandbox's supervisor: a small C program compiled once into the cache, which runs inside
// bubblewrap between bwrap's init and the untrusted program. It sets the resource limits on the
// program only (so the process limit counts the program's own processes, per sandbox), measures
// CPU time and peak RSS with wait4-style rusage (Node has no wait4), enforces the wall-clock limit
// by killing every process it may signal, and reports on a pipe (fd 3) the program cannot reach:
// the fd is close-on-exec and the supervisor is not dumpable, so /proc/<pid>/fd is closed to it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingDependencyError } from '../errors.js';

export const SUPERVISOR_SOURCE = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* argv: supervise <ns|pg> <cpu_s> <as_bytes> <fsize_bytes> <nofile> <nproc> <wall_ms> <stack_bytes> <program> [args...]
   writes to fd 3: "exec_errno wait_status timed_out cpu_us maxrss_kb wall_us\n" */
static void lim(int res, unsigned long long v, unsigned long long hard) {
  struct rlimit r = { (rlim_t)v, (rlim_t)hard };
  if (setrlimit(res, &r) != 0) _exit(125);
}
static long long us_since(const struct timespec *t0) {
  struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)(t.tv_sec - t0->tv_sec) * 1000000LL + (t.tv_nsec - t0->tv_nsec) / 1000;
}
int main(int argc, char **argv) {
  if (argc < 10) { fprintf(stderr, "supervise: bad arguments\n"); return 126; }
  int ns = strcmp(argv[1], "ns") == 0;
  unsigned long long cpu = strtoull(argv[2], 0, 10), as = strtoull(argv[3], 0, 10), fsize = strtoull(argv[4], 0, 10);
  unsigned long long nofile = strtoull(argv[5], 0, 10), nproc = strtoull(argv[6], 0, 10), wall = strtoull(argv[7], 0, 10);
  unsigned long long stack = strtoull(argv[8], 0, 10);
  if (fcntl(3, F_SETFD, FD_CLOEXEC) != 0) { fprintf(stderr, "supervise: no result fd\n"); return 126; }
  prctl(PR_SET_DUMPABLE, 0);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t chld, old; sigemptyset(&chld); sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  int ep[2]; if (pipe2(ep, O_CLOEXEC) != 0) return 126;
  struct timespec t0; clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) return 126;
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old, 0);
    setpgid(0, 0);
    lim(RLIMIT_CPU, cpu, cpu + 1);
    lim(RLIMIT_AS, as, as);
    lim(RLIMIT_STACK, stack, stack);
    lim(RLIMIT_FSIZE, fsize, fsize);
    lim(RLIMIT_NOFILE, nofile, nofile);
    lim(RLIMIT_NPROC, nproc, nproc);
    lim(RLIMIT_CORE, 0, 0);
    /* Only stdin, stdout and stderr reach the program (bwrap's --file fds stay behind). */
    for (int fd = 4; fd < 1024; fd++) if (fd != ep[1]) close(fd);
    execv(argv[9], argv + 9);
    int e = errno; if (write(ep[1], &e, sizeof e) < 0) {}
    _exit(127);
  }
  close(ep[1]);
  int status = 0, timed_out = 0, done = 0;
  struct timespec deadline = t0;
  deadline.tv_sec += wall / 1000; deadline.tv_nsec += (long)(wall % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
  while (!done) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) { done = 1; break; }
    struct timespec now, left; clock_gettime(CLOCK_MONOTONIC, &now);
    left.tv_sec = deadline.tv_sec - now.tv_sec; left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
    if (left.tv_nsec < 0) { left.tv_sec--; left.tv_nsec += 1000000000L; }
    if (left.tv_sec < 0) { timed_out = 1; break; }
    sigtimedwait(&chld, 0, &left);
  }
  /* Nothing outlives the run: in a pid namespace kill(-1) reaches every process but bwrap's init
     and this one. Without one (--unsafe-no-sandbox) kill the program's process group, then, as
     the subreaper every orphan is handed to, whatever is left among our children, until none. */
  if (ns) kill(-1, SIGKILL); else kill(-pid, SIGKILL);
  if (!done) { waitpid(pid, &status, 0); }
  if (!ns) {
    char path[64]; snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    for (int round = 0; round < 1000; round++) {
      while (waitpid(-1, 0, WNOHANG) > 0) {}
      FILE *f = fopen(path, "r"); if (!f) break;
      int any = 0; long c;
      while (fscanf(f, "%ld", &c) == 1) { kill((pid_t)c, SIGKILL); any = 1; }
      fclose(f);
      if (!any) break;
      usleep(1000);
    }
  }
  while (waitpid(-1, 0, 0) > 0 || errno == EINTR) {}
  int exec_errno = 0;
  if (read(ep[0], &exec_errno, sizeof exec_errno) != sizeof exec_errno) exec_errno = 0;
  struct rusage ru; getrusage(RUSAGE_CHILDREN, &ru);
  long long cpu_us = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  char line[160];
  int n = snprintf(line, sizeof line, "%d %d %d %lld %ld %lld\n", exec_errno, status, timed_out, cpu_us, ru.ru_maxrss, us_since(&t0));
  if (write(3, line, n) != n) return 126;
  return 0;
}
`;

const built = new Map<string, string>();

/** Compiles the supervisor once per cache (keyed by its source) and returns the binary's path. */
export function ensureSupervisor(cacheDir: string): string {
  const known = built.get(cacheDir);
  if (known && existsSync(known)) return known;
  const hash = createHash('sha256').update(SUPERVISOR_SOURCE).digest('hex').slice(0, 16);
  const bin = join(cacheDir, `supervise-${hash}`);
  if (!existsSync(bin)) {
    mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
    const src = join(cacheDir, `supervise-${hash}.${process.pid}.c`);
    const tmp = `${bin}.${process.pid}.tmp`;
    writeFileSync(src, SUPERVISOR_SOURCE);
    // Static when libc.a is there: no dynamic loader work on each run.
    let r = spawnSync('cc', ['-O2', '-static', '-o', tmp, src], { encoding: 'utf8' });
    for (const [cc, args] of [['cc', []], ['gcc', []], ['g++', ['-x', 'c']]] as const) {
      if (r.status === 0) break;
      r = spawnSync(cc, [...args, '-O2', '-o', tmp, src], { encoding: 'utf8' });
    }
    rmSync(src, { force: true });
    if (r.status !== 0) {
      throw new MissingDependencyError(`sandbox: cannot build the supervisor with cc (${(r.error?.message ?? r.stderr ?? '').trim().split('\n')[0]})`, 'install a C compiler: apt-get install -y build-essential');
    }
    chmodSync(tmp, 0o755);
    renameSync(tmp, bin);
  }
  built.set(cacheDir, bin);
  return bin;
}
