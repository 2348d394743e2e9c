import { PHASE, asciiBytes, concatBytes, phaseReplyHeader } from './dfu-codes.js';
import type { StageEnv } from './stage-types.js';
import { isLegacyUbootImage, ubootRecognizedHeader } from './stm32-image.js';
import type { BoardStorage } from './storage-devices.js';
import type { DfuCallbacks, UbootEntity } from './uboot-dfu-function.js';
import {
  CMD_SIZE_BYTES,
  FLASHLAYOUT_SIZE_BYTES,
  cmdEntity,
  layoutEntity,
  nvmEntity,
  partitionEntity,
  type PartitionProgress,
  type ProgEntity,
} from './uboot-entities.js';
import { initDevices, type PlacedPartition } from './uboot-device-init.js';
import { checkPartitionList, parseUbootLayout, type LayoutPart } from './uboot-layout-parser.js';

/**
 * The stm32prog side of U-Boot (§1.2 steps 7–10, §4, §5.4, §5.5; S1, S2, S4): the phase, the first
 * recorded error, the alternates of each enumeration, GetPhase, the phase command and the end-of-phase
 * hooks. The DFU state machine itself is in uboot-dfu-function.ts.
 */
export const PHASE_DO_RESET = 0x1ff;
/** U-Boot's error buffer (§4.2). */
const ERROR_MAX_CHARS = 254;

export interface Stm32ProgConfig {
  env: StageEnv;
  storage: BoardStorage;
  loadAddress: number;
  /** OTP shadow behind the OTP alt; null when the board has no OTP service (no alt). */
  otp: Uint8Array | null;
  /** PMIC NVM (8 bytes, registers 0xF8–0xFF); null when there is no PMIC alt. */
  pmicNvm: Uint8Array | null;
}

export type AfterDetach =
  { kind: 'leave'; reset: boolean; reason: string } | { kind: 'enumerate'; durationMs: number };

export type { PartitionProgress } from './uboot-entities.js';

export class Stm32Prog {
  phase: number = PHASE.flashLayout;
  offset = 0;
  error = '';
  parts: LayoutPart[] = [];
  placed: PlacedPartition[] = [];
  script = false;
  /** What a `ram` layout would boot after the session (§5.4 RAM target). */
  readonly bootArtifacts: {
    kernelAddress?: number;
    dtbAddress?: number;
    initrd?: { address: number; sizeBytes: number };
  } = {};
  readonly progress = new Map<number, PartitionProgress>();
  private curPart: PlacedPartition | null = null;
  private entityList: ProgEntity[] = [];
  private readonly layoutBuffer = new Uint8Array(FLASHLAYOUT_SIZE_BYTES);
  private writeErrorArmed: boolean;

  constructor(private readonly cfg: Stm32ProgConfig) {
    this.writeErrorArmed = cfg.env.faults.writeError !== null;
    this.buildEntities();
  }

  private get env(): StageEnv {
    return this.cfg.env;
  }

  entities(): readonly UbootEntity[] {
    return this.entityList;
  }

  altNames(): string[] {
    return this.entityList.map((e) => e.altName);
  }

  currentPartition(): PlacedPartition | null {
    return this.curPart;
  }

  /** stm32prog_err: only the first error is kept; the phase becomes RESET (S3 macro). */
  err(message: string): void {
    if (this.phase === PHASE.reset || this.phase === PHASE_DO_RESET) return;
    this.error = message.slice(0, ERROR_MAX_CHARS);
    this.phase = PHASE.reset;
    this.env.console(`Error: ${message}`);
  }

  /** The alternates of the next enumeration: the layout's partitions, or FlashLayout when there are none. */
  buildEntities(): void {
    const list: ProgEntity[] = [];
    if (this.placed.length === 0) {
      list.push(layoutEntity(this.env, this.layoutBuffer));
    } else {
      for (let phase = 1; phase <= PHASE.lastUser; phase++) {
        // Ordered by phase id; the first line with that id wins, `none` lines get no alt (S1).
        const part = this.parts.find((p) => p.id === phase);
        if (!part || part.target === 'none') continue;
        const placed = this.placed.find((p) => p.part === part);
        if (placed) list.push(partitionEntity(this.env, placed, this.progress));
      }
    }
    list.push(
      cmdEntity(this.env, {
        getPhaseReply: () => this.getPhaseReply(),
        setPhase: (phase, offset) => this.setPhase(phase, offset),
      }),
    );
    if (this.cfg.otp) list.push(nvmEntity('otp', this.cfg.otp));
    if (this.cfg.pmicNvm) list.push(nvmEntity('pmic', this.cfg.pmicNvm));
    this.entityList = list;
  }

