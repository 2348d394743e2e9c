import type { LayoutProblem } from '../../shared/domain/layout-problem.js';
import { layoutProblem } from '../../shared/domain/layout-problem.js';
import { deviceLabel, hex, rowLabel } from './layout-row.js';
import type { LayoutRow } from './layout-row.js';

/** 34 LBAs of 512 bytes: the primary GPT. U-Boot's first usable MMC address is at least this. */
export const MMC_FIRST_USABLE_BYTES = 34 * 512;
const MMC_MIN_ERASE_BYTES = 512;

/**
 * The parts of U-Boot's init_device that need no real device: per device, rows sorted by offset,
 * room = next offset − this offset (the last is unknown), equal offsets are "same address".
 * Also fills `roomBytes` on the rows.
 */
export function checkDevices(rows: readonly LayoutRow[], problems: LayoutProblem[]): void {
  const byDevice = new Map<string, LayoutRow[]>();
  for (const row of rows) {
    if (!row.valid || row.device === null) continue;
    checkRowOnDevice(row, problems);
    const key = deviceLabel(row.device);
    byDevice.set(key, [...(byDevice.get(key) ?? []), row]);
  }
  for (const [label, deviceRows] of byDevice) {
    computeRoom(deviceRows, problems);
    const unselected = deviceRows.find((row) => row.flags !== null && !row.flags.program);
    if (unselected !== undefined) {
      problems.push(
        layoutProblem(
          'partial-update',
          unselected.line,
          'opt',
          `${label} has unselected rows (first: ${rowLabel(unselected)}), so U-Boot updates it partially: the partitions already on the device must match this layout exactly (address and size), else "Bad address/size for partition".`,
          'Select every row of the device (P, PE, PED) for a full update that rewrites the partition table.',
        ),
      );
    }
  }
}

function checkRowOnDevice(row: LayoutRow, problems: LayoutProblem[]): void {
  const device = row.device!;
  if (row.bootPartition !== null && device.kind !== 'mmc') {
    problems.push(
      layoutProblem(
        'boot-partition-not-mmc',
        row.line,
        'offset',
        `Offset ${row.offset ?? ''} names an eMMC boot partition, but the row is on ${row.ip ?? ''}; U-Boot refuses it ("hw partition not expected").`,
        'Use boot1/boot2 only with mmcN (eMMC); elsewhere give a numeric offset.',
      ),
    );
  }
  const copies = row.binaryCopies ?? 1;
  const nandLike = device.kind === 'nand' || device.kind === 'spi-nand';
  if (copies > 1 && (!nandLike || (row.phaseId ?? 0) >= 0x10 || !(row.name ?? '').startsWith('fsbl'))) {
    problems.push(
      layoutProblem(
        'binary-copies-unsupported',
        row.line,
        'type',
        `${row.type ?? ''} asks for ${copies} copies; U-Boot only writes copies for fsbl* rows with Id < 0x10 on NAND/SPI-NAND ("multiple binary not supported").`,
        'Use plain Binary here.',
      ),
    );
  }
  const offset = row.offsetBytes;
  if (device.kind !== 'mmc' || row.partType === 'RawImage' || row.bootPartition !== null || offset === null)
    return;
  if (offset < MMC_FIRST_USABLE_BYTES) {
    problems.push(
      layoutProblem(
        'offset-below-gpt',
        row.line,
        'offset',
        `Offset ${row.offset ?? ''} on ${row.ip ?? ''} is inside the GPT area (below ${hex(MMC_FIRST_USABLE_BYTES, 8)}); U-Boot refuses it ("invalid address").`,
        'SD card partitions start at 0x00004400 or later, eMMC user partitions usually at 0x00080000.',
      ),
    );
  }
  if (offset % MMC_MIN_ERASE_BYTES !== 0) {
    problems.push(
      layoutProblem(
        'offset-misaligned',
        row.line,
        'offset',
        `Offset ${row.offset ?? ''} on ${row.ip ?? ''} is not a multiple of 512 bytes; U-Boot refuses it ("not aligned address").`,
        'Align MMC offsets to the erase size (at least 512 bytes; eMMC often 512 KiB).',
      ),
    );
  }
}

/** Rows whose room the layout can tell: numeric offsets, not boot1/boot2, not whole-device RawImage. */
function computeRoom(deviceRows: readonly LayoutRow[], problems: LayoutProblem[]): void {
  const placed = deviceRows
    .filter((row) => row.bootPartition === null && row.partType !== 'RawImage' && row.offsetBytes !== null)
    .sort((a, b) => a.offsetBytes! - b.offsetBytes! || a.line - b.line);
  placed.forEach((row, index) => {
    const previous = placed[index - 1];
    if (previous !== undefined && previous.offsetBytes === row.offsetBytes) {
      const [first, second] = previous.line < row.line ? [previous, row] : [row, previous];
      problems.push(
        layoutProblem(
          'offset-overlap',
          second.line,
          'offset',
          `Offset ${second.offset ?? ''} on ${second.ip ?? ''} is the same as ${rowLabel(first)}; U-Boot refuses two partitions at one address ("same address").`,
          'Give each partition its own offset, increasing along the device.',
        ),
      );
    }
    const next = placed.slice(index + 1).find((other) => other.offsetBytes! > row.offsetBytes!);
    row.roomBytes = next === undefined ? null : next.offsetBytes! - row.offsetBytes!;
  });
}
