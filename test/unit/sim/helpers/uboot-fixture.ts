import { VirtualClock } from '../../../../main/core/clock.js';
import {
  SimulatedBus,
  createSimulatedBoard,
  type SimSoc,
  type SimulatedBoard,
  type SimulatedBoardOptions,
} from '../../../../main/sim/index.js';
import { fipImage, fsblImage, tsv, wrapLayout } from './images.js';
import { bringTo, type Driven } from './test-host.js';

export interface UbootFixture extends Driven {
  bus: SimulatedBus;
  clock: VirtualClock;
  board: SimulatedBoard;
}

/** A board brought to a U-Boot enumeration with the given layout rows (or raw layout bytes). */
export async function ubootFixture(
  target: 'uboot-layout' | 'uboot-flash',
  layout: string[][] | Uint8Array,
  options: Partial<SimulatedBoardOptions> & { soc?: SimSoc } = {},
): Promise<UbootFixture> {
  const clock = new VirtualClock({ autoAdvance: true });
  const bus = new SimulatedBus({ clock });
  const soc = options.soc ?? 'mp15';
  const board = createSimulatedBoard({ ...options, soc });
  const d = await bringTo(bus, clock, board, target, {
    fsbl: fsblImage(soc),
    fip: fipImage(),
    ddrFip: fipImage(8000, 4),
    layout: layout instanceof Uint8Array ? layout : wrapLayout(tsv(layout)),
  });
  return Object.assign(d, { bus, clock, board });
}

export const SD_ROWS: string[][] = [
  ['-', '0x01', 'fsbl-boot', 'Binary', 'none', '0x0', 'fsbl.stm32'],
  ['-', '0x03', 'fip-boot', 'FIP', 'none', '0x0', 'fip.bin'],
  ['P', '0x04', 'fsbl1', 'Binary', 'mmc0', '0x00004400', 'fsbl.stm32'],
  ['PE', '0x05', 'fsbl2', 'Binary', 'mmc0', '0x00044400', 'none'],
  ['-', '0x06', 'metadata', 'Binary', 'none', '0x0', 'none'],
  ['P', '0x10', 'bootfs', 'System', 'mmc0', '0x00084400', 'bootfs.ext4'],
  ['PD', '0x11', 'rootfs', 'FileSystem', 'mmc0', '0x00484400', 'rootfs.ext4'],
];
