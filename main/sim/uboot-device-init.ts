import type { BoardStorage, MediumKind, PartitionEntry, StoredDevice } from './storage-devices.js';
import { mediaEraseMs, type TimingModel } from './timing-model.js';
import { layoutDeviceName, type LayoutPart } from './uboot-layout-parser.js';

/**
 * What U-Boot does between the layout DETACH and the 2nd enumeration (§5.4): size and check every
 * partition per device, then the destructive actions in order (RawImage erases, GPT writes, other `D`
 * erases). Messages follow stm32prog's texts.
 */
export interface PlacedPartition {
  part: LayoutPart;
  device: StoredDevice;
  medium: MediumKind;
  /** Offset in the device (absolute address for RAM); 0 for boot1/boot2 and RawImage. */
  offsetBytes: number;
  sizeBytes: number;
  /** 1.. in offset order for user-area partitions; 0 for RawImage and boot partitions. */
  partitionNumber: number;
}

export type DeviceInitResult =
  | { ok: true; placed: PlacedPartition[]; durationMs: number; consoleLines: string[] }
  | { ok: false; message: string; durationMs: number; consoleLines: string[] };

interface DeviceGroup {
  name: string;
  parts: LayoutPart[];
  fullUpdate: boolean;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function label(part: LayoutPart): string {
  return `${part.name} (${hex(part.id)})`;
}

function mediumOf(device: StoredDevice): MediumKind {
  return device.spec.kind;
}

/** The usable address range and erase size of one device (init_device). */
function deviceGeometry(device: StoredDevice): { first: number; last: number; eraseSize: number } {
  const spec = device.spec;
  if (spec.kind === 'mmc') {
    const eraseSize = spec.eraseGroupBlocks * spec.blockSizeBytes;
    // A full erase group is reserved at each end when it is larger than the 34-LBA GPT header.
    if (spec.eraseGroupBlocks > 34) {
      return {
        first: eraseSize,
        last: (spec.lbaCount - spec.eraseGroupBlocks) * spec.blockSizeBytes,
        eraseSize,
      };
    }
    return {
      first: 34 * spec.blockSizeBytes,
      last: (spec.lbaCount - 34 - 1) * spec.blockSizeBytes,
      eraseSize,
    };
  }
  if (spec.kind === 'ram')
    return { first: spec.baseAddress, last: spec.baseAddress + spec.sizeBytes, eraseSize: 1 };
  return { first: 0, last: spec.sizeBytes, eraseSize: spec.eraseSizeBytes };
}

function groupByDevice(parts: readonly LayoutPart[]): DeviceGroup[] {
  const groups: DeviceGroup[] = [];
  for (const part of parts) {
    if (part.target === 'none') continue;
    const name = layoutDeviceName(part);
    let group = groups.find((g) => g.name === name);
    if (!group) {
      group = { name, parts: [], fullUpdate: true };
      groups.push(group);
    }
    group.parts.push(part);
    if (!part.select) group.fullUpdate = false;
  }
  return groups;
}

class InitError extends Error {}

function placeDevice(group: DeviceGroup, device: StoredDevice): PlacedPartition[] {
  const { first, last, eraseSize } = deviceGeometry(device);
  const spec = device.spec;
  // Boot partitions first (part_id -2, -1), then by offset (part_cmp).
  const sorted = [...group.parts].sort((a, b) => {
    const ka = -a.hwPartition;
    const kb = -b.hwPartition;
    if (ka !== kb) return ka - kb;
    return a.offsetBytes > b.offsetBytes ? 1 : -1;
  });
  const placed: PlacedPartition[] = [];
  let partitionNumber = 1;
  sorted.forEach((part, index) => {
    if (part.binaryCopies > 1) {
      const nand = spec.kind === 'nand' || spec.kind === 'spi-nand';
      if (!nand || part.id >= 0x10 || !part.name.startsWith('fsbl')) {
        throw new InitError(`${label(part)}: multiple binary ${part.binaryCopies} not supported`);
      }
    }
    if (part.type === 'RawImage') {
      const size = spec.kind === 'mmc' ? spec.lbaCount * spec.blockSizeBytes : last;
      placed.push({
        part,
        device,
        medium: mediumOf(device),
        offsetBytes: 0,
        sizeBytes: size,
        partitionNumber: 0,
      });
      return;
    }
    let size: number;
    let number = 0;
    if (part.hwPartition !== 0) {
      if (spec.kind !== 'mmc')
        throw new InitError(`${label(part)}: hw partition not expected : ${-part.hwPartition}`);
      size = spec.bootPartitionSizeBytes;
    } else {
      number = partitionNumber++;
      const next = sorted[index + 1];
      if (next) {
        if (part.offsetBytes < next.offsetBytes) size = next.offsetBytes - part.offsetBytes;
        else {
          throw new InitError(
            `${label(part)}: same address : ${hex(part.offsetBytes)} == ${label(next)}: ${hex(next.offsetBytes)}`,
          );
        }
      } else if (part.offsetBytes <= last) {
        size = last - part.offsetBytes;
      } else {
        throw new InitError(`${label(part)}: invalid address ${hex(part.offsetBytes)} (max=${hex(last)})`);
      }
      if (part.offsetBytes < first) {
        throw new InitError(`${label(part)}: invalid address ${hex(part.offsetBytes)} (min=${hex(first)})`);
      }
    }
    const offset = part.hwPartition !== 0 ? 0 : part.offsetBytes;
    if (offset % eraseSize !== 0) {
      throw new InitError(
        `${label(part)}: not aligned address : ${hex(offset)} on erase size ${hex(eraseSize)}`,
      );
    }
    checkExistingTable(group, device, part, number, offset, size);
    placed.push({
      part,
      device,
      medium: mediumOf(device),
      offsetBytes: offset,
      sizeBytes: size,
      partitionNumber: number,
    });
  });
  return placed;
}

/** A partial update must match the table already on the device (§5.4). */
function checkExistingTable(
  group: DeviceGroup,
  device: StoredDevice,
  part: LayoutPart,
  number: number,
  offset: number,
  size: number,
): void {
  const spec = device.spec;
  let existing: PartitionEntry | undefined;
  if (spec.kind === 'mmc') {
    if (group.fullUpdate || part.hwPartition !== 0) return;
    existing = device.gpt?.[number - 1];
    if (!existing) {
      throw new InitError(`${label(part)}:Couldn't find part ${number} on device mmc ${spec.instance}`);
    }
  } else if (spec.kind === 'ram') {
    return;
  } else {
    // Without a declared table the simulated device tree is assumed to match (storage-devices.ts).
    if (!spec.mtdPartitions) return;
    existing = spec.mtdPartitions[number - 1];
    if (!existing) throw new InitError(`${label(part)}: Invalid MTD partition ${group.name},${number - 1}`);
  }
  if (offset !== existing.offsetBytes) {
    throw new InitError(
      `${label(part)}: Bad address for partition ${number} (${existing.name}) = ${hex(offset)} <> ${hex(existing.offsetBytes)} expected`,
    );
  }
  if (size !== existing.sizeBytes) {
    throw new InitError(
      `${label(part)}: Bad size for partition ${number} (${existing.name}) at ${hex(offset)} = ${hex(size)} <> ${hex(existing.sizeBytes)} expected`,
    );
  }
}

function eraseArea(placed: PlacedPartition): void {
  const area = placed.part.hwPartition === 1 ? 'boot1' : placed.part.hwPartition === 2 ? 'boot2' : 'user';
  const store = placed.device.area(area);
  if (!store) return;
  const start = placed.device.toStoreOffset(placed.offsetBytes);
  store.erase(start, Math.min(placed.sizeBytes, store.sizeBytes - start));
}

export function initDevices(
  parts: readonly LayoutPart[],
  storage: BoardStorage,
  timing: TimingModel,
): DeviceInitResult {
  const consoleLines: string[] = [];
  let durationMs = timing.ubootDeviceProbeMs;
  const groups = groupByDevice(parts);
  try {
    const placed: PlacedPartition[] = [];
    for (const group of groups) {
      const device = storage.get(group.name);
      if (!device) {
        const kind = group.parts[0]!.target;
        throw new InitError(
          kind === 'mmc'
            ? `mmc device ${group.parts[0]!.deviceInstance} not found`
            : `MTD device ${group.name} not found`,
        );
      }
      placed.push(...placeDevice(group, device));
    }
    const erase = (p: PlacedPartition): void => {
      consoleLines.push(`Erasing ${p.part.name} on ${p.device.name}: done`);
      eraseArea(p);
      durationMs += mediaEraseMs(timing, p.medium, p.sizeBytes);
    };
    // 1. RawImage deletes, 2. GPT for fully updated MMC, 3. the other deletes (§5.4 order), each in
    // layout line order as stm32prog walks its part array.
    const byLine = [...placed].sort((a, b) => parts.indexOf(a.part) - parts.indexOf(b.part));
    byLine.filter((p) => p.part.type === 'RawImage' && p.part.select && p.part.delete).forEach(erase);
    for (const group of groups) {
      const device = storage.get(group.name)!;
      if (device.spec.kind !== 'mmc' || !group.fullUpdate) continue;
      device.gpt = placed
        .filter((p) => p.device === device && p.partitionNumber > 0)
        .map((p) => ({ name: p.part.name, offsetBytes: p.offsetBytes, sizeBytes: p.sizeBytes }));
      consoleLines.push(`partitions on ${device.name}: done`);
      durationMs += timing.ubootGptWriteMs;
    }
    byLine.filter((p) => p.part.type !== 'RawImage' && p.part.select && p.part.delete).forEach(erase);
    return { ok: true, placed, durationMs, consoleLines };
  } catch (error) {
    if (error instanceof InitError) return { ok: false, message: error.message, durationMs, consoleLines };
    throw error;
  }
}
