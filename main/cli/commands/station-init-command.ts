import type { Command } from 'commander';
import path from 'node:path';
import type { SocId } from '../../../shared/domain/flash-event.js';
import { planHasErrors } from '../../../shared/domain/flash-plan.js';
import { AppError } from '../../core/app-error.js';
import { systemClock } from '../../core/clock.js';
import { TIMEOUT_NAMES } from '../../flash/stage-timeouts.js';
import { loadFlashLayout } from '../../layout/load-flash-layout.js';
import { createStationProfile } from '../../station/create-station-profile.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../cli-io.js';
import { formatBytes } from '../format/format-units.js';
import type { CommandRun } from '../run-cli.js';
import { printLayoutProblems } from './layout-problems-output.js';
import { readNewPin } from './station-pin-input.js';

interface StationInitOptions {
  layout: string;
  slot: string[];
  soc?: string;
  serialPattern?: string;
  autoStart?: boolean;
  records?: string;
  name?: string;
  timeout: string[];
  startStaggerMs: string;
  pinPrompt?: boolean;
  pinStdin?: boolean;
  output: string;
  force?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const SOCS: readonly SocId[] = ['mp15', 'mp13', 'mp25'];

/**
 * `stm32mp-flash station init --layout <tsv> --slot A=1-2 … (--pin-prompt | --pin-stdin) -o <profile>`:
 * an engineer's action. Pins the layout and every binary it sends by SHA-256 and stores the admin
 * PIN as a salted scrypt hash.
 */
export function registerStationInitCommand(station: Command, io: CliIo, run: CommandRun): void {
  station
    .command('init')
    .description('create a station profile: layout and binaries pinned by SHA-256, slots, admin PIN')
    .requiredOption('--layout <tsv>', 'the FlashLayout the station flashes')
    .option(
      '--slot <label=port>',
      'a jig slot and its USB port path, e.g. A=1-1.2 (repeat; see `station learn`)',
      collect,
      [],
    )
    .option('--soc <soc>', 'the SoC the station flashes (default: told from the images): mp15, mp13, mp25')
    .option('--serial-pattern <regex>', 'only flash boards whose whole serial matches, e.g. "[0-9A-F]{24}"')
    .option('--auto-start', 'start flashing as soon as a board appears in a slot')
    .option('--records <dir>', 'where unit records and journals go (default: records/ next to the profile)')
    .option('--name <name>', 'the station name shown to operators (default: the profile file name)')
    .option('--timeout <stage=seconds>', 'override a wait, as for `flash` (e.g. after-fip=60)', collect, [])
    .option('--start-stagger-ms <ms>', 'delay between slot starts in one round', '0')
    .option('--pin-prompt', 'type the admin PIN (twice, not echoed)')
    .option('--pin-stdin', 'read the admin PIN from one line of standard input (automation)')
    .requiredOption('-o, --output <profile>', 'the profile file to write (.json)')
    .option('--force', 'replace an existing profile file')
    .action(async (options: StationInitOptions) => {
      if (options.pinPrompt === options.pinStdin) {
        throw new AppError(
          'bad-input',
          'Give exactly one of --pin-prompt and --pin-stdin for the admin PIN.',
        );
      }
      const slots = parseSlots(options.slot);
      const soc = options.soc === undefined ? null : parseSoc(options.soc);
      const staggerMs = Number(options.startStaggerMs);
      if (!/^\d+$/.test(options.startStaggerMs) || staggerMs > 10_000)
        throw new AppError('bad-input', `--start-stagger-ms ${options.startStaggerMs}: expected 0 to 10000.`);
      const timeoutsSeconds = parseTimeouts(options.timeout);
      const layoutPath = path.resolve(io.cwd, options.layout);
      const plan = await loadFlashLayout(layoutPath, {
        hash: true,
        soc,
        ...(io.signal ? { signal: io.signal } : {}),
      });
      if (planHasErrors(plan)) {
        printLayoutProblems(io, plan, false);
        run.exitCode = EXIT.badInput;
        return;
      }
      const pin = await readNewPin(io, options.pinPrompt ? 'prompt' : 'stdin');
      const profilePath = path.resolve(io.cwd, options.output);
      const created = await createStationProfile(
        {
          profilePath,
          layoutPath,
          plan,
          slots,
          pin,
          soc,
          serialPattern: options.serialPattern ?? null,
          autoStart: options.autoStart === true,
          timeoutsSeconds,
          startStaggerMs: staggerMs,
          overwrite: options.force === true,
          ...(options.records !== undefined ? { recordsDir: path.resolve(io.cwd, options.records) } : {}),
          ...(options.name !== undefined ? { name: options.name } : {}),
        },
        { clock: systemClock, ...(io.signal ? { signal: io.signal } : {}) },
      );
      const profile = created.profile;
      io.stdout(`Station profile written: ${profilePath}\n`);
      io.stdout(`  name      ${profile.name}\n`);
      io.stdout(`  layout    ${profile.layout.path}  sha256 ${profile.layout.sha256}\n`);
      io.stdout(`  binaries  ${profile.binaries.length} pinned (${formatBytes(created.pinnedBytes)})\n`);
      io.stdout(`  soc       ${profile.soc}\n`);
      io.stdout(`  slots     ${profile.slots.map((s) => `${s.label}=${s.portPath}`).join('  ')}\n`);
      io.stdout(
        `  start     ${profile.autoStart ? 'automatic when a board appears' : 'operator presses Start'}\n`,
      );
      if (profile.serialPattern) io.stdout(`  serials   must match ${profile.serialPattern}\n`);
      io.stdout(`  records   ${profile.recordsDir}\n`);
    });
}

function parseSlots(specs: readonly string[]): { label: string; portPath: string }[] {
  if (specs.length === 0) {
    throw new AppError(
      'bad-input',
      'Give at least one --slot <label>=<port path>.',
      {},
      'Find the port paths with `stm32mp-flash station learn --slots A,B,C,D`.',
    );
  }
  return specs.map((spec) => {
    const match = /^([^=]+)=(.+)$/.exec(spec.trim());
    if (!match)
      throw new AppError('bad-input', `--slot ${spec}: expected <label>=<port path>, e.g. A=1-1.2.`, {
        spec,
      });
    return { label: match[1]!, portPath: match[2]! };
  });
}

function parseSoc(text: string): SocId {
  const soc = SOCS.find((s) => s === text);
  if (!soc) throw new AppError('bad-input', `--soc ${text}: expected one of ${SOCS.join(', ')}.`, { text });
  return soc;
}

function parseTimeouts(specs: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const spec of specs) {
    const match = /^([a-z-]+)=(\d+(?:\.\d+)?)$/.exec(spec.trim());
    if (!match || !TIMEOUT_NAMES[match[1]!]) {
      throw new AppError(
        'bad-input',
        `--timeout ${spec}: expected <stage>=<seconds>, with <stage> one of ${Object.keys(TIMEOUT_NAMES).join(', ')}.`,
        { spec },
      );
    }
    result[match[1]!] = Number(match[2]);
  }
  return result;
}
