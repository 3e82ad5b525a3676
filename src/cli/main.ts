#!/usr/bin/env -S node --single-threaded-gc
// The `fathom` executable. It runs with V8's garbage collector on the main thread: its background
// GC threads otherwise take turns on the cores the engine's GEMMs and kernels are using, and a
// parallel kernel waits for its slowest thread. On one 2-core machine a train step took 12–13%
// less time this way (`fathom bench train-step`: 372–384 ms against 426–440 ms per step; on an
// older one the difference was within the noise). `fathom doctor` reports the process's GC mode.
import { runCli } from './program.js';

// Output piped into a reader that stops early (`fathom runs export … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
