import type { BusLogEntry } from '../../../shared/ipc/boards-channels.js';

export interface LogFilter {
  kinds: Record<BusLogEntry['kind'], boolean>;
  /** Matches port path, serial, product string or vid:pid, case-insensitive. */
  text: string;
  /** Only the port being flashed / picked. */
  port: string | null;
}

export const defaultLogFilter: LogFilter = {
  kinds: { attach: true, detach: true, identity: true },
  text: '',
  port: null,
};

export function filterLog(entries: readonly BusLogEntry[], filter: LogFilter): BusLogEntry[] {
  const needle = filter.text.trim().toLowerCase();
  return entries.filter((entry) => {
    if (!filter.kinds[entry.kind]) return false;
    if (filter.port !== null && entry.identity.portPath !== filter.port) return false;
    if (!needle) return true;
    const id = entry.identity;
    const vidPid = `${id.vid.toString(16).padStart(4, '0')}:${id.pid.toString(16).padStart(4, '0')}`;
    return [id.portPath, id.serial ?? '', id.product ?? '', id.manufacturer ?? '', vidPid].some((field) =>
      field.toLowerCase().includes(needle),
    );
  });
}

export function kindLabel(kind: BusLogEntry['kind']): string {
  return kind === 'attach' ? 'Attach' : kind === 'detach' ? 'Detach' : 'New identity';
}
