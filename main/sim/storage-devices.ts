import { SparseStorage } from './sparse-storage.js';

/**
 * The media of a simulated board (§9 "storage devices"): MMC with LBA count, 512-byte blocks, erase
 * group and eMMC boot partitions; MTD devices with size, erase size and an optional partition table;
 * DRAM bank 0 for `ram` layout lines (§5.4).
 */
export type MediumKind = 'mmc' | 'nor' | 'nand' | 'spi-nand' | 'ram';

export interface PartitionEntry {
  name: string;
  offsetBytes: number;
  sizeBytes: number;
}

export interface MmcDeviceSpec {
  kind: 'mmc';
  instance: number;
  lbaCount: number;
  blockSizeBytes: number;
  eraseGroupBlocks: number;
  /** eMMC hardware boot partition size; 0 for an SD card (no boot1/boot2). */
  bootPartitionSizeBytes: number;
  /** A GPT already on the medium, for partial updates (§5.4). */
  gpt?: PartitionEntry[];
}

export interface MtdDeviceSpec {
  kind: 'nor' | 'nand' | 'spi-nand';
  instance: number;
  sizeBytes: number;
  eraseSizeBytes: number;
  /**
   * The MTD partitions U-Boot knows from mtdparts / the device tree (§5.4). Left undefined, the
   * simulator assumes they match the layout (a simplification: real boards need both to agree).
   */
  mtdPartitions?: PartitionEntry[];
}

export interface RamDeviceSpec {
  kind: 'ram';
  baseAddress: number;
  sizeBytes: number;
}

export type StorageDeviceSpec = MmcDeviceSpec | MtdDeviceSpec | RamDeviceSpec;

export type StorageArea = 'user' | 'boot1' | 'boot2';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** mmc0 SD 8 GiB, mmc1 eMMC 8 GiB + 2 × 4 MiB boot partitions, nor0 64 MiB, DRAM 1 GiB. */
export function defaultStorageDevices(dramBase: number): StorageDeviceSpec[] {
  return [
    {
      kind: 'mmc',
      instance: 0,
      lbaCount: (8 * GiB) / 512,
      blockSizeBytes: 512,
      eraseGroupBlocks: 1,
      bootPartitionSizeBytes: 0,
    },
    {
      kind: 'mmc',
      instance: 1,
      lbaCount: (8 * GiB) / 512,
      blockSizeBytes: 512,
      eraseGroupBlocks: 1024,
      bootPartitionSizeBytes: 4 * MiB,
    },
    { kind: 'nor', instance: 0, sizeBytes: 64 * MiB, eraseSizeBytes: 64 * 1024 },
    { kind: 'ram', baseAddress: dramBase, sizeBytes: 1 * GiB },
  ];
}

export function deviceName(spec: StorageDeviceSpec): string {
  return spec.kind === 'ram' ? 'ram0' : `${spec.kind}${spec.instance}`;
}

export function deviceSizeBytes(spec: StorageDeviceSpec): number {
  return spec.kind === 'mmc' ? spec.lbaCount * spec.blockSizeBytes : spec.sizeBytes;
}

/** One medium with its sparse content and the state U-Boot leaves on it. */
export class StoredDevice {
  readonly user: SparseStorage;
  readonly boot1: SparseStorage | null;
  readonly boot2: SparseStorage | null;
  /** The partition table written by the last full update (MMC GPT), or the initial one. */
  gpt: PartitionEntry[] | null;
  /** eMMC PARTITION_CONFIG boot partition after `mmc partconf` (§5.5); 0 = user area. */
  activeBootPartition: 0 | 1 | 2 = 0;

  constructor(readonly spec: StorageDeviceSpec) {
    const fill = spec.kind === 'nor' || spec.kind === 'nand' || spec.kind === 'spi-nand' ? 0xff : 0x00;
    // RAM is addressed by absolute address (§5.4 "usable range is DRAM bank 0"); store it from 0.
    this.user = new SparseStorage(deviceSizeBytes(spec), fill);
    const boot = spec.kind === 'mmc' ? spec.bootPartitionSizeBytes : 0;
    this.boot1 = boot > 0 ? new SparseStorage(boot, fill) : null;
    this.boot2 = boot > 0 ? new SparseStorage(boot, fill) : null;
    this.gpt = spec.kind === 'mmc' && spec.gpt ? [...spec.gpt] : null;
  }

  get name(): string {
    return deviceName(this.spec);
  }

  area(area: StorageArea): SparseStorage | null {
    if (area === 'user') return this.user;
    return area === 'boot1' ? this.boot1 : this.boot2;
  }

  /** Maps an address as the layout gives it to an offset in `user` (RAM lines carry absolute addresses). */
  toStoreOffset(offsetBytes: number): number {
    return this.spec.kind === 'ram' ? offsetBytes - this.spec.baseAddress : offsetBytes;
  }

  allocatedBytes(): number {
    return (
      this.user.allocatedBytes() + (this.boot1?.allocatedBytes() ?? 0) + (this.boot2?.allocatedBytes() ?? 0)
    );
  }
}

export class BoardStorage {
  private readonly devices = new Map<string, StoredDevice>();

  constructor(specs: readonly StorageDeviceSpec[]) {
    for (const spec of specs) this.devices.set(deviceName(spec), new StoredDevice(spec));
  }

  get(name: string): StoredDevice | undefined {
    return this.devices.get(name);
  }

  list(): StoredDevice[] {
    return [...this.devices.values()];
  }

  /** DRAM loses its content on a board reset; flash media keep theirs. */
  resetVolatile(): void {
    for (const device of this.devices.values()) if (device.spec.kind === 'ram') device.user.clear();
  }

  allocatedBytes(): number {
    return this.list().reduce((n, d) => n + d.allocatedBytes(), 0);
  }
}
