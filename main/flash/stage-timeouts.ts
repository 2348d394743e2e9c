import type { WaitAfter } from '../../shared/domain/flash-event.js';
import { AppError } from '../core/app-error.js';

/**
 * How long to wait for each re-enumeration and for slow transfers. Defaults follow the protocol
 * document §1.3 and §3.5: TF-A comes back in under a second on MP13/MP25; U-Boot took ~3 s after
 * TF-A's DETACH on MP15 and ST's tools wait 30 s; the second U-Boot enumeration waits for the device
 * init (GPT write and `D` erases), so it grows with the erase work the layout asks for.
 */
export interface StageTimeouts {
  /** Finding the board at the start. */
  startMs: number;
  afterFsblMs: number;
  afterDdrFipMs: number;
  afterFipMs: number;
  /** Before erase scaling; see `afterLayoutTimeoutMs`. */
  afterLayoutMs: number;
  /** Ordinary control requests (§3.5: 5 s). */
  controlMs: number;
  /** A DNLOAD that may trigger an 8 MiB drain, and the GETSTATUS after a ZLP (§3.5: ≥ 30 s). */
  drainMs: number;
}

export const DEFAULT_STAGE_TIMEOUTS: StageTimeouts = {
  startMs: 5_000,
  afterFsblMs: 10_000,
  afterDdrFipMs: 10_000,
  afterFipMs: 30_000,
  afterLayoutMs: 30_000,
  controlMs: 5_000,
  drainMs: 60_000,
};

/** A conservative erase rate: SD cards and NOR are far slower than eMMC at discarding. */
const ERASE_BYTES_PER_S = 64 * 1024 * 1024;
/** Erases whose size the layout cannot tell: a whole device (RawImage) or a boot partition / last partition. */
const FULL_DEVICE_ERASE_MS = 120_000;
const UNKNOWN_SIZE_ERASE_MS = 30_000;

/** What the layout asks U-Boot to erase before its 2nd enumeration (FlashPlan.erase). */
export interface EraseWork {
  knownBytes: number;
  fullDeviceRows: number;
  unknownSizeRows: number;
}

export function afterLayoutTimeoutMs(timeouts: StageTimeouts, erase: EraseWork): number {
  const sizedMs = Math.ceil((erase.knownBytes / ERASE_BYTES_PER_S) * 1000);
  const otherUnknown = Math.max(0, erase.unknownSizeRows - erase.fullDeviceRows);
  return (
    timeouts.afterLayoutMs +
    sizedMs +
    erase.fullDeviceRows * FULL_DEVICE_ERASE_MS +
    otherUnknown * UNKNOWN_SIZE_ERASE_MS
  );
}

export function waitTimeoutMs(timeouts: StageTimeouts, after: WaitAfter, erase: EraseWork): number {
  switch (after) {
    case 'start':
      return timeouts.startMs;
    case 'after-fsbl':
      return timeouts.afterFsblMs;
    case 'after-ddr-fip':
      return timeouts.afterDdrFipMs;
    case 'after-fip':
      return timeouts.afterFipMs;
    case 'after-layout':
      return afterLayoutTimeoutMs(timeouts, erase);
  }
}

/** Names accepted by `--timeout <name>=<seconds>`, as users see them. */
export const TIMEOUT_NAMES: Record<string, keyof StageTimeouts> = {
  start: 'startMs',
  'after-fsbl': 'afterFsblMs',
  'after-ddr-fip': 'afterDdrFipMs',
  'after-fip': 'afterFipMs',
  'after-layout': 'afterLayoutMs',
  control: 'controlMs',
  drain: 'drainMs',
};

/** Parses `after-fip=45` style overrides; bad input is a specific AppError('bad-input'). */
export function parseTimeoutOverrides(
  specs: readonly string[],
  base: StageTimeouts = DEFAULT_STAGE_TIMEOUTS,
): StageTimeouts {
  const result = { ...base };
  for (const spec of specs) {
    const match = /^([a-z-]+)=(\d+(?:\.\d+)?)$/.exec(spec.trim());
    const key = match ? TIMEOUT_NAMES[match[1] ?? ''] : undefined;
    if (!match || !key) {
      throw new AppError(
        'bad-input',
        `--timeout ${spec}: expected <stage>=<seconds>, with <stage> one of ${Object.keys(TIMEOUT_NAMES).join(', ')}.`,
        { spec },
        'Example: --timeout after-fip=60',
      );
    }
    const seconds = Number(match[2]);
    if (seconds <= 0 || seconds > 3600) {
      throw new AppError('bad-input', `--timeout ${spec}: the time must be between 0 and 3600 seconds.`, {
        spec,
      });
    }
    result[key] = Math.round(seconds * 1000);
  }
  return result;
}
