import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';

/** Each command lives in its own file and registers itself here. */
export function registerCommands(_program: Command, _io: CliIo, _run: CommandRun): void {}
