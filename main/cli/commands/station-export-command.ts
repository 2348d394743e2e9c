import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { AppError } from '../../core/app-error.js';
import { exportRecordsCsv } from '../../station/records/export-records-csv.js';
import { recordsFilePath } from '../../station/records/read-station-records.js';
import type { CliIo } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';

interface StationExportOptions {
  output?: string;
}

/** `stm32mp-flash station export <records-dir> -o out.csv`: every unit record as RFC 4180 CSV for the MES. */
export function registerStationExportCommand(station: Command, io: CliIo, _run: CommandRun): void {
  station
    .command('export <records-dir>')
    .description('export the unit records of a records folder as CSV (RFC 4180) for the MES')
    .option('-o, --output <file>', 'the CSV file to write (default: standard output)')
    .action(async (recordsArg: string, options: StationExportOptions) => {
      const recordsDir = path.resolve(io.cwd, recordsArg);
      const records = await stat(recordsFilePath(recordsDir)).catch(() => null);
      if (!records?.isFile()) {
        throw new AppError(
          'file-not-found',
          `${recordsDir} holds no station records (${path.basename(recordsFilePath(recordsDir))}).`,
          { path: recordsDir },
          "Give the station's records folder (the profile's recordsDir).",
        );
      }
      const outputPath =
        options.output === undefined || options.output === '-' ? null : path.resolve(io.cwd, options.output);
      const output = outputPath
        ? createWriteStream(outputPath, { flags: 'w' })
        : new Writable({
            write(chunk: Buffer | string, _encoding, callback) {
              io.stdout(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
              callback();
            },
          });
      let skipped = 0;
      try {
        const { units } = await exportRecordsCsv(recordsDir, output, {
          onProblem: () => skipped++,
          ...(io.signal ? { signal: io.signal } : {}),
        });
        if (outputPath) io.stderr(`${units} unit record(s) written to ${outputPath}\n`);
        if (skipped > 0)
          io.stderr(`warning: ${skipped} line(s) of the records were not records and were skipped\n`);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError(
          'file-unwritable',
          `Cannot write ${outputPath ?? 'the CSV'}: ${(error as Error).message}.`,
          { path: outputPath },
        );
      }
    });
}
