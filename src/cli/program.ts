// Builds the `fathom` command: global flags, every registered subcommand, help with examples,
// and errors mapped to exit codes (0 ok, 1 failure, 2 usage error).
import { Command, CommanderError } from 'commander';
import { FathomError } from '../errors.js';
import { VERSION } from '../version.js';
import { registeredCommands, withExamples } from './registry.js';
import './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('fathom')
    .description('fathom: train, compress, watermark, plan and evaluate language models, on a laptop CPU and against any model endpoint.')
    .version(VERSION, '-V, --version', 'print the fathom version')
    .option('--json', 'print machine-readable JSON on stdout')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'print more detail about what is happening')
    .option('-w, --workspace <dir>', 'workspace folder holding fathom.db and artifacts/ (default: $FATHOM_HOME or ./.fathom)')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true);
  withExamples(program, ['fathom doctor', 'fathom runs ls --json', 'fathom reproduce --quick']);
  for (const spec of registeredCommands()) {
    const cmd = program.command(spec.name).description(spec.summary);
    spec.define(cmd);
    withExamples(cmd, spec.examples);
  }
  applyExitOverride(program);
  return program;
}

function applyExitOverride(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) applyExitOverride(sub);
}

/** Runs the CLI on `argv` (without node and script), returning the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // commander has already printed the message
    }
    if (err instanceof FathomError) {
      process.stderr.write(`fathom: ${err.message}\n`);
      if (program.opts<{ verbose?: boolean }>().verbose && err.stack) process.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    process.stderr.write(`fathom: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.stderr.write('This is a bug in fathom; please report it with the command you ran.\n');
    return 1;
  }
}
