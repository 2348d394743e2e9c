import { Command, CommanderError } from 'commander';
import { AppError } from '../core/app-error.js';
import type { CliIo, ExitCode } from './cli-io.js';
import { EXIT } from './cli-io.js';
import { registerCommands } from './commands/register-commands.js';

export const CLI_NAME = 'stm32mp-flash';

/** Set while a command runs; the command's action stores its exit code here. */
export interface CommandRun {
  exitCode: ExitCode;
}

/**
 * Runs the CLI in-process and resolves with the exit status. Never throws and never prints a stack
 * trace unless STM32MP_FLASH_DEBUG is set: bad input is a short, specific message and exit 2.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const run: CommandRun = { exitCode: EXIT.ok };
  const program = new Command(CLI_NAME)
    .description('Flash STM32MP1 / MP13 / MP2 boards over USB DFU from a FlashLayout .tsv')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    })
    .showHelpAfterError('(run with --help for usage)');
  try {
    await registerCommands(program, io, run, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return run.exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): ExitCode {
  if (error instanceof CommanderError) {
    // help and version land here too, with exit code 0
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof AppError) {
    io.stderr(`${CLI_NAME}: ${error.message}\n`);
    if (error.hint) io.stderr(`  ${error.hint}\n`);
    if (io.env.STM32MP_FLASH_DEBUG) io.stderr(`${error.stack ?? ''}\n`);
    return error.code === 'internal' ? EXIT.internal : EXIT.badInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`${CLI_NAME}: internal error: ${message}\n`);
  io.stderr(
    '  This is a bug in stm32mp-flash. Re-run with STM32MP_FLASH_DEBUG=1 and attach the output to an issue.\n',
  );
  if (io.env.STM32MP_FLASH_DEBUG && error instanceof Error) io.stderr(`${error.stack ?? ''}\n`);
  return EXIT.internal;
}
