import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { IoOptions } from '../transport/usb-transport.js';
import {
  BoardContext,
  type BoardEvent,
  type BoardHost,
  type BoardStage,
  type Connection,
} from './board-context.js';
import { BoardLifecycle } from './board-lifecycle.js';
import { submitTransportOp, type TransportOp } from './board-requests.js';
import { resolveFaults, type FaultPlan, type ScenarioInput } from './fault-scenarios.js';
import { filterViolations, type InvariantQuery, type InvariantViolation } from './invariants.js';
import { SOC_PROFILES, serialFromUid, socName, type SimSoc } from './soc-profiles.js';
import type { ReceivedImage, SimStage } from './stage-types.js';
import {
  BoardStorage,
  defaultStorageDevices,
  type StorageArea,
  type StorageDeviceSpec,
  type StoredDevice,
} from './storage-devices.js';
import { resolveTiming, seededRandom, type TimingModel, type TimingOverrides } from './timing-model.js';
import type { TransferLogEntry } from './transfer-log.js';
import { ST_UBOOT_VARIANT, type UbootVariant } from './uboot-stage.js';

export interface SimulatedBoardOptions {
  soc: SimSoc;
  /** 24 hex digits; derived from the UID words (or the seed) when absent (§2.3). */
  serial?: string;
  uidWords?: readonly [number, number, number];
  /** Silicon revision TF-A/U-Boot report (MP25: OTP REVID). */
  revisionId?: number;
  partNumber?: string;
  /** Port to plug into; the bus picks a free one otherwise. */
  portPath?: string;
  scenario?: ScenarioInput | readonly ScenarioInput[];
  timing?: TimingOverrides;
  /** Seeds jitter and the derived UID. */
  seed?: number;
  /** Media; default mmc0 SD 8 GiB, mmc1 eMMC 8 GiB + 2 × 4 MiB boot, nor0 64 MiB, DRAM 1 GiB. */
  storage?: readonly StorageDeviceSpec[];
  /** Old ST stacks (MP15): TF-A ≤ v2.4 asks for the layout first; U-Boot v2020.10 then skips its 1st enumeration. */
  firmware?: { tfa?: 'current' | 'legacy'; uboot?: 'current' | 'legacy' };
  ubootVariant?: Partial<UbootVariant>;
  /** U-Boot DFU buffer, CONFIG_SYS_DFU_DATA_BUF_SIZE (§3.2). */
  dfuBufferSizeBytes?: number;
  /**
   * Keep only about the newest N requests in transferLog() (default: all, for tests). The app and the
   * CLI set it: two entries per 4 KiB block would otherwise grow with the image (2 million at 4 GiB).
   */
  transferLogLimit?: number;
  otpAlt?: boolean;
  pmicAlt?: boolean;
  secureClosed?: boolean;
  /** 'full' models a bad cable/hub: the ROM says "DFU in FS Mode". */
  linkSpeed?: 'high' | 'full';
  /** After a board reset: ROM again (serial boot pins) or boot from flash (gone from USB). */
  bootSource?: 'serial' | 'flash';
  label?: string;
}

/**
 * What the app, the CLI and the station keep of each simulated board's transfer log: enough for the
 * simulator panel and a post-mortem, flat in memory whatever the image size.
 */
export const APP_TRANSFER_LOG_LIMIT = 10_000;

export interface BoardStatus {
  label: string;
  stage: BoardStage;
  connectionId: string | null;
  /** stm32prog phase (U-Boot), else null. 0xFE when the flash is complete. */
  phase: number | null;
  done: boolean;
  haltReason: string | null;
}

export interface SimPartitionInfo {
  id: number;
  name: string;
  device: string;
  area: StorageArea;
  offsetBytes: number;
  sizeBytes: number;
  selected: boolean;
  empty: boolean;
  bytesWritten: number;
  completed: boolean;
}

let boardCounter = 0;

export class SimulatedBoard {
  readonly soc: SimSoc;
  readonly serial: string;
  readonly label: string;
  readonly timing: TimingModel;
  readonly faults: FaultPlan;
  readonly options: Readonly<SimulatedBoardOptions>;
  private readonly ctx: BoardContext;
  private readonly lifecycle: BoardLifecycle;
  private readonly unplugState = { bytes: 0 };

