import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';
import { registerStationExportCommand } from './station-export-command.js';
import { registerStationInitCommand } from './station-init-command.js';
import { registerStationLearnCommand } from './station-learn-command.js';
import { registerStationRunCommand } from './station-run-command.js';

/**
 * `stm32mp-flash station …`: `station <profile>` runs a profile headless (the default subcommand,
 * also `station run <profile>`); `init`, `learn` and `export` are the engineer's tools around it.
 */
export function registerStationCommand(program: Command, io: CliIo, run: CommandRun): void {
  const station = program
    .command('station')
    .description('production station: run a locked profile on several boards at once; init, learn, export');
  registerStationRunCommand(station, io, run);
  registerStationInitCommand(station, io, run);
  registerStationLearnCommand(station, io, run);
  registerStationExportCommand(station, io, run);
}
