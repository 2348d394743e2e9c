import type { BootStage, FlashEvent } from '../../../shared/domain/flash-event.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';

/** Text that came from a journal is data: every character that means something to HTML is escaped. */
export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatRate(bytesPerS: number | null): string {
  return bytesPerS === null || !Number.isFinite(bytesPerS) || bytesPerS <= 0
    ? '—'
    : `${formatBytes(bytesPerS)}/s`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1) return '< 1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - m * 60)).padStart(2, '0')} s`;
}

export function hex(value: number | null, width = 2): string {
  if (value === null) return '—';
  return `0x${value.toString(16).toUpperCase().padStart(width, '0')}`;
}

/** "2026-12-01 10:06:47 UTC" — reports travel between time zones; UTC says so. */
export function formatWallClock(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export const STAGE_ORDER: readonly (BootStage | 'unknown')[] = [
  'rom',
  'tfa',
  'uboot-layout',
  'uboot-partitions',
  'unknown',
];

/** One line per event for the report's event log (progress events are left out by the caller). */
export function describeEvent(event: FlashEvent): string {
  switch (event.type) {
    case 'session-start':
      return `Session ${event.sessionId} started: layout ${event.layoutPath}${event.target.portPath ? `, port ${event.target.portPath}` : ''}${event.target.serial ? `, serial ${event.target.serial}` : ''}`;
    case 'preflight':
      return `Pre-flight ${event.level}: ${event.message}`;
    case 'stage':
      return `Stage: ${stageLabel(event.phase)}${event.connectionId ? ` on ${event.connectionId}` : ''}`;
    case 'identity':
      return `${event.change === 'connect' ? 'Connected' : 'Disconnected'} (${event.role}) ${event.identity.portPath}: ${event.identity.product ?? 'no product string'}${event.identity.serial ? ` · serial ${event.identity.serial}` : ''} · ${event.identity.speed} speed · ${stageLabel(event.info.stage)}${event.serialNote ? ` · serial ${event.serialNote}` : ''}`;
    case 'wait-start':
      return `Waiting up to ${formatDuration(event.timeoutMs)} for ${event.expecting.map(stageLabel).join(' / ')} (${event.after})${event.portPath ? ` on port ${event.portPath}` : ''}`;
    case 'wait-end':
      return `Wait ${event.after} ended: ${event.result} after ${formatDuration(event.elapsedMs)}`;
    case 'phase':
      return `GetPhase (${stageLabel(event.stage)}): ${hex(event.phase)}${event.needDetach ? ', detach requested' : ''}${event.errorText ? ` — error: ${event.errorText}` : ''}`;
    case 'dfu-anomaly':
      return `DFU anomaly (${stageLabel(event.stage)}) ${event.kind}: ${event.detail}`;
    case 'detach':
      return `Detach (${stageLabel(event.stage)})${event.tolerated ? ` — tolerated: ${event.tolerated}` : ''}`;
    case 'partition-start':
      return `Download ${hex(event.phaseId)} ${event.name} → alt ${event.alt}, ${formatBytes(event.sizeBytes)}${event.file ? ` from ${event.file}` : ''}`;
    case 'partition-progress':
      return `Progress ${hex(event.phaseId)}: ${formatBytes(event.bytesSent)} of ${formatBytes(event.totalBytes)}`;
    case 'partition-end':
      return `${event.ok ? 'Done' : 'FAILED'} ${hex(event.phaseId)}: ${formatBytes(event.bytesSent)} in ${formatDuration(event.durationMs)} (${formatRate(event.rateBytesPerS)})`;
    case 'error':
      return `Error in ${stageLabel(event.stage)} [${event.error.code}]: ${event.error.message}${event.error.hint ? ` — ${event.error.hint}` : ''}`;
    case 'outcome':
      return `Outcome: ${event.ok ? 'flashed' : event.cancelled ? 'cancelled' : `failed (${event.symptom ?? 'no symptom'})`} after ${formatDuration(event.durationMs)}, ${event.partitionsWritten} partitions, ${formatBytes(event.bytesWritten)}`;
  }
}
