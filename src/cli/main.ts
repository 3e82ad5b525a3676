#!/usr/bin/env node
// The `fathom` executable.
import { runCli } from './program.js';

// Output piped into a reader that stops early (`fathom runs export … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
