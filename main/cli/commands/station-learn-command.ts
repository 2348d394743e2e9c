import type { Command } from 'commander';
import { AppError } from '../../core/app-error.js';
import { systemClock } from '../../core/clock.js';
import { SimulatedBus, createSimulatedBoard } from '../../sim/index.js';
import type { LearnedSlot } from '../../station/learn-slots.js';
import { learnSlots } from '../../station/learn-slots.js';
import type { UsbBus } from '../../transport/usb-transport.js';
import { createUsbBackend } from '../../usb/usb-backend.js';
import type { CliIo } from '../cli-io.js';
import type { CommandRun } from '../run-cli.js';

interface StationLearnOptions {
  slots: string;
  sim?: string;
  timeout: string;
  json?: boolean;
}

/**
 * `stm32mp-flash station learn --slots A,B,C,D [--sim <n>]`: plug one board into each jig position
 * in turn; prints the `--slot` arguments for `station init`.
 */
export function registerStationLearnCommand(station: Command, io: CliIo, _run: CommandRun): void {
  station
    .command('learn')
    .description('learn the jig: plug a board into each slot in turn and get its USB port path')
    .requiredOption('--slots <labels>', 'slot labels in the order you will plug the boards, e.g. A,B,C,D')
    .option('--sim <n>', 'plug n simulated boards, one per slot, instead of real ones')
    .option('--timeout <seconds>', 'how long to wait for each board', '300')
    .option('--json', 'print {"slots":[{"label","portPath"}…]} instead of text')
    .action(async (options: StationLearnOptions) => {
      const labels = options.slots.split(',').map((label) => label.trim());
      if (labels.some((label) => label === '') || new Set(labels).size !== labels.length)
        throw new AppError(
          'bad-input',
          `--slots ${options.slots}: expected distinct labels separated by commas, e.g. A,B,C,D.`,
        );
      const timeoutS = Number(options.timeout);
      if (!(timeoutS > 0 && timeoutS <= 3600))
        throw new AppError('bad-input', `--timeout ${options.timeout}: expected 1 to 3600 seconds.`);
      const simCount = options.sim === undefined ? null : Number(options.sim);
      if (simCount !== null && !(Number.isInteger(simCount) && simCount >= 1 && simCount <= 13))
        throw new AppError('bad-input', `--sim ${options.sim}: expected a number of boards from 1 to 13.`);
      const simBus = simCount === null ? null : new SimulatedBus({ clock: systemClock });
      const bus: UsbBus = simBus ?? createUsbBackend({ clock: systemClock });
      let plugged = 0;
      try {
        const learned = await learnSlots({
          bus,
          clock: systemClock,
          labels,
          timeoutMs: timeoutS * 1000,
          ...(io.signal ? { signal: io.signal } : {}),
          onStep: (step) => {
            if (step.type === 'waiting') {
              io.stderr(
                `Plug a board (serial boot) into slot ${step.label} (${step.index + 1}/${step.total})…\n`,
              );
              if (simBus && simCount !== null && plugged < simCount) {
                plugged++;
                simBus.plug(
                  createSimulatedBoard({
                    soc: 'mp15',
                    timing: { timeScale: 0 },
                    label: `learn-${step.label}`,
                  }),
                );
              }
            } else {
              io.stderr(
                `  slot ${step.slot.label} = port ${step.slot.portPath} (serial ${step.slot.serial ?? 'none'})\n`,
              );
            }
          },
        });
        printLearned(io, learned, options.json === true);
      } finally {
        await bus.close();
      }
    });
}

function printLearned(io: CliIo, learned: LearnedSlot[], json: boolean): void {
  if (json) {
    io.stdout(`${JSON.stringify({ slots: learned.map(({ label, portPath }) => ({ label, portPath })) })}\n`);
    return;
  }
  io.stdout(`${learned.map((slot) => `--slot ${slot.label}=${slot.portPath}`).join(' ')}\n`);
}