  constructor(options: SimulatedBoardOptions) {
    const profile = SOC_PROFILES[options.soc];
    const seed = options.seed ?? 0x5eed + boardCounter;
    boardCounter++;
    const random = seededRandom(seed);
    const uidWords =
      options.uidWords ?? uidFromSerial(options.serial) ?? deriveUid(seededRandom(seed ^ 0xa5a5a5a5));
    const revisionId = options.revisionId ?? profile.defaultRevisionId;
    this.options = options;
    this.soc = options.soc;
    this.serial = options.serial ?? serialFromUid(uidWords);
    this.label = options.label ?? `${options.soc}-${this.serial.slice(-6)}`;
    this.timing = resolveTiming(options.timing);
    this.faults = resolveFaults(options.scenario);
    const legacy = options.firmware ?? {};
    this.ctx = new BoardContext(
      {
        label: this.label,
        profile,
        timing: this.timing,
        faults: this.faults,
        random,
        revisionId,
        socName: socName(
          profile,
          options.partNumber ?? profile.defaultPartNumber,
          revisionId,
          options.secureClosed ?? false,
        ),
        serial: this.serial,
        uidWords,
        fullSpeed: options.linkSpeed === 'full',
        secureClosed: options.secureClosed ?? false,
        legacyTfa: legacy.tfa === 'legacy',
        legacyUboot: legacy.uboot === 'legacy',
        ubootVariant: { ...ST_UBOOT_VARIANT, ...options.ubootVariant },
        dfuBufferSizeBytes: options.dfuBufferSizeBytes ?? 8 * 1024 * 1024,
        transferLogLimit: options.transferLogLimit ?? Number.POSITIVE_INFINITY,
        otpAlt: options.otpAlt ?? true,
        pmicAlt: options.pmicAlt ?? profile.pmicAltByDefault,
        bootSource: options.bootSource ?? 'serial',
        requestedPortPath: options.portPath ?? null,
      },
      new BoardStorage(options.storage ?? defaultStorageDevices(profile.dramBase)),
    );
    this.lifecycle = new BoardLifecycle(this.ctx);
  }

  // ---- bus integration (used by SimulatedBus) ----

  /** @internal */
  attachToBus(host: BoardHost): void {
    this.unplugState.bytes = 0;
    this.lifecycle.attach(host);
  }

  /** @internal */
  detachFromBus(): void {
    this.lifecycle.detach();
  }

  /** @internal */
  connection(): Connection | null {
    return this.ctx.connection;
  }

  /** @internal */
  submit(connectionId: string, op: TransportOp, options: IoOptions): Promise<unknown> {
    return submitTransportOp(this.ctx, this.lifecycle, this.unplugState, connectionId, op, options);
  }

  /** @internal Records an open() attempt in the transfer log. */
  logOpen(connectionId: string, outcome: 'ok' | 'permission-denied'): void {
    const entry = this.ctx.log.begin({
      connectionId,
      stage: this.ctx.connection?.stage ?? null,
      kind: 'open',
      setup: null,
      request: 'OPEN',
      lengthBytes: 0,
    });
    this.ctx.log.finish(entry, outcome);
  }

  /** @internal */
  pendingTimerCount(): number {
    return this.ctx.scheduler?.pendingCount() ?? 0;
  }

  // ---- inspection ----

  get requestedPortPath(): string | null {
    return this.ctx.settings.requestedPortPath;
  }

  get portPath(): string | null {
    return this.ctx.host?.portPath ?? null;
  }

  get stage(): BoardStage {
    return this.ctx.boardStage;
  }

  /** The identity of the current enumeration, or null when off the bus. */
  identity(): BoardIdentity | null {
    return this.ctx.connection?.identity ?? null;
  }

  status(): BoardStatus {
    const prog = this.lifecycle.currentProg();
    const onUboot = this.ctx.boardStage === 'uboot-layout' || this.ctx.boardStage === 'uboot-flash';
    return {
      label: this.label,
      stage: this.ctx.boardStage,
      connectionId: this.ctx.connection?.id ?? null,
      phase: prog && onUboot ? prog.phase & 0xff : null,
      done: prog !== null && prog.phase === 0xfe,
      haltReason: this.ctx.haltReason,
    };
  }

  transferLog(): readonly TransferLogEntry[] {
    return this.ctx.log.entries();
  }

