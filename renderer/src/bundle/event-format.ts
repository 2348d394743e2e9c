import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { formatBytes, formatDuration } from '../app/format-units.js';

export type EventTone = 'info' | 'ok' | 'warn' | 'error';

export interface EventLine {
  tMs: number;
  type: FlashEvent['type'];
  text: string;
  tone: EventTone;
}

/** One line per recorded event for the bundle's events log (progress ticks are left out: too many). */
export function eventLines(events: readonly FlashEvent[]): EventLine[] {
  const lines: EventLine[] = [];
  for (const event of events) {
    const line = describeEvent(event);
    if (line) lines.push({ tMs: event.tMs, type: event.type, ...line });
  }
  return lines;
}

function describeEvent(event: FlashEvent): { text: string; tone: EventTone } | null {
  switch (event.type) {
    case 'session-start':
      return { text: `session started on ${event.target.portPath ?? 'the only board'}`, tone: 'info' };
    case 'preflight':
      return {
        text: `pre-flight ${event.code}: ${event.message}`,
        tone: event.level === 'error' ? 'error' : event.level === 'warning' ? 'warn' : 'info',
      };
    case 'stage':
      return { text: `stage ${event.phase}`, tone: 'info' };
    case 'identity':
      return {
        text: `${event.change} ${event.role} ${event.identity.portPath} (${event.info.stage})${event.identity.serial ? ` serial ${event.identity.serial}` : ''}`,
        tone: event.change === 'connect' ? 'ok' : 'info',
      };
    case 'wait-start':
      return {
        text: `waiting ${event.after} for ${event.expecting.join('/')} (timeout ${formatDuration(event.timeoutMs)})`,
        tone: 'info',
      };
    case 'wait-end':
      return {
        text: `wait ${event.after}: ${event.result} after ${formatDuration(event.elapsedMs)}`,
        tone: event.result === 'arrived' ? 'ok' : 'error',
      };
    case 'phase':
      return {
        text: `${event.stage} phase 0x${event.phase.toString(16).padStart(2, '0')}${event.errorText ? `: ${event.errorText}` : ''}`,
        tone: event.errorText ? 'error' : 'info',
      };
    case 'dfu-anomaly':
      return { text: `${event.stage} DFU anomaly ${event.kind}: ${event.detail}`, tone: 'warn' };
    case 'detach':
      return {
        text: `${event.stage} detach${event.tolerated ? ` (tolerated: ${event.tolerated})` : ''}`,
        tone: 'info',
      };
    case 'partition-start':
      return {
        text: `writing ${event.name} (${formatBytes(event.sizeBytes)}) to ${event.stage}`,
        tone: 'info',
      };
    case 'partition-progress':
      return null;
    case 'partition-end':
      return {
        text: `partition ${event.phaseId} ${event.ok ? 'written' : 'failed'}: ${formatBytes(event.bytesSent)} in ${formatDuration(event.durationMs)}`,
        tone: event.ok ? 'ok' : 'error',
      };
    case 'error':
      return { text: `${event.stage}: ${event.error.code}: ${event.error.message}`, tone: 'error' };
    case 'outcome':
      return {
        text: event.ok
          ? `succeeded: ${event.partitionsWritten} partitions, ${formatBytes(event.bytesWritten)}`
          : event.cancelled
            ? 'cancelled'
            : `failed: ${event.symptom ?? 'unknown'}`,
        tone: event.ok ? 'ok' : event.cancelled ? 'warn' : 'error',
      };
  }
}