  private altOf(placed: PlacedPartition | null): number {
    return placed ? this.entityList.findIndex((e) => e.placed === placed) : -1;
  }

  /** GetPhase (§4.2): phase, address LE, offset LE, then the flag or the error text. Reading 0xFF arms the reset. */
  getPhaseReply(): Uint8Array {
    const phase = this.phase;
    const address = phase === PHASE.flashLayout ? this.cfg.loadAddress : 0xffffffff;
    const header = phaseReplyHeader(phase & 0xff, address, this.offset);
    if (phase === PHASE.reset || phase === PHASE_DO_RESET) {
      const text = (this.error || 'Unspecified').slice(0, CMD_SIZE_BYTES - 9);
      if (phase === PHASE.reset) {
        this.phase = PHASE_DO_RESET;
        this.env.console('Reset requested');
      }
      return concatBytes(header, asciiBytes(text));
    }
    if (phase === PHASE.flashLayout) return concatBytes(header, Uint8Array.of(this.parts.length > 0 ? 1 : 0));
    return header;
  }

  callbacks(): DfuCallbacks {
    return {
      initiated: (alt) => {
        // dfu_initiated_callback: a new transaction on the current partition resumes at the offset.
        if (this.curPart && alt === this.altOf(this.curPart)) return this.offset;
        return 0;
      },
      error: (alt, message) => {
        if (this.curPart && alt === this.altOf(this.curPart)) this.err(message);
      },
      flushed: (alt, totalBytes) => this.flushed(alt, totalBytes),
      detach: () => this.env.signal({ type: 'detach' }),
      injectWriteError: (alt, offsetBytes, lengthBytes) => {
        const fault = this.env.faults.writeError;
        if (!fault || !this.writeErrorArmed || !this.curPart || alt !== this.altOf(this.curPart))
          return false;
        if (fault.partitionId !== null && fault.partitionId !== this.curPart.part.id) return false;
        if (offsetBytes + lengthBytes <= fault.atOffsetBytes) return false;
        this.writeErrorArmed = false;
        return true;
      },
    };
  }

  /** dfu_flush_callback (S1). */
  private flushed(alt: number, totalBytes: number): { durationMs: number; failure: string | null } {
    const entity = this.entityList[alt];
    if (!entity) return { durationMs: 0, failure: null };
    if (entity.commit) {
      const error = entity.commit();
      if (error !== null) this.err(error);
      return { durationMs: this.env.timing.ubootPhaseHookMs, failure: null };
    }
    if (entity.role === 'layout' && alt === 0 && this.phase === PHASE.flashLayout) {
      this.endLayoutPhase(this.layoutBuffer.slice(0, totalBytes));
      return { durationMs: this.env.timing.ubootLayoutParseMs, failure: null };
    }
    if (this.curPart && alt === this.altOf(this.curPart)) {
      const durationMs = this.endPartitionPhase(this.curPart, totalBytes);
      this.nextPhase();
      return { durationMs, failure: null };
    }
    return { durationMs: 0, failure: null };
  }

  /** Layout received (S1 stm32prog_end_phase): a script image, or parse it; errors go to GetPhase. */
  endLayoutPhase(bytes: Uint8Array): void {
    if (isLegacyUbootImage(bytes)) {
      this.script = true;
      this.phase = PHASE.end;
      this.env.console('U-Boot script received');
      this.env.received({
        phaseId: PHASE.flashLayout,
        altIndex: 0,
        bytes,
        accepted: true,
        verdict: 'U-Boot script',
      });
      return;
    }
    this.env.console(`FlashLayout received, size = ${bytes.length}`);
    const result = parseUbootLayout(bytes);
    if (!result.ok) {
      this.err(result.message);
      this.err('Layout: invalid FlashLayout');
    } else {
      this.parts = result.parts;
      if (this.env.faults.layoutRejectedMessage !== null) this.err(this.env.faults.layoutRejectedMessage);
    }
    const accepted = this.phase === PHASE.flashLayout;
    this.env.received({
      phaseId: PHASE.flashLayout,
      altIndex: 0,
      bytes,
      accepted,
      verdict: accepted ? null : this.error,
    });
  }

