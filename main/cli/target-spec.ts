import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import { AppError } from '../core/app-error.js';
import type { BoardTarget } from '../flash/board-follower.js';

/**
 * Which board to flash, as STM32_Programmer_CLI users type it (`-c port=usb1`, `-c port=usb1 sn=…`)
 * or with our options (`--port 1-2.3`, `--serial 003B…`). `usbN` is the Nth ST DFU device, ordered by
 * port path so the number is stable while nothing is replugged.
 */
export interface TargetSpec {
  usbIndex: number | null;
  portPath: string | null;
  serial: string | null;
}

export function parseTargetSpec(options: { connect?: string[]; port?: string; serial?: string }): TargetSpec {
  const spec: TargetSpec = { usbIndex: null, portPath: options.port ?? null, serial: options.serial ?? null };
  for (const part of (options.connect ?? []).flatMap((c) => c.split(/\s+/)).filter(Boolean)) {
    const [key, value] = part.split('=');
    const k = key?.toLowerCase();
    if ((k === 'port' || k === 'p') && value) {
      const usb = /^usb(\d+)$/i.exec(value);
      if (usb) spec.usbIndex = Number(usb[1]);
      else spec.portPath = value;
    } else if ((k === 'sn' || k === 'serial') && value) {
      spec.serial = value;
    } else {
      throw new AppError(
        'bad-input',
        `-c ${part}: expected port=usb<N>, port=<port path> or sn=<serial>.`,
        { part },
        'Example: -c port=usb1   (run `stm32mp-flash list` to see the boards)',
      );
    }
  }
  if (spec.usbIndex !== null && spec.usbIndex < 1) {
    throw new AppError('bad-input', `-c port=usb${spec.usbIndex}: devices are numbered from usb1.`, {});
  }
  return spec;
}

export function resolveTarget(spec: TargetSpec, boards: readonly BoardIdentity[]): BoardTarget {
  if (spec.usbIndex === null) return { portPath: spec.portPath, serial: spec.serial };
  const sorted = [...boards].sort((a, b) => a.portPath.localeCompare(b.portPath, 'en', { numeric: true }));
  const board = sorted[spec.usbIndex - 1];
  if (!board) {
    throw new AppError(
      'device-not-found',
      `port=usb${spec.usbIndex}: ${boards.length === 0 ? 'no STM32MP board in DFU mode is connected' : `only ${boards.length} board(s) in DFU mode are connected`}.`,
      { boards: boards.length },
      'Put the board in serial (USB) boot mode, plug it in, and check `stm32mp-flash list`.',
    );
  }
  return { portPath: board.portPath, serial: spec.serial ?? board.serial };
}
