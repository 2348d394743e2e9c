import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';
import { registerBundleCommand } from './bundle-command.js';
import { registerDownloadCommand } from './download-command.js';
import { registerFlashCommand } from './flash-command.js';
import { registerLayoutCommand } from './layout-command.js';
import { registerListCommand } from './list-command.js';
import { registerSampleCommand } from './sample-command.js';
import { registerStationCommand } from './station-command.js';
import { registerUploadCommand } from './upload-command.js';

/** Each command lives in its own file and registers itself here. */
export function registerCommands(program: Command, io: CliIo, run: CommandRun): void {
  registerLayoutCommand(program, io, run);
  registerListCommand(program, io, run);
  registerFlashCommand(program, io, run);
  registerSampleCommand(program, io, run);
  registerBundleCommand(program, io, run);
  registerStationCommand(program, io, run);
  registerDownloadCommand(program, io, run);
  registerUploadCommand(program, io, run);
}
