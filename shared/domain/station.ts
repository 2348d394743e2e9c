import type { SymptomCode } from './diagnosis.js';
import type { BootStage, FlashPhase, SocId } from './flash-event.js';
import type { ErrorCode } from '../error-codes.js';

/**
 * Production operator mode: what a station shows (slot cards, shift counters, notices), the events
 * the engine emits, and the per-unit records it appends. Plain JSON-shaped types: they cross IPC to
 * the kiosk window and are written as JSON lines.
 */

export const STATION_PROFILE_SCHEMA_VERSION = 1;
export const STATION_RECORD_SCHEMA = 1;

export type SlotState = 'empty' | 'ready' | 'flashing' | 'pass' | 'fail' | 'refused';

/** The board currently (or last) in a slot, as the station saw it arrive. */
export interface SlotBoard {
  serial: string | null;
  soc: SocId | null;
  stage: BootStage | 'unknown';
  /** False once it left the port (a finished unit taken out, or between re-enumerations). */
  present: boolean;
}

/** Why a board was not flashed. `not-in-slot` is only ever a notice: such a port has no card. */
export type RefusalReason = 'serial-pattern' | 'no-serial' | 'soc-mismatch' | 'not-in-slot';

/** `interrupted`: the station stopped (closed, crashed, power cut) while the unit was in flight. */
export type UnitOutcome = 'pass' | 'fail' | 'cancelled' | 'interrupted' | 'refused';

export interface UnitResult {
  unitId: string;
  outcome: 'pass' | 'fail' | 'cancelled';
  symptom: SymptomCode | null;
  /** One sentence an operator can act on (`OUTCOME_SENTENCES` / `SYMPTOM_OPERATOR_SENTENCES`). */
  sentence: string;
  serial: string | null;
  durationMs: number;
  endedAt: string;
  /** The unit's session journal, relative to the records folder; null when it could not be written. */
  journalPath: string | null;
}

/** `verifying`: the pinned files are being re-hashed before the flash starts. */
export type FlashingStage = 'verifying' | 'waiting' | FlashPhase;

export type SlotStatus =
  | { state: 'empty' }
  | { state: 'ready' }
  | {
      state: 'flashing';
      unitId: string;
      startedAt: string;
      stage: FlashingStage;
      /** 0..100 over the bytes the layout sends; 100 only with the outcome. */
      percent: number;
      partition: string | null;
    }
  | { state: 'pass'; result: UnitResult }
  | { state: 'fail'; result: UnitResult }
  | { state: 'refused'; reason: RefusalReason; sentence: string };

export type SlotCard = { label: string; portPath: string; board: SlotBoard | null } & SlotStatus;

export interface ShiftCounters {
  passed: number;
  failed: number;
  refused: number;
  interrupted: number;
  cancelled: number;
  /** passed / (passed + failed) in percent; null before the first flashed unit. */
  yieldPercent: number | null;
  /** When the counters were last cleared (ISO 8601); null when never. */
  since: string | null;
}

/** A board on a port that is not one of the station's slots: shown, never flashed, never opened. */
export interface UnassignedPortNotice {
  portPath: string;
  serial: string | null;
  stage: BootStage | 'unknown';
  seenAt: string;
  sentence: string;
}

/** The station refuses to start anything (a pinned file changed, the records cannot be written). */
export interface StationBlock {
  code: ErrorCode;
  message: string;
  hint: string | null;
  at: string;
}

export interface PinnedFilesVerification {
  at: string;
  durationMs: number;
  files: number;
  bytes: number;
  layoutSha256: string;
}

export interface StationProfileSummary {
  name: string;
  profilePath: string;
  profileSha256: string;
  layoutPath: string;
  layoutSha256: string;
  soc: SocId;
  autoStart: boolean;
  serialPattern: string | null;
  recordsDir: string;
  slots: { label: string; portPath: string }[];
}

export interface StationSnapshot {
  profile: StationProfileSummary;
  slots: SlotCard[];
  counters: ShiftCounters;
  unassigned: UnassignedPortNotice[];
  blocked: StationBlock | null;
  lastVerification: PinnedFilesVerification | null;
}

/** Actions behind the admin PIN; `check` only tests the PIN. */
export type LockAction = 'check' | 'leave-operator-mode' | 'switch-profile' | 'clear-counters';

export type PinCheckResult = { ok: true } | { ok: false; retryAfterMs: number };

export type StationEvent =
  | { type: 'slot'; slot: SlotCard }
  | { type: 'counters'; counters: ShiftCounters }
  | { type: 'unassigned'; unassigned: UnassignedPortNotice[] }
  | { type: 'blocked'; blocked: StationBlock | null }
  | { type: 'verified'; verification: PinnedFilesVerification }
  | { type: 'unit-recorded'; record: UnitRecord }
  | { type: 'pin'; action: LockAction; result: PinCheckResult };

