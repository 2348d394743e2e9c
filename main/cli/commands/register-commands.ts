import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';

type Register = (program: Command, io: CliIo, run: CommandRun) => void;

/**
 * Each command lives in its own file and is loaded only when it runs: `download` does not pay for the
 * station, the bundle writer or the layout checks at start-up (seconds on a slow or emulated machine).
 * Help and unknown commands load them all, so the command list and the error stay complete.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  layout: async () => (await import('./layout-command.js')).registerLayoutCommand,
  list: async () => (await import('./list-command.js')).registerListCommand,
  flash: async () => (await import('./flash-command.js')).registerFlashCommand,
  sample: async () => (await import('./sample-command.js')).registerSampleCommand,
  bundle: async () => (await import('./bundle-command.js')).registerBundleCommand,
  station: async () => (await import('./station-command.js')).registerStationCommand,
  download: async () => (await import('./download-command.js')).registerDownloadCommand,
  upload: async () => (await import('./upload-command.js')).registerUploadCommand,
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

export async function registerCommands(
  program: Command,
  io: CliIo,
  run: CommandRun,
  argv: readonly string[],
): Promise<void> {
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : COMMAND_NAMES;
  const registers = await Promise.all(named.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program, io, run);
}
