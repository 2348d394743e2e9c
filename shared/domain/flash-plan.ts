import type { SocId } from './flash-event.js';
import type { LayoutProblem } from './layout-problem.js';

/** SoC families this tool flashes (the STM32 header version tells them apart: v1, v2.0, v2.2). */
export type LayoutSoc = SocId;

export type DeviceKind = 'mmc' | 'nor' | 'nand' | 'spi-nand' | 'ram';

export interface PartitionDevice {
  kind: DeviceKind;
  /** The digit after the kind (`mmc1` → 1); always 0 for `ram…`, as U-Boot does. */
  instance: number;
}

export type PartitionType =
  'Binary' | 'FIP' | 'FWU_MDATA' | 'ENV' | 'System' | 'ESP' | 'FileSystem' | 'RawImage';

/**
 * What the host does with a row:
 * - `boot-load`: an IP none row the ROM (0x01) or TF-A (0x02, 0x03) asks for;
 * - `program`: a selected device row that is downloaded to U-Boot;
 * - `empty`: a selected device row that is created/erased but not downloaded (E flag, or Binary none);
 * - `skip`: an unselected (`-`) device row: U-Boot leaves it alone;
 * - `unused`: an IP none row no boot stage asks for;
 * - `invalid`: the row has a syntax error and is unusable.
 */
export type PartitionStatus = 'boot-load' | 'program' | 'empty' | 'skip' | 'unused' | 'invalid';

/** Which boot stage requests this row's file over USB. */
export type BootRequester = 'rom' | 'tfa' | 'uboot';

export interface PartitionFlags {
  /** P: the row is selected. */
  program: boolean;
  /** E: create the partition but do not download it. */
  empty: boolean;
  /** D: erase before use. */
  delete: boolean;
}

export interface PartitionFile {
  /** Absolute path, resolved against the layout's folder. */
  path: string;
  sizeBytes: number;
  /** Lower-case hex, only when hashing was asked for. */
  sha256: string | null;
}

export type Stm32HeaderVersion = 'v1' | 'v2.0' | 'v2.2' | 'v2.3';

export interface ImageSummary {
  /** What the first bytes of the file are. `unread` = not inspected (not downloaded, or unreadable). */
  kind: 'stm32' | 'fip' | 'raw' | 'unread';
  stm32: {
    version: Stm32HeaderVersion;
    headerBytes: number;
    imageLengthBytes: number;
    entryPoint: number;
    loadAddress: number;
    binaryType: number;
    /** null when the checksum was not computed (file truncated). */
    checksumOk: boolean | null;
  } | null;
  fip: {
    serialNumber: number;
    entryCount: number;
    /** Names of the trusted-board-boot certificates found in the TOC. */
    certificates: string[];
  } | null;
  /** Phase 0x01 only: does it look like TF-A's USB/programmer build? null when not applicable. */
  looksLikeUsbFsbl: boolean | null;
}

export interface PlannedPartition {
  /** 1-based physical line in the layout. */
  line: number;
  /** The columns exactly as written (null when the row is too short to have them). */
  opt: string;
  id: string | null;
  name: string | null;
  type: string | null;
  ip: string | null;
  offset: string | null;
  binary: string | null;
  phaseId: number | null;
  flags: PartitionFlags;
  partType: PartitionType | null;
  /** N of `Binary(N)`, 1 for plain types. */
  binaryCopies: number | null;
  device: PartitionDevice | null;
  offsetBytes: number | null;
  bootPartition: 1 | 2 | null;
  file: PartitionFile | null;
  /** Bytes up to the next partition on the same device; null when unknown (last one, boot1/2, RawImage). */
  roomBytes: number | null;
  image: ImageSummary | null;
  status: PartitionStatus;
  /** Stages that ask for this row's file: ['rom'] for 0x01, ['tfa'] for 0x02/0x03, ['uboot'] when written. */
  requestedBy: BootRequester[];
}

/** What mainline U-Boot's stm32prog would say if handed this file verbatim. */
export interface UbootVerdict {
  result: 'accepted' | 'semantic-reject' | 'parse-reject';
  /** U-Boot's own line counter, when its message has one. */
  line: number | null;
  /** U-Boot's message, byte for byte where possible; null for accepted or the silent -EINVAL of an empty file. */
  message: string | null;
  /** Rows U-Boot parsed before stopping (its part_nb). */
  rowCount: number;
}

export interface EraseSummary {
  /** Bytes of D rows whose size the layout tells (room up to the next partition). */
  knownBytes: number;
  /** D rows whose size depends on the device: RawImage (whole device), boot1/boot2, last partition. */
  unknownSizeRows: number;
  /** PED…RawImage rows: whole-device erases, the slow ones. */
  fullDeviceRows: number;
  rows: number;
}

export interface SocGuess {
  soc: LayoutSoc | null;
  /** Why, in words (e.g. "0x01 FSBL has an STM32 header v2.0"). */
  reason: string;
}

export interface FlashPlan {
  layoutPath: string;
  /** In the order the board asks: ROM/TF-A rows by Id, then device rows by Id, then invalid rows. */
  partitions: PlannedPartition[];
  soc: SocGuess;
  uboot: UbootVerdict;
  erase: EraseSummary;
  /** Same as erase.knownBytes; the pipeline scales U-Boot's 2nd-enumeration timeout with it. */
  eraseWorkBytes: number;
  problems: LayoutProblem[];
}

export function planHasErrors(plan: Pick<FlashPlan, 'problems'>): boolean {
  return plan.problems.some((problem) => problem.severity === 'error');
}
