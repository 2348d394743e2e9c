import type { FlashEvent } from '../../shared/domain/flash-event.js';
import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import type { SocId } from '../../shared/domain/flash-event.js';
import type { InFlightRecord, UnitRecord } from '../../shared/domain/station.js';
import {
  OUTCOME_SENTENCES,
  STATION_RECORD_SCHEMA,
  SYMPTOM_OPERATOR_SENTENCES,
} from '../../shared/domain/station.js';
import type { HostFacts } from '../../shared/domain/host-facts.js';
import { isAppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import type { StageTimeouts } from '../flash/stage-timeouts.js';
import { runFlashSession } from '../flash/flash-session.js';
import { JournalWriter } from '../session/journal/journal-writer.js';
import type { UsbBus } from '../transport/usb-transport.js';
import type { StationRecords } from './records/station-records.js';
import { UnitProgress } from './unit-progress.js';

export interface FlashUnitContext {
  bus: UsbBus;
  clock: Clock;
  host: HostFacts;
  appVersion: string;
  records: StationRecords;
  profileName: string;
  profileSha256: string;
  layoutSha256: string;
  plan: FlashPlan;
  timeouts: StageTimeouts;
  warn: (message: string) => void;
}

export interface UnitRequest {
  unitId: string;
  slot: string;
  portPath: string;
  serial: string | null;
  soc: SocId | null;
  signal: AbortSignal;
  onProgress: (progress: UnitProgress) => void;
}

/** `not-started`: the in-flight marker could not be written, so nothing was sent to the board. */
export type FlashUnitOutcome =
  { kind: 'recorded'; record: UnitRecord; recordError: unknown } | { kind: 'not-started'; error: unknown };

/**
 * One unit, start to record: a journal in the records folder, an in-flight marker synced to disk
 * before the first USB request, the flash session following this slot's port path (and the serial
 * the board arrived with), then the unit record that resolves the marker.
 */
export async function flashUnit(context: FlashUnitContext, request: UnitRequest): Promise<FlashUnitOutcome> {
  const { clock, records } = context;
  const startedAt = clock.wallNow();
  const journal = await JournalWriter.create(records.journalsDir, request.unitId, startedAt).catch(
    (error: unknown) => {
      context.warn(`slot ${request.slot}: no journal for unit ${request.unitId}: ${describe(error)}`);
      return null;
    },
  );
  const base = {
    schema: STATION_RECORD_SCHEMA,
    unitId: request.unitId,
    startedAt: startedAt.toISOString(),
    station: records.station,
    slot: request.slot,
    portPath: request.portPath,
    serial: request.serial,
    soc: request.soc,
    profileName: context.profileName,
    profileSha256: context.profileSha256,
    layoutSha256: context.layoutSha256,
    journalPath: journal ? records.relative(journal.filePath) : null,
    appVersion: context.appVersion,
  } as const;
  const marker: InFlightRecord = { kind: 'in-flight', ...base };
  try {
    await records.append(marker);
  } catch (error) {
    await journal?.close().catch(() => undefined);
    return { kind: 'not-started', error };
  }

  const progress = new UnitProgress(context.plan);
  const startMs = clock.nowMs();
  let outcome: UnitRecord['outcome'];
  let symptom: UnitRecord['symptom'];
  let durationMs: number;
  try {
    const result = await runFlashSession(
      {
        bus: context.bus,
        clock,
        host: context.host,
        appVersion: context.appVersion,
        onEvent: (event: FlashEvent) => {
          journal?.write(event);
          if (progress.apply(event)) request.onProgress(progress);
        },
      },
      {
        plan: context.plan,
        target: { portPath: request.portPath, serial: request.serial },
        timeouts: context.timeouts,
        signal: request.signal,
        sessionId: request.unitId,
      },
    );
    outcome = result.ok ? 'pass' : result.cancelled ? 'cancelled' : 'fail';
    symptom = result.diagnosis?.symptom ?? (result.cancelled ? 'cancelled' : null);
    durationMs = result.durationMs;
  } catch (error) {
    // runFlashSession throws only for a plan it refuses; the slot fails, the others go on
    context.warn(`slot ${request.slot}: the flash could not start: ${describe(error)}`);
    outcome = 'fail';
    symptom = 'device-error';
    durationMs = clock.nowMs() - startMs;
  }
  await journal?.close().catch((error: unknown) => context.warn(describe(error)));

  const record: UnitRecord = {
    kind: 'unit',
    ...base,
    endedAt: clock.wallNow().toISOString(),
    outcome,
    symptom: outcome === 'pass' ? null : symptom,
    refusal: null,
    message:
      outcome === 'pass' ? OUTCOME_SENTENCES.pass : SYMPTOM_OPERATOR_SENTENCES[symptom ?? 'device-error'],
    durationMs: Math.round(durationMs),
  };
  let recordError: unknown = null;
  try {
    await records.append(record);
  } catch (error) {
    recordError = error;
  }
  return { kind: 'recorded', record, recordError };
}

export function describe(error: unknown): string {
  if (isAppError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}
