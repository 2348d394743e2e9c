import type { Command } from 'commander';
import { formatVidPid } from '../../../shared/domain/board-identity.js';
import { stageInfoOf } from '../../flash/stage-info.js';
import { openCliBus, parseSimSpec } from '../cli-bus.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';

const STAGE_WORDS: Record<string, string> = {
  rom: 'ROM',
  tfa: 'TF-A',
  'uboot-layout': 'U-Boot',
  'uboot-partitions': 'U-Boot (2nd)',
  unknown: '?',
};

/** `stm32mp-flash list [--json] [--all] [--sim <soc>]`: boards on the bus with stage, SoC, serial, port path, speed. */
export function registerListCommand(program: Command, io: CliIo, run: CommandRun): void {
  program
    .command('list')
    .description('list the STM32MP boards in USB DFU mode')
    .option('--json', 'print one JSON array')
    .option('--all', 'also list USB devices that are not STM32MP DFU boards')
    .option('--sim <soc[:scenario]>', 'list a built-in simulated board instead of the real bus')
    .action(async (options: { json?: boolean; all?: boolean; sim?: string }) => {
      const cliBus = await openCliBus({ sim: options.sim ? parseSimSpec(options.sim) : null, timeScale: 0 });
      try {
        const identities = await cliBus.bus.list({ timeoutMs: 5_000, all: options.all === true });
        const boards = [...identities]
          .sort((a, b) => a.portPath.localeCompare(b.portPath, 'en', { numeric: true }))
          .map((identity, i) => ({ usb: `usb${i + 1}`, ...stageInfoOf(identity), identity }));
        if (options.json) {
          io.stdout(
            `${JSON.stringify(
              boards.map((b) => ({
                usb: b.usb,
                portPath: b.identity.portPath,
                stage: b.stage,
                soc: b.soc,
                serial: b.identity.serial,
                speed: b.identity.speed,
                vidPid: formatVidPid(b.identity),
                product: b.identity.product,
                alts: b.identity.alts,
              })),
            )}\n`,
          );
        } else if (boards.length === 0) {
          io.stdout(
            'No STM32MP board in USB DFU mode. Set the boot pins to USB (serial) boot, plug the OTG port, reset the board.\n',
          );
        } else {
          io.stdout(
            `${'#'.padEnd(6)}${'PORT'.padEnd(12)}${'STAGE'.padEnd(14)}${'SOC'.padEnd(6)}${'SERIAL'.padEnd(26)}${'SPEED'.padEnd(7)}ID\n`,
          );
          for (const b of boards) {
            io.stdout(
              `${b.usb.padEnd(6)}${b.identity.portPath.padEnd(12)}${(STAGE_WORDS[b.stage] ?? b.stage).padEnd(14)}${(b.soc ?? '?').padEnd(6)}${(b.identity.serial ?? '(none)').padEnd(26)}${b.identity.speed.padEnd(7)}${formatVidPid(b.identity)}\n`,
            );
          }
        }
        run.exitCode = EXIT.ok;
      } finally {
        await cliBus.close();
      }
    });
}
