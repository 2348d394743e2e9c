import type { Command } from 'commander';
import type { AltSettingInfo, BoardIdentity } from '../../../shared/domain/board-identity.js';
import { AppError } from '../../core/app-error.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { DfuClient } from '../../dfu/dfu-client.js';
import type { DownloadEnd } from '../../dfu/dfu-download.js';
import { BoardFollower } from '../../flash/board-follower.js';
import { stageInfoOf } from '../../flash/stage-info.js';
import { parseAltName } from '../../stm32mp/alt-name.js';
import { resolveAltNames } from '../../stm32mp/alt-map.js';
import { detectStage } from '../../stm32mp/stage-detect.js';
import { getStageProfile } from '../../stm32mp/soc-quirks.js';
import type { UsbBus } from '../../transport/usb-transport.js';
import { createUsbBackend } from '../../usb/usb-backend.js';
import { openCliBus, parseSimSpec, parseSimSpeed } from '../cli-bus.js';
import { parseTargetSpec, resolveTarget, type TargetSpec } from '../target-spec.js';

/**
 * What `download` and `upload` share: the board options (as `flash` has them), finding the board,
 * opening its DFU interface and resolving `--alt <n|name|0xID>` against the alternate names.
 */
export interface AltCommandOptions {
  alt: string;
  connect?: string[];
  port?: string;
  serial?: string;
  sim?: string;
  simSpeed: string;
  json?: boolean;
  wait: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addAltCommandOptions(command: Command): Command {
  return command
    .requiredOption(
      '-a, --alt <alt>',
      'alternate setting: its index (3), its phase ID (0x11) or its name (rootfs, "FSBL")',
    )
    .option(
      '-c, --connect <spec>',
      'STM32_Programmer_CLI style: port=usb1, port=<port path>, sn=<serial>',
      collect,
      [],
    )
    .option('--port <path>', 'the board on this USB port path (see `list`), e.g. 1-2.3')
    .option('--serial <sn>', 'the board with this serial number')
    .option('--sim <soc[:scenario]>', 'use a built-in simulated board (it starts in the ROM code)')
    .option(
      '--sim-speed <factor>',
      'simulated board speed: 1 = real, 10 = ten times faster, 0 = instant',
      '1',
    )
    .option('--wait <seconds>', 'how long to wait for the board to appear', '5')
    .option('--json', 'one JSON object per line (start, progress, end); the last line is the outcome');
}

export function parseWaitSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new AppError('bad-input', `--wait ${text}: expected a number of seconds ≥ 0.`, { text });
  }
  return seconds * 1000;
}

export interface AltSelection {
  index: number;
  /** The alternate's string as the device gives it, or null. */
  name: string | null;
}

/**
 * `--alt`: a decimal index, a phase ID (`0x11`, ST alt names carry it), or a name compared with the
 * whole alternate string or with the ST name before `/` (`rootfs` matches `@rootfs/0x11/1*…`),
 * case-insensitively. An ambiguous name is refused rather than guessed.
 */
export function selectAlt(spec: string, alts: readonly AltSettingInfo[]): AltSelection {
  const text = spec.trim();
  const pick = (found: AltSettingInfo[], what: string): AltSelection => {
    if (found.length === 1) return { index: found[0]!.index, name: found[0]!.name };
    const list = alts.map((a) => `${a.index}: ${a.name ?? '(no name)'}`).join(', ');
    if (found.length > 1) {
      throw new AppError(
        'bad-input',
        `--alt ${spec}: ${what} matches ${found.length} alternates (${found.map((a) => a.index).join(', ')}).`,
        { alt: spec },
        `Give the index instead. Alternates: ${list}.`,
      );
    }
    throw new AppError(
      'alt-not-found',
      `--alt ${spec}: the board has no such alternate at this stage.`,
      { alt: spec, alts: alts.map((a) => ({ index: a.index, name: a.name })) },
      `Alternates: ${list}.`,
    );
  };
  if (/^\d+$/.test(text))
    return pick(
      alts.filter((a) => a.index === Number(text)),
      'the index',
    );
  if (/^0x[0-9a-f]{1,2}$/i.test(text)) {
    const phaseId = parseInt(text, 16);
    return pick(
      alts.filter((a) => parseAltName(a.name)?.phaseId === phaseId),
      `phase ID ${text}`,
    );
  }
  const wanted = text.toLowerCase();
  const exact = alts.filter((a) => a.name?.trim().toLowerCase() === wanted);
  if (exact.length > 0) return pick(exact, 'the name');
  return pick(
    alts.filter((a) => parseAltName(a.name)?.name.toLowerCase() === wanted),
    'the name',
  );
}