/** Folds an event into a snapshot; the kiosk keeps one snapshot and applies every event it receives. */
export function applyStationEvent(snapshot: StationSnapshot, event: StationEvent): StationSnapshot {
  switch (event.type) {
    case 'slot':
      return {
        ...snapshot,
        slots: snapshot.slots.map((slot) => (slot.label === event.slot.label ? event.slot : slot)),
      };
    case 'counters':
      return { ...snapshot, counters: event.counters };
    case 'unassigned':
      return { ...snapshot, unassigned: event.unassigned };
    case 'blocked':
      return { ...snapshot, blocked: event.blocked };
    case 'verified':
      return { ...snapshot, lastVerification: event.verification };
    case 'unit-recorded':
    case 'pin':
      return snapshot;
  }
}

// ---- records (JSON lines, append-only; see main/station/records) ----

interface UnitRecordBase {
  schema: typeof STATION_RECORD_SCHEMA;
  unitId: string;
  startedAt: string;
  /** The station's host name. */
  station: string;
  slot: string;
  portPath: string;
  serial: string | null;
  soc: SocId | null;
  profileName: string;
  profileSha256: string;
  layoutSha256: string;
  /** Relative to the records folder. */
  journalPath: string | null;
  appVersion: string;
}

/** Written (and synced) before anything is sent to the board; resolved by the unit's final record. */
export interface InFlightRecord extends UnitRecordBase {
  kind: 'in-flight';
}

export interface UnitRecord extends UnitRecordBase {
  kind: 'unit';
  endedAt: string;
  outcome: UnitOutcome;
  symptom: SymptomCode | null;
  refusal: RefusalReason | null;
  /** The operator sentence shown for this unit. */
  message: string;
  /** null for an interrupted unit (the end was never seen) and a refused one (never started). */
  durationMs: number | null;
}

export type AuditEventName =
  | 'station-started'
  | 'station-stopped'
  | 'pin-accepted'
  | 'pin-refused'
  | 'pin-locked-out'
  | 'counters-cleared'
  | 'files-changed';

export interface AuditRecord {
  kind: 'audit';
  schema: typeof STATION_RECORD_SCHEMA;
  at: string;
  station: string;
  event: AuditEventName;
  action: LockAction | null;
  detail: string | null;
  /**
   * pin-* events: the PIN lock after the attempt, so a restart resumes the back-off instead of
   * granting fresh free guesses. Absent in records written before it existed.
   */
  pin?: { failures: number; retryAfterMs: number };
}

export type StationRecordLine = InFlightRecord | UnitRecord | AuditRecord;

// ---- operator words (one table, used by the engine, the CLI and the kiosk) ----

export const OUTCOME_SENTENCES = {
  pass: 'Flashed; take the board out.',
  interrupted: 'The station stopped while this board was being flashed; flash it again.',
} as const;

/** One sentence per symptom, for an operator: what happened and what to do with the board. */
export const SYMPTOM_OPERATOR_SENTENCES: Record<SymptomCode, string> = {
  'board-not-found':
    'No board answered in this slot; check that it is seated and in USB boot mode, then start again.',
  'no-reenumeration': 'The board did not come back during flashing; set it aside for an engineer.',
  'device-not-responding': 'The board stopped answering; set it aside for an engineer.',
  'reenumerated-inaccessible':
    'The station could not open the board after it restarted; call an engineer (station setup).',
  'different-board':
    'A different board answered in this slot; check that each slot holds one board, then start again.',
  'board-reset': 'The board restarted during flashing; set it aside for an engineer.',
  'fsbl-rejected': 'The board refused its first boot image; set it aside for an engineer.',
  'fip-rejected': 'The board refused its boot firmware; set it aside for an engineer.',
  'layout-rejected': 'The board refused the flash layout; call an engineer (station profile).',
  'partition-write-failed': "The board's storage could not be written; set it aside for an engineer.",
  'device-unplugged': 'The board was unplugged during flashing; plug it back in and flash it again.',
  'device-error': 'The board reported an error; set it aside for an engineer.',
  cancelled: 'Flashing was stopped before the end; flash this board again.',
};

export function refusalSentence(
  reason: RefusalReason,
  facts: { serial: string | null; soc: SocId | null; expectedSoc: SocId; portPath: string },
): string {
  switch (reason) {
    case 'serial-pattern':
      return `Serial number ${facts.serial ?? '?'} is not one this station may flash; take the board out.`;
    case 'no-serial':
      return 'This board reports no serial number and this station only flashes listed serial numbers; take it out.';
    case 'soc-mismatch':
      return `This board is an STM32${(facts.soc ?? '?').toUpperCase()}, not the STM32${facts.expectedSoc.toUpperCase()} this station flashes; take it out.`;
    case 'not-in-slot':
      return `A board is plugged into port ${facts.portPath}, which is not a slot of this station; it will not be flashed.`;
  }
}
