import type { Command } from 'commander';
import path from 'node:path';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { planHasErrors } from '../../../shared/domain/flash-plan.js';
import { isAppError } from '../../core/app-error.js';
import { journalDir } from '../../core/app-paths.js';
import { runFlashSession } from '../../flash/flash-session.js';
import { parseTimeoutOverrides } from '../../flash/stage-timeouts.js';
import { loadFlashLayout } from '../../layout/load-flash-layout.js';
import { logFlashEvents } from '../../session/app-log-flash.js';
import { openCliAppLog } from '../../session/app-log.js';
import { JournalWriter } from '../../session/journal/journal-writer.js';
import { openCliBus, parseSimSpec, parseSimSpeed } from '../cli-bus.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../cli-io.js';
import { FlashEventPrinter } from '../format/flash-event-printer.js';
import type { CommandRun } from '../run-cli.js';
import { parseTargetSpec, resolveTarget } from '../target-spec.js';
import { appPackageVersion } from '../../host/versions.js';
import { printLayoutProblems } from './layout-problems-output.js';

interface FlashOptions {
  write: string;
  connect?: string[];
  port?: string;
  serial?: string;
  sim?: string;
  simSpeed: string;
  json?: boolean;
  timeout: string[];
  journal?: string;
  /** false with --no-detach. */
  detach: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `stm32mp-flash flash -w <layout.tsv> [-c port=usb1 | --port <path> | --serial <sn>] [--sim <soc>[:<scenario>]]`
 * Exit 0 flashed, 3 the flash failed (the output carries the symptom and causes), 2 bad input.
 */
export function registerFlashCommand(program: Command, io: CliIo, run: CommandRun): void {
  program
    .command('flash')
    .description('flash a board from a FlashLayout, following it across its re-enumerations')
    .requiredOption('-w, --write <layout>', 'FlashLayout .tsv to flash')
    .option(
      '-c, --connect <spec>',
      'STM32_Programmer_CLI style: port=usb1, port=<port path>, sn=<serial>',
      collect,
      [],
    )
    .option('--port <path>', 'the board on this USB port path (see `list`), e.g. 1-2.3')
    .option('--serial <sn>', 'the board with this serial number')
    .option(
      '--sim <soc[:scenario]>',
      'use a built-in simulated board: mp15, mp13 or mp25, optionally with a fault scenario',
    )
    .option(
      '--sim-speed <factor>',
      'simulated board speed: 1 = real, 10 = ten times faster, 0 = instant',
      '1',
    )
    .option('--json', 'one JSON FlashEvent per line; the last line is the outcome')
    .option(
      '--timeout <stage=seconds>',
      'override a wait: start, after-fsbl, after-ddr-fip, after-fip, after-layout, control, drain',
      collect,
      [],
    )
    .option('--journal <dir>', 'where the session journal goes (default: the app data folder)')
    .option(
      '--no-detach',
      "leave the board in U-Boot's stm32prog after the last partition, for `download` / `upload` of single partitions",
    )
    .action(async (options: FlashOptions) => {
      const timeouts = parseTimeoutOverrides(options.timeout);
      const target = parseTargetSpec(options);
      const sim = options.sim ? parseSimSpec(options.sim) : null;
      const timeScale = parseSimSpeed(options.simSpeed);
      const plan = await loadFlashLayout(path.resolve(io.cwd, options.write), { soc: sim?.soc ?? null });
      if (planHasErrors(plan)) {
        printLayoutProblems(io, plan, options.json === true);
        run.exitCode = EXIT.badInput;
        return;
      }
      const cliBus = await openCliBus({ sim, timeScale });
      try {
        const boards =
          target.usbIndex !== null ? await cliBus.bus.list({ timeoutMs: timeouts.controlMs }) : [];
        const journal = await openJournal(io, options.journal);
        if (journal === 'refused') {
          run.exitCode = EXIT.badInput;
          return;
        }
        const printer = new FlashEventPrinter(io.stdout, io.isTty);
        const note = (text: string): void => (options.json ? io.stderr(text) : io.stdout(text));
        if (journal) note(`Journal: ${journal.filePath}\n`);
        const logEvent = logFlashEvents(openCliAppLog(io.env, io.stderr), journal?.filePath ?? null);
        const result = await runFlashSession(
          {
            bus: cliBus.bus,
            clock: cliBus.clock,
            host: cliBus.host,
            appVersion: appPackageVersion() ?? '0.0.0',
            onEvent: (event: FlashEvent) => {
              logEvent(event);
              journal?.write(event);
              if (options.json) io.stdout(`${JSON.stringify(event)}\n`);
              else printer.print(event);
            },
          },
          {
            plan,
            target: resolveTarget(target, boards),
            timeouts,
            detachAtEnd: options.detach,
            ...(io.signal ? { signal: io.signal } : {}),
          },
        );
        if (result.ok && !options.detach) {
          note(
            "The board stays in U-Boot's stm32prog (no DETACH): `stm32mp-flash download --alt <name> <file>` " +
              'rewrites one partition, `upload` reads one back; reset the board to boot what was flashed.\n',
          );
        }
        if (journal) {
          await journal
            .close()
            .catch((error: unknown) => io.stderr(`warning: ${(error as Error).message}\n`));
          note(`Journal: ${journal.filePath}\n`);
        }
        run.exitCode = result.ok ? EXIT.ok : EXIT.flashFailed;
      } finally {
        await cliBus.close();
      }
    });
}

/**
 * The journal is written while the session runs. An explicit --journal that cannot be written is bad
 * input; the default folder failing (a read-only home) is only a warning: the flash goes on.
 */
async function openJournal(
  io: CliIo,
  explicitDir: string | undefined,
): Promise<JournalWriter | null | 'refused'> {
  const dir = explicitDir ? path.resolve(io.cwd, explicitDir) : journalDir(io.env);
  const sessionId = Math.random().toString(16).slice(2, 10);
  try {
    return await JournalWriter.create(dir, sessionId, new Date());
  } catch (error) {
    const message = isAppError(error) ? error.message : String(error);
    if (explicitDir) {
      io.stderr(`stm32mp-flash: ${message}\n  Choose a writable folder with --journal <dir>.\n`);
      return 'refused';
    }
    io.stderr(
      `warning: no session journal: ${message}\n  Set STM32MP_FLASH_HOME or pass --journal <dir> to keep one.\n`,
    );
    return null;
  }
}
