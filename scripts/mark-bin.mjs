#!/usr/bin/env node
// Makes the `fathom` bin executable after every build. npm sets the mode when it installs a
// package, but `npx fathom` in a checkout links the project itself into npx's cache once, and
// later builds (tsc writes dist/ afresh) would otherwise leave dist/cli/main.js non-executable.
import { chmodSync, existsSync } from 'node:fs';

const bin = 'dist/cli/main.js';
if (existsSync(bin)) chmodSync(bin, 0o755);
