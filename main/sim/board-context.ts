import type { Clock } from '../core/clock.js';
import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { BusEvent } from '../transport/usb-transport.js';
import type { FaultPlan } from './fault-scenarios.js';
import type { InvariantRule, InvariantViolation } from './invariants.js';
import type { RequestEngine } from './request-engine.js';
import type { SimScheduler } from './sim-scheduler.js';
import type { SocProfile } from './soc-profiles.js';
import type { DfuStage, ReceivedImage, SimStage, StageEnv, StageSignal } from './stage-types.js';
import type { BoardStorage } from './storage-devices.js';
import type { TimingModel } from './timing-model.js';
import { TransferLog } from './transfer-log.js';
import type { StageIdentity } from './rom-stage.js';
import type { UbootVariant } from './uboot-stage.js';

/** Where a simulated board is in its life. */
export type BoardStage =
  | 'unplugged'
  | SimStage
  /** Off the bus between two enumerations (booting the next stage, device init, reset). */
  | 'in-transition'
  /** Off the bus for good: a panic, U-Boot without USB, stm32prog left, an application started. */
  | 'halted';

export interface BoardEvent {
  atMs: number;
  event: string;
  detail: string | null;
}

/** What the bus gives a board it powers. */
export interface BoardHost {
  readonly clock: Clock;
  readonly portPath: string;
  nextConnectionId(): string;
  /** Delivers a bus event to subscribers asynchronously; hidden identities are not delivered. */
  announce(event: BusEvent, hidden: boolean): void;
  /** Scenario second-board: plug another board on another port. */
  plugCompanion(options: { serial: string | null; portPath: string | null }): void;
  /** Scenario unplug: the cable is pulled. */
  unplugSelf(): void;
}

export interface Connection {
  id: string;
  identity: BoardIdentity;
  /** Hidden from the host (scenario vm-filter): not listed, no events, cannot be opened. */
  hidden: boolean;
  openDenied: boolean;
  stage: SimStage;
}

export interface BoardSettings {
  label: string;
  profile: SocProfile;
  timing: TimingModel;
  faults: FaultPlan;
  random: () => number;
  revisionId: number;
  socName: string;
  serial: string;
  uidWords: readonly [number, number, number];
  fullSpeed: boolean;
  secureClosed: boolean;
  legacyTfa: boolean;
  legacyUboot: boolean;
  ubootVariant: UbootVariant;
  dfuBufferSizeBytes: number;
  transferLogLimit: number;
  otpAlt: boolean;
  pmicAlt: boolean;
  bootSource: 'serial' | 'flash';
  requestedPortPath: string | null;
}

const STAGE_ORDER: Record<SimStage, number> = { rom: 0, tfa: 1, 'uboot-layout': 2, 'uboot-flash': 3 };

/** State shared by the board facade, its lifecycle and its request handling. */
export class BoardContext {
  readonly log: TransferLog;
  readonly violations: InvariantViolation[] = [];
  readonly consoleLines: { atMs: number; text: string }[] = [];
  readonly history: BoardEvent[] = [];
  readonly received: ReceivedImage[] = [];
  readonly otp: Uint8Array;
  readonly pmicNvm: Uint8Array;
  host: BoardHost | null = null;
  scheduler: SimScheduler | null = null;
  engine: RequestEngine | null = null;
  connection: Connection | null = null;
  stage: DfuStage | null = null;
  boardStage: BoardStage = 'unplugged';
  haltReason: string | null = null;
  /** Signals raised by the stage while it handles the current request. */
  pendingSignals: StageSignal[] = [];
  /** The log entry being serviced, so violations can point at it. */
  currentLogSeq: number | null = null;
  /** MP15 scenario tfa-crash: the ROM jumped into a dead FSBL; nobody services ep0 (§3.4). */
  firmwareDead = false;

  constructor(
    readonly settings: BoardSettings,
    readonly storage: BoardStorage,
  ) {
    this.log = new TransferLog(() => this.nowMs(), settings.transferLogLimit);
    this.otp = buildOtp(settings);
    // STPMIC1 NVM registers 0xF8–0xFF: arbitrary but fixed defaults.
    this.pmicNvm = Uint8Array.of(0xee, 0x92, 0xc0, 0x02, 0xfa, 0x30, 0x00, 0x33);
  }

  nowMs(): number {
    return this.host ? this.host.clock.nowMs() : 0;
  }

  note(event: string, detail: string | null = null): void {
    this.history.push({ atMs: this.nowMs(), event, detail });
  }

  console(text: string): void {
    this.consoleLines.push({ atMs: this.nowMs(), text });
  }

  violation(rule: InvariantRule, message: string): void {
    this.violations.push({
      rule,
      atMs: this.nowMs(),
      connectionId: this.connection?.id ?? null,
      stage: this.connection?.stage ?? null,
      message,
      logSeq: this.currentLogSeq,
    });
  }

  /** The identity a stage presents, with the serial-change scenario applied (§2.3). */
  stageIdentity(stage: SimStage): StageIdentity {
    const s = this.settings;
    let serial: string | null = s.serial;
    const change = s.faults.serialChange;
    if (change && STAGE_ORDER[stage] >= STAGE_ORDER[change.stage]) {
      serial = change.serial === undefined ? alternateSerial(s.serial) : change.serial;
    }
    return {
      revisionId: s.revisionId,
      serial,
      socName: s.socName,
      fullSpeed: s.fullSpeed,
      secureClosed: s.secureClosed,
    };
  }

  /** The environment a stage (or stm32prog, which spans two enumerations) runs in. */
  stageEnv(stage?: SimStage): StageEnv {
    return {
      profile: this.settings.profile,
      timing: this.settings.timing,
      faults: this.settings.faults,
      nowMs: () => this.nowMs(),
      console: (line) => this.console(line),
      violation: (rule, message) => this.violation(rule, message),
      received: (image) =>
        this.received.push({
          ...image,
          stage: stage ?? this.connection?.stage ?? 'uboot-layout',
          atMs: this.nowMs(),
          connectionId: this.connection?.id ?? '',
        }),
      signal: (signal) => this.pendingSignals.push(signal),
    };
  }
}

export function stageAtLeast(stage: SimStage, reference: SimStage): boolean {
  return STAGE_ORDER[stage] >= STAGE_ORDER[reference];
}

/** A serial that differs from `serial` in its last UID word. */
export function alternateSerial(serial: string): string {
  const last = parseInt(serial.slice(-8), 16);
  return serial.slice(0, -8) + ((last + 1) >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** OTP shadow with the UID words in place (§2.3); word n at byte 4n, little-endian. */
function buildOtp(settings: BoardSettings): Uint8Array {
  const otp = new Uint8Array(settings.profile.otpAltSizeBytes);
  const view = new DataView(otp.buffer);
  settings.profile.uidOtpWords.forEach((word, i) => {
    if (word * 4 + 4 <= otp.length) view.setUint32(word * 4, settings.uidWords[i]! >>> 0, true);
  });
  return otp;
}
