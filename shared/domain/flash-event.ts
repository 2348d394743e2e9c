import type { BoardIdentity } from './board-identity.js';
import type { Diagnosis } from './diagnosis.js';
import type { HostFacts } from './host-facts.js';
import type { ErrorCode } from '../error-codes.js';

/** Boot stages the host talks to, in order. */
export type BootStage = 'rom' | 'tfa' | 'uboot-layout' | 'uboot-partitions';

/** What a wait for a re-enumeration follows; these name the `no-reenumeration` variants. */
export type WaitAfter = 'start' | 'after-fsbl' | 'after-ddr-fip' | 'after-fip' | 'after-layout';

export type SocId = 'mp15' | 'mp13' | 'mp25';

/** What the ST layer made of an identity. */
export interface StageInfo {
  stage: BootStage | 'unknown';
  soc: SocId | null;
  deviceId: number | null;
  revisionId: number | null;
  socName: string | null;
}

export interface ErrorData {
  code: ErrorCode;
  message: string;
  hint: string | null;
  fields: Record<string, unknown>;
}

export type FlashPhase = 'preflight' | BootStage | 'done';

/**
 * The one event stream of a flash session. The journal, the identity timeline, the diagnosis and the
 * GUI are all reductions of it. Every event carries `tMs` (monotonic ms since the session started)
 * and `at` (wall clock, ISO 8601).
 */
export type FlashEventBody =
  | {
      type: 'session-start';
      sessionId: string;
      layoutPath: string;
      target: { portPath: string | null; serial: string | null };
      host: HostFacts;
      appVersion: string;
    }
  | {
      type: 'preflight';
      level: 'info' | 'warning' | 'error';
      code: string;
      message: string;
      hint: string | null;
    }
  | { type: 'stage'; phase: FlashPhase; info: StageInfo | null; connectionId: string | null }
  | {
      type: 'identity';
      change: 'connect' | 'disconnect';
      /** `target` = the board being flashed (same port path); `other` = anything else on the bus. */
      role: 'target' | 'other';
      identity: BoardIdentity;
      info: StageInfo;
      /** Set when the same port path came back with another serial, or without one. */
      serialNote: 'changed' | 'vanished' | null;
    }
  | {
      type: 'wait-start';
      after: WaitAfter;
      expecting: BootStage[];
      portPath: string | null;
      timeoutMs: number;
      deadlineAt: string;
    }
  | {
      type: 'wait-end';
      after: WaitAfter;
      result: 'arrived' | 'timeout' | 'cancelled' | 'wrong-board' | 'board-reset' | 'inaccessible';
      elapsedMs: number;
      connectionId: string | null;
    }
  | {
      type: 'phase';
      stage: BootStage;
      phase: number;
      address: number;
      offset: number;
      needDetach: boolean | null;
      errorText: string | null;
    }
  | { type: 'dfu-anomaly'; stage: BootStage; kind: string; detail: string }
  | { type: 'detach'; stage: BootStage; tolerated: string | null }
  | {
      type: 'partition-start';
      stage: BootStage;
      phaseId: number;
      name: string;
      alt: number;
      sizeBytes: number;
      file: string | null;
    }
  | {
      type: 'partition-progress';
      phaseId: number;
      bytesSent: number;
      totalBytes: number;
      rateBytesPerS: number;
      etaMs: number | null;
    }
  | {
      type: 'partition-end';
      phaseId: number;
      ok: boolean;
      bytesSent: number;
      durationMs: number;
      rateBytesPerS: number;
    }
  | { type: 'error'; stage: FlashPhase; error: ErrorData }
  | {
      type: 'outcome';
      ok: boolean;
      cancelled: boolean;
      symptom: Diagnosis['symptom'] | null;
      diagnosis: Diagnosis | null;
      durationMs: number;
      partitionsWritten: number;
      bytesWritten: number;
    };

export type FlashEvent = FlashEventBody & { tMs: number; at: string };
export type FlashEventType = FlashEvent['type'];