  /** Protocol rules the host broke; empty when it behaved (invariants.ts). */
  invariantViolations(query: InvariantQuery = {}): InvariantViolation[] {
    return filterViolations(this.ctx.violations, this.ctx.log.entries(), query);
  }

  /** The simulated UART: what the firmware printed. */
  console(): readonly { atMs: number; text: string }[] {
    return this.ctx.consoleLines;
  }

  history(): readonly BoardEvent[] {
    return this.ctx.history;
  }

  /** What each stage received into RAM (FSBL at the ROM, FIPs at TF-A, layouts), in order. */
  receivedImages(filter: { stage?: SimStage; phaseId?: number } = {}): ReceivedImage[] {
    return this.ctx.received.filter(
      (r) =>
        (filter.stage === undefined || r.stage === filter.stage) &&
        (filter.phaseId === undefined || r.phaseId === filter.phaseId),
    );
  }

  /** The last image received for a phase, optionally in one stage. */
  receivedImage(phaseId: number, stage?: SimStage): ReceivedImage | null {
    return this.receivedImages({ phaseId, stage }).at(-1) ?? null;
  }

  storageDevice(name: string): StoredDevice | undefined {
    return this.ctx.storage.get(name);
  }

  /** Bytes of a medium as stored (`device` like `mmc0`, `mmc1`, `nor0`, `ram0`; RAM by absolute address). */
  readStorage(
    device: string,
    offsetBytes: number,
    lengthBytes: number,
    area: StorageArea = 'user',
  ): Uint8Array {
    const stored = this.ctx.storage.get(device);
    const store = stored?.area(area);
    if (!stored || !store) throw new RangeError(`no storage ${device}${area === 'user' ? '' : `:${area}`}`);
    return store.read(stored.toStoreOffset(offsetBytes), lengthBytes);
  }

  /** Memory the sparse media hold, for memory-efficiency checks. */
  storageAllocatedBytes(): number {
    return this.ctx.storage.allocatedBytes();
  }

  /** Partitions of the last layout U-Boot placed (§5.4), with what was written to each. */
  partitions(): SimPartitionInfo[] {
    const prog = this.lifecycle.lastProg();
    if (!prog) return [];
    return prog.placed.map((p) => {
      const progress = prog.progress.get(p.part.id);
      return {
        id: p.part.id,
        name: p.part.name,
        device: p.device.name,
        area: p.part.hwPartition === 1 ? 'boot1' : p.part.hwPartition === 2 ? 'boot2' : 'user',
        offsetBytes: p.offsetBytes,
        sizeBytes: p.sizeBytes,
        selected: p.part.select,
        empty: p.part.empty,
        bytesWritten: progress?.bytesWritten ?? 0,
        completed: progress?.completed ?? false,
      };
    });
  }

  /** A partition's content, by phase id or name; by default as many bytes as the host wrote. */
  readPartition(idOrName: number | string, lengthBytes?: number): Uint8Array {
    const info = this.partitions().find((p) =>
      typeof idOrName === 'number' ? p.id === idOrName : p.name === idOrName,
    );
    if (!info) throw new RangeError(`no partition ${String(idOrName)} in the last layout`);
    const length = Math.min(lengthBytes ?? info.bytesWritten, info.sizeBytes);
    return this.readStorage(info.device, info.offsetBytes, length, info.area);
  }

  /** eMMC boot partition selected by the last `mmc partconf` (§5.5); 0 = none. */
  activeBootPartition(device: string): 0 | 1 | 2 {
    return this.ctx.storage.get(device)?.activeBootPartition ?? 0;
  }

  /** The OTP shadow (UID words at their OTP positions). */
  otpShadow(): Uint8Array {
    return this.ctx.otp.slice();
  }
}

export function createSimulatedBoard(options: SimulatedBoardOptions): SimulatedBoard {
  return new SimulatedBoard(options);
}

function uidFromSerial(serial: string | undefined): [number, number, number] | null {
  if (!serial || !/^[0-9A-Fa-f]{24}$/.test(serial)) return null;
  return [0, 8, 16].map((i) => parseInt(serial.slice(i, i + 8), 16)) as [number, number, number];
}

function deriveUid(random: () => number): [number, number, number] {
  const word = (): number => Math.floor(random() * 0x100000000) >>> 0;
  // UID word 0 looks like the real ones (0x00xx00xx lot/wafer coordinates).
  return [(word() & 0x00ff00ff) >>> 0, word(), word()];
}
