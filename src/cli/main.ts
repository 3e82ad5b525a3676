#!/usr/bin/env -S node --single-threaded-gc
// The `fathom` executable. It runs with V8's garbage collector on the main thread: its background
// GC threads otherwise take turns on the cores the engine's GEMMs and kernels are using, and a
// parallel kernel waits for its slowest thread. On 2 cores a train step is 10–13% faster this way
// (`fathom bench train-step`: 372–384 ms against 426–440 ms per step); `fathom doctor` reports
// the GC mode of the process it runs in.
import { runCli } from './program.js';

// Output piped into a reader that stops early (`fathom runs export … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
