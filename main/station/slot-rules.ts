import { randomUUID } from 'node:crypto';
import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { StageInfo } from '../../shared/domain/flash-event.js';
import type {
  RefusalReason,
  SlotBoard,
  SlotStatus,
  StationBlock,
  UnitRecord,
} from '../../shared/domain/station.js';
import { STATION_RECORD_SCHEMA, refusalSentence } from '../../shared/domain/station.js';
import { isAppError } from '../core/app-error.js';
import { describe } from './flash-unit.js';
import type { LoadedStationProfile } from './load-station-profile.js';

/**
 * A board that comes back on its slot with the serial of the unit just finished, this soon after the
 * outcome, is that unit rebooting (U-Boot resets after an error; a jig strapped for serial boot
 * brings the ROM back after a pass), not a new unit: it must not be flashed again by auto-start.
 */
export const SAME_UNIT_WINDOW_MS = 15_000;

export interface LastUnit {
  serial: string | null;
  endedAtMs: number;
}

export function boardOf(identity: BoardIdentity, info: StageInfo): SlotBoard {
  return { serial: identity.serial, soc: info.soc, stage: info.stage, present: true };
}

export function isSameUnit(last: LastUnit | null, identity: BoardIdentity, nowMs: number): boolean {
  return (
    last !== null &&
    identity.serial !== null &&
    identity.serial === last.serial &&
    nowMs - last.endedAtMs <= SAME_UNIT_WINDOW_MS
  );
}

/** The serial pattern first (it is the station's allowlist), then the SoC the profile flashes. */
export function refusalFor(
  identity: BoardIdentity,
  info: StageInfo,
  loaded: LoadedStationProfile,
): RefusalReason | null {
  const pattern = loaded.serialRegex;
  if (pattern) {
    if (identity.serial === null) return 'no-serial';
    if (!pattern.test(identity.serial)) return 'serial-pattern';
  }
  if (info.soc !== null && info.soc !== loaded.profile.soc) return 'soc-mismatch';
  return null;
}

export function refusedStatus(
  reason: RefusalReason,
  identity: BoardIdentity,
  info: StageInfo,
  loaded: LoadedStationProfile,
): Extract<SlotStatus, { state: 'refused' }> {
  return {
    state: 'refused',
    reason,
    sentence: refusalSentence(reason, {
      serial: identity.serial,
      soc: info.soc,
      expectedSoc: loaded.profile.soc,
      portPath: identity.portPath,
    }),
  };
}

/** A refused board is a unit too: the MES sees that a wrong board was presented, and where. */
export function refusalRecord(
  refused: Extract<SlotStatus, { state: 'refused' }>,
  facts: {
    slot: string;
    portPath: string;
    identity: BoardIdentity;
    info: StageInfo;
    at: string;
    station: string;
    appVersion: string;
    layoutSha256: string;
    loaded: LoadedStationProfile;
  },
): UnitRecord {
  return {
    kind: 'unit',
    schema: STATION_RECORD_SCHEMA,
    unitId: randomUUID(),
    startedAt: facts.at,
    station: facts.station,
    slot: facts.slot,
    portPath: facts.portPath,
    serial: facts.identity.serial,
    soc: facts.info.soc,
    profileName: facts.loaded.profile.name,
    profileSha256: facts.loaded.profileSha256,
    layoutSha256: facts.layoutSha256,
    journalPath: null,
    appVersion: facts.appVersion,
    endedAt: facts.at,
    outcome: 'refused',
    symptom: null,
    refusal: refused.reason,
    message: refused.sentence,
    durationMs: null,
  };
}

export function stationBlockOf(error: unknown, at: string): StationBlock {
  return {
    code: isAppError(error) ? error.code : 'internal',
    message: describe(error),
    hint: isAppError(error) ? error.hint : null,
    at,
  };
}
