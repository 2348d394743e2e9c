import type { Diagnosis } from '../../shared/domain/diagnosis.js';
import type { FlashEvent } from '../../shared/domain/flash-event.js';
import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import type { HostFacts } from '../../shared/domain/host-facts.js';
import type { Clock } from '../core/clock.js';
import type { UsbBus } from '../transport/usb-transport.js';
import type { BoardTarget } from './board-follower.js';
import type { StageTimeouts } from './stage-timeouts.js';

/** What a flash session needs from outside; the composition roots (CLI, Electron, web mode) build it. */
export interface FlashSessionDeps {
  bus: UsbBus;
  clock: Clock;
  host: HostFacts;
  appVersion: string;
  /** Every FlashEvent, in order, as it happens (journal, UI, CLI printer). */
  onEvent: (event: FlashEvent) => void;
}

export interface FlashSessionRequest {
  plan: FlashPlan;
  /** The board: by port path, by serial, or (both null) the only ST DFU board on the bus. */
  target: BoardTarget;
  timeouts?: Partial<StageTimeouts>;
  signal?: AbortSignal;
  /** Send DETACH after the board reports 0xFE so U-Boot leaves stm32prog (default true). */
  detachAtEnd?: boolean;
  /** Stable id for the journal and the UI; generated when absent. */
  sessionId?: string;
}

export interface FlashSessionResult {
  sessionId: string;
  ok: boolean;
  cancelled: boolean;
  diagnosis: Diagnosis | null;
  durationMs: number;
  partitionsWritten: number;
  bytesWritten: number;
  /** Port path and serial of the board that was flashed (learned during the session). */
  board: BoardTarget;
}
