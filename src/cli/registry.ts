// The CLI's one registry of subcommands. Each command file registers itself with a name, a
// one-line summary, examples for `--help`, and a function that declares its arguments and action.
import type { Command } from 'commander';
import { Registry } from '../registry.js';

export interface CommandSpec {
  name: string;
  summary: string;
  /** Shown under "Examples:" in the command's --help. */
  examples: readonly string[];
  /** Declares arguments, options and sub-subcommands on `cmd`, and its action. */
  define(cmd: Command): void;
}

const registry = new Registry<CommandSpec>('cli: command', (s) => s.name);

export function registerCommand(spec: CommandSpec): void {
  registry.register(spec);
}

export function registeredCommands(): CommandSpec[] {
  return registry.all();
}

/** Appends an "Examples:" block to a command's help. */
export function withExamples(cmd: Command, examples: readonly string[]): Command {
  if (examples.length) cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  return cmd;
}

/** A `fathom bench <name>` subcommand, registered from the system that owns the benchmark. */
export interface BenchSpec {
  name: string;
  define(parent: Command): void;
}

const benches = new Registry<BenchSpec>('cli: bench', (s) => s.name);

export function registerBench(spec: BenchSpec): void {
  benches.register(spec);
}

export function registeredBenches(): BenchSpec[] {
  return benches.all();
}
