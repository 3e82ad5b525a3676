// The CLI's one registry of subcommands. Each command file registers itself with a name, a
// one-line summary, examples for `--help`, and a function that declares its arguments and action.
import type { Command } from 'commander';

export interface CommandSpec {
  name: string;
  summary: string;
  /** Shown under "Examples:" in the command's --help. */
  examples: readonly string[];
  /** Declares arguments, options and sub-subcommands on `cmd`, and its action. */
  define(cmd: Command): void;
}

const registry = new Map<string, CommandSpec>();

export function registerCommand(spec: CommandSpec): void {
  if (registry.has(spec.name)) throw new Error(`cli: command "${spec.name}" is registered twice`);
  registry.set(spec.name, spec);
}

export function registeredCommands(): CommandSpec[] {
  return [...registry.values()];
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

const benches = new Map<string, BenchSpec>();

export function registerBench(spec: BenchSpec): void {
  if (benches.has(spec.name)) throw new Error(`cli: bench "${spec.name}" is registered twice`);
  benches.set(spec.name, spec);
}

export function registeredBenches(): BenchSpec[] {
  return [...benches.values()];
}
