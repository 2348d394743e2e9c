import type { UsbSpeed } from '../../../shared/domain/board-identity.js';
import type { BootStage, FlashPhase, SocId, WaitAfter } from '../../../shared/domain/flash-event.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';

/** A longer line for the flash panel's "current stage". */
export function stageDescription(stage: FlashPhase): string {
  switch (stage) {
    case 'rom':
      return 'Boot ROM: receiving the FSBL (TF-A)';
    case 'tfa':
      return 'TF-A: receiving the FIP (U-Boot)';
    case 'uboot-layout':
      return 'U-Boot: receiving the FlashLayout';
    case 'uboot-partitions':
      return 'U-Boot (2nd enumeration): writing partitions';
    case 'preflight':
      return 'Checking the layout and the host';
    case 'done':
      return 'Done';
  }
}

export function socLabel(soc: SocId | null): string {
  switch (soc) {
    case 'mp15':
      return 'STM32MP15';
    case 'mp13':
      return 'STM32MP13';
    case 'mp25':
      return 'STM32MP25';
    default:
      return 'Unknown SoC';
  }
}

export function speedLabel(speed: UsbSpeed): string {
  switch (speed) {
    case 'high':
      return 'High speed · 480 Mbit/s';
    case 'full':
      return 'Full speed · 12 Mbit/s';
    case 'low':
      return 'Low speed · 1.5 Mbit/s';
    case 'super':
      return 'SuperSpeed · 5 Gbit/s';
    case 'super-plus':
      return 'SuperSpeed+ · 10 Gbit/s';
    default:
      return 'Speed unknown';
  }
}

export function speedShort(speed: UsbSpeed): string {
  const short: Record<UsbSpeed, string> = {
    high: 'HS',
    full: 'FS',
    low: 'LS',
    super: 'SS',
    'super-plus': 'SS+',
    unknown: '?',
  };
  return short[speed];
}

/** What the host is waiting for, in words. */
export function waitLabel(after: WaitAfter, expecting: readonly BootStage[]): string {
  const names = [
    ...new Set(expecting.map((s) => (s === 'uboot-partitions' ? 'uboot-layout' : s)).map(stageLabel)),
  ];
  switch (after) {
    case 'start':
      return 'Waiting for the board to appear';
    case 'after-fsbl':
      return `Waiting for ${names.join(' / ') || 'TF-A'} after the FSBL was started`;
    case 'after-ddr-fip':
      return 'Waiting for TF-A to come back after the DDR firmware';
    case 'after-fip':
      return `Waiting for ${names.join(' / ') || 'U-Boot'} after TF-A was detached`;
    case 'after-layout':
      return "Waiting for U-Boot's second enumeration (device init and erase)";
  }
}

/** GetPhase answers: the partition id the board asks for, or what a reserved id means. */
export function phaseLabel(phase: number): string {
  if (phase === 0x00) return 'FlashLayout';
  if (phase === 0x01) return 'FSBL';
  if (phase === 0x02) return 'DDR FIP';
  if (phase === 0x03) return 'FIP';
  if (phase === 0xfe) return 'done';
  if (phase === 0xff) return 'error / reset';
  return `partition 0x${phase.toString(16).toUpperCase().padStart(2, '0')}`;
}
