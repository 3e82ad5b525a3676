// What every command shares: the global flags (--json, --quiet, --verbose, --workspace), the
// store of the chosen workspace, and printing a result either as JSON or for people.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { StoreError } from '../errors.js';
import { setLogLevel } from '../log/index.js';
import { Store, resolveWorkspace } from '../store/index.js';

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  workspace: string;
}

export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{ json?: boolean; quiet?: boolean; verbose?: boolean; workspace?: string }>();
  const options = {
    json: o.json === true,
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    workspace: resolveWorkspace(o.workspace),
  };
  setLogLevel(options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal');
  return options;
}

/**
 * Opens the workspace's store for the duration of `fn`. Commands that only read pass
 * `create: false`, so looking at an empty folder does not create a workspace in it.
 */
export async function withStore<T>(options: GlobalOptions, fn: (store: Store) => T | Promise<T>, { create = true } = {}): Promise<T> {
  if (!create && !existsSync(join(options.workspace, 'fathom.db'))) {
    throw new StoreError(`no fathom store in ${options.workspace}`, 'pass --workspace (or set FATHOM_HOME) to the folder your runs were written to');
  }
  const store = new Store(options.workspace);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** Prints a command's result: JSON on stdout with --json, else the human rendering. */
export function emit(options: GlobalOptions, result: unknown, human: () => string): void {
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const text = human();
    if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** A fixed-width text table for terminals. */
export function textTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  return cells
    .map((r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/** `withStore` for commands that need runs to exist already: never creates a workspace. */
export function withExistingStore<T>(options: GlobalOptions, fn: (store: Store) => T | Promise<T>): Promise<T> {
  return withStore(options, fn, { create: false });
}