  /** The hooks of §5.5 for the partition just flushed; returns their duration. */
  private endPartitionPhase(placed: PlacedPartition, totalBytes: number): number {
    const progress = this.progress.get(placed.part.id) ?? { bytesWritten: 0, completed: false };
    progress.completed = true;
    this.progress.set(placed.part.id, progress);
    const part = placed.part;
    if (placed.device.spec.kind === 'ram') {
      if (part.type === 'System') this.bootArtifacts.kernelAddress = placed.offsetBytes;
      if (part.type === 'FileSystem') this.bootArtifacts.dtbAddress = placed.offsetBytes;
      if (part.type === 'Binary')
        this.bootArtifacts.initrd = { address: placed.offsetBytes, sizeBytes: totalBytes };
    }
    if (placed.device.spec.kind === 'mmc' && part.hwPartition !== 0) {
      const d = placed.device.spec.instance;
      this.env.console(`mmc bootbus ${d} 0 0 0; mmc partconf ${d} 1 ${part.hwPartition} 0`);
      placed.device.activeBootPartition = part.hwPartition;
    }
    if (part.binaryCopies > 1 && !this.copyFsbl(placed)) {
      this.err(`${part.name} (0x${part.id.toString(16)}): copy of fsbl failed`);
    }
    return this.env.timing.ubootPhaseHookMs;
  }

  /** `Binary(N)` on NAND: N−1 more copies, each at the next erase-size-aligned slot (§5.5). */
  private copyFsbl(placed: PlacedPartition): boolean {
    const spec = placed.device.spec;
    if (spec.kind !== 'nand' && spec.kind !== 'spi-nand') return false;
    const head = placed.device.user.read(placed.offsetBytes, Math.min(0x200, placed.sizeBytes));
    const header = ubootRecognizedHeader(head);
    if (!header) return false;
    const raw = header.headerSizeBytes + header.imageLengthBytes;
    const slot = Math.ceil(raw / spec.eraseSizeBytes) * spec.eraseSizeBytes;
    const image = placed.device.user.read(placed.offsetBytes, Math.min(slot, placed.sizeBytes));
    for (let copy = 1; copy < placed.part.binaryCopies; copy++) {
      if ((copy + 1) * slot > placed.sizeBytes) return false;
      placed.device.user.write(placed.offsetBytes + copy * slot, image);
    }
    return true;
  }

  /** Next selected, non-empty id above the current phase, or END (S1 stm32prog_next_phase). */
  nextPhase(): void {
    if (this.phase === PHASE.reset || this.phase === PHASE.end || this.phase === PHASE_DO_RESET) return;
    this.curPart = null;
    let phase = this.phase;
    this.phase = PHASE.end;
    while (++phase <= PHASE.lastUser) {
      const part = this.parts.find((p) => p.id === phase);
      if (!part) continue;
      if (part.select && !part.empty) {
        this.curPart = this.placed.find((p) => p.part === part) ?? null;
        this.phase = phase;
        break;
      }
    }
    if (this.phase === PHASE.end) this.env.console('Phase=END');
  }

  /** Phase command (§4.4): set phase and resume offset; the phase must exist in the layout. */
  private setPhase(phase: number, offset: number): boolean {
    if (phase === this.phase) {
      this.offset = offset;
      return true;
    }
    const part = this.parts.find((p) => p.id === phase);
    if (!part) return false;
    this.curPart = this.placed.find((p) => p.part === part) ?? null;
    this.phase = phase;
    this.offset = offset;
    return true;
  }

  /** After DETACH in the 1st enumeration (S2 stm32prog_usb_loop). */
  afterFirstDetach(): AfterDetach {
    if (this.phase === PHASE_DO_RESET) {
      return { kind: 'leave', reset: false, reason: 'stm32prog left after a layout error (no reset, §4.5)' };
    }
    let durationMs = 0;
    if (this.phase === PHASE.flashLayout && this.parts.length > 0) {
      const semantic = checkPartitionList(this.parts);
      if (semantic !== null) {
        this.err(semantic);
      } else {
        const init = initDevices(this.parts, this.cfg.storage, this.env.timing);
        init.consoleLines.forEach((line) => this.env.console(line));
        durationMs += init.durationMs;
        if (init.ok) this.placed = init.placed;
        else this.err(init.message);
      }
      if (this.placed.length === 0) this.parts = [];
    }
    this.nextPhase();
    this.buildEntities();
    return { kind: 'enumerate', durationMs };
  }

  /** After DETACH in the 2nd enumeration: a reset only if 0xFF had been read (§4.5, S2, S4). */
  afterSecondDetach(): { reset: boolean; done: boolean } {
    return { reset: this.phase === PHASE_DO_RESET, done: this.phase === PHASE.end };
  }
}