/** Finds the one board the options designate, waiting up to `waitMs` for it to enumerate. */
export async function findTargetBoard(
  bus: UsbBus,
  clock: Clock,
  spec: TargetSpec,
  options: { waitMs: number; controlMs: number; signal?: AbortSignal },
): Promise<BoardIdentity> {
  const boards = spec.usbIndex !== null ? await bus.list({ timeoutMs: options.controlMs }) : [];
  const follower = new BoardFollower(
    { bus, clock, classify: stageInfoOf, emit: () => undefined },
    resolveTarget(spec, boards),
  );
  follower.start();
  try {
    return await follower.findInitial({
      timeoutMs: Math.max(1, options.waitMs),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'reenumeration-timeout') {
      throw new AppError(
        'device-not-found',
        `No STM32MP board in USB DFU mode appeared within ${Math.round(options.waitMs / 1000)} s.`,
        { waitMs: options.waitMs },
        'Put the board in serial (USB) boot mode, plug it in, and check `stm32mp-flash list`.',
      );
    }
    throw error;
  } finally {
    follower.stop();
  }
}

export interface OpenedAlt {
  identity: BoardIdentity;
  client: DfuClient;
  alt: AltSelection;
  /** "ROM, stm32mp15" for messages; null when unknown. */
  stageText: string | null;
  /** What ends a download at this stage (the MP15 ROM jumps at dfuMANIFEST), from the quirks table. */
  downloadEnd: DownloadEnd;
}

/** Opens the board's DFU interface and resolves `--alt`. The caller closes `client`. */
export async function openAlt(
  bus: UsbBus,
  clock: Clock,
  identity: BoardIdentity,
  altSpec: string,
  options: { controlMs: number; signal?: AbortSignal },
): Promise<OpenedAlt> {
  const call = { timeoutMs: options.controlMs, ...(options.signal ? { signal: options.signal } : {}) };
  const transport = await bus.open(identity.connectionId, call);
  let client: DfuClient | null = null;
  try {
    client = await DfuClient.open(transport, { clock, timeouts: { controlMs: options.controlMs } }, call);
    const alt = selectAlt(altSpec, await resolveAltNames(client, identity.alts, call));
    const detected = detectStage(identity);
    const known = detected.family !== null && detected.stage !== 'unknown';
    return {
      identity,
      client,
      alt,
      stageText: known ? `${detected.stage}, ${detected.soc ?? detected.family}` : null,
      downloadEnd:
        detected.family !== null && detected.stage !== 'unknown'
          ? getStageProfile(detected.family, detected.stage).behaviour.downloadEnd
          : 'idle',
    };
  } catch (error) {
    await (client ? client.close() : transport.close());
    throw error;
  }
}

export function targetSpecOf(options: AltCommandOptions): TargetSpec {
  return parseTargetSpec(options);
}

/**
 * The bus for `download` / `upload`: the simulated board of --sim, or the production backend. Unlike
 * `flash`, no host probe (VM detection, udev rule checks spawn processes): these commands report no
 * preflight, and start-up time is part of what a one-partition tool is judged on.
 */
export async function openAltCommandBus(
  options: AltCommandOptions,
): Promise<{ bus: UsbBus; clock: Clock; close(): Promise<void> }> {
  if (options.sim) {
    const cliBus = await openCliBus({
      sim: parseSimSpec(options.sim),
      timeScale: parseSimSpeed(options.simSpeed),
    });
    return { bus: cliBus.bus, clock: cliBus.clock, close: () => cliBus.close() };
  }
  const bus = createUsbBackend({ clock: systemClock });
  return { bus, clock: systemClock, close: () => bus.close() };
}
