import type { BoardIdentity } from '../../../shared/domain/board-identity.js';
import type { BootStage, FlashEvent, StageInfo } from '../../../shared/domain/flash-event.js';

export type SessionOutcome = 'ok' | 'failed' | 'cancelled' | 'unfinished';

export interface SessionSummary {
  sessionId: string | null;
  startedAt: string | null;
  layoutPath: string | null;
  requestedTarget: { portPath: string | null; serial: string | null } | null;
  appVersion: string | null;
  /** The target board as last seen on the bus. */
  board: { identity: BoardIdentity; info: StageInfo } | null;
  soc: { id: string | null; name: string | null; deviceId: number | null; revisionId: number | null };
  outcome: SessionOutcome;
  durationMs: number;
  partitionsWritten: number | null;
  bytesWritten: number | null;
}

export interface PartitionRow {
  phaseId: number;
  name: string;
  stage: BootStage;
  alt: number;
  file: string | null;
  sizeBytes: number;
  bytesSent: number;
  startMs: number;
  durationMs: number | null;
  rateBytesPerS: number | null;
  result: 'written' | 'failed' | 'interrupted';
}

/** What a report's summary needs, in one pass over the events. */
export function summarizeSession(events: readonly FlashEvent[]): SessionSummary {
  const summary: SessionSummary = {
    sessionId: null,
    startedAt: null,
    layoutPath: null,
    requestedTarget: null,
    appVersion: null,
    board: null,
    soc: { id: null, name: null, deviceId: null, revisionId: null },
    outcome: 'unfinished',
    durationMs: 0,
    partitionsWritten: null,
    bytesWritten: null,
  };
  for (const event of events) {
    summary.durationMs = Math.max(summary.durationMs, event.tMs);
    switch (event.type) {
      case 'session-start':
        summary.sessionId = event.sessionId;
        summary.startedAt = event.at;
        summary.layoutPath = event.layoutPath;
        summary.requestedTarget = event.target;
        summary.appVersion = event.appVersion;
        break;
      case 'identity':
        if (event.role === 'target' && event.change === 'connect') {
          summary.board = { identity: event.identity, info: event.info };
          noteSoc(summary, event.info);
        }
        break;
      case 'stage':
        if (event.info) noteSoc(summary, event.info);
        break;
      case 'outcome':
        summary.outcome = event.ok ? 'ok' : event.cancelled ? 'cancelled' : 'failed';
        summary.durationMs = event.durationMs;
        summary.partitionsWritten = event.partitionsWritten;
        summary.bytesWritten = event.bytesWritten;
        break;
      default:
        break;
    }
  }
  return summary;
}

function noteSoc(summary: SessionSummary, info: StageInfo): void {
  summary.soc.id = info.soc ?? summary.soc.id;
  summary.soc.name = info.socName ?? summary.soc.name;
  summary.soc.deviceId = info.deviceId ?? summary.soc.deviceId;
  summary.soc.revisionId = info.revisionId ?? summary.soc.revisionId;
}

/** Every download of the session, in order, with how it ended. */
export function partitionRows(events: readonly FlashEvent[]): PartitionRow[] {
  const rows: PartitionRow[] = [];
  const open = new Map<number, PartitionRow>();
  for (const event of events) {
    if (event.type === 'partition-start') {
      const row: PartitionRow = {
        phaseId: event.phaseId,
        name: event.name,
        stage: event.stage,
        alt: event.alt,
        file: event.file,
        sizeBytes: event.sizeBytes,
        bytesSent: 0,
        startMs: event.tMs,
        durationMs: null,
        rateBytesPerS: null,
        result: 'interrupted',
      };
      rows.push(row);
      open.set(event.phaseId, row);
    } else if (event.type === 'partition-progress') {
      const row = open.get(event.phaseId);
      if (row) {
        row.bytesSent = event.bytesSent;
        row.rateBytesPerS = event.rateBytesPerS;
        row.durationMs = event.tMs - row.startMs;
      }
    } else if (event.type === 'partition-end') {
      const row = open.get(event.phaseId);
      if (row) {
        row.bytesSent = event.bytesSent;
        row.durationMs = event.durationMs;
        row.rateBytesPerS = event.rateBytesPerS;
        row.result = event.ok ? 'written' : 'failed';
        open.delete(event.phaseId);
      }
    }
  }
  return rows;
}

/**
 * The board a FlashLayout is for, when its name follows ST's pattern
 * (FlashLayout_sdcard_stm32mp157f-dk2-optee.tsv → stm32mp157f-dk2). USB does not tell the board model.
 */
export function boardFromLayoutName(layoutPath: string | null): string | null {
  if (!layoutPath) return null;
  const name = layoutPath.split(/[\\/]/).pop() ?? '';
  return /stm32mp\d{3}[a-z]?-[a-z]+\d*/i.exec(name)?.[0]?.toLowerCase() ?? null;
}
