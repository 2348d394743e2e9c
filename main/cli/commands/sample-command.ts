import type { Command } from 'commander';
import { Option } from 'commander';
import type { SocId } from '../../../shared/domain/flash-event.js';
import { AppError } from '../../core/app-error.js';
import { writeSampleLayout } from '../../sample/sample-layout.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';
import path from 'node:path';
import { formatBytes } from '../format/format-units.js';

/** `stm32mp-flash sample <dir> --soc mp15`: a FlashLayout with images of the right kind, for trying `--sim`. */
export function registerSampleCommand(program: Command, io: CliIo, run: CommandRun): void {
  program
    .command('sample')
    .description('write a sample SD-card FlashLayout with generated images (to try the tool with --sim)')
    .argument('<dir>', 'folder to write into (created if missing)')
    .addOption(
      new Option('--soc <soc>', 'SoC of the images').choices(['mp15', 'mp13', 'mp25']).default('mp15'),
    )
    .option('--rootfs-mib <n>', 'size of the generated rootfs image in MiB', '16')
    .action(async (dir: string, options: { soc: SocId; rootfsMib: string }) => {
      const rootfsMib = Number(options.rootfsMib);
      if (!Number.isInteger(rootfsMib) || rootfsMib < 1 || rootfsMib > 65536) {
        throw new AppError(
          'bad-input',
          `--rootfs-mib ${options.rootfsMib}: expected a whole number of MiB from 1 to 65536.`,
        );
      }
      const target = path.resolve(io.cwd, dir);
      const result = await writeSampleLayout(target, {
        soc: options.soc,
        rootfsBytes: rootfsMib * 1024 * 1024,
      }).catch((error: unknown) => {
        throw new AppError(
          'file-unwritable',
          `Cannot write the sample into ${target}: ${(error as Error).message}`,
          { dir: target },
        );
      });
      io.stdout(`Wrote ${result.layoutPath}\n`);
      for (const f of result.files) io.stdout(`  ${f.name.padEnd(36)} ${formatBytes(f.sizeBytes)}\n`);
      io.stdout(
        `Try it: stm32mp-flash flash -w ${path.relative(io.cwd, result.layoutPath) || result.layoutPath} --sim ${options.soc}\n`,
      );
      run.exitCode = EXIT.ok;
    });
}
