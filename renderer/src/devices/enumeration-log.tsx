import { useMemo, useState } from 'react';
import type { BusLogEntry } from '../../../shared/ipc/boards-channels.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';
import { formatBcd, formatClockTime, formatDuration } from '../app/format-units.js';
import { Panel } from '../app/panel.js';
import { speedShort } from '../app/stage-labels.js';
import { defaultLogFilter, filterLog, kindLabel, type LogFilter } from './log-filter.js';

export interface EnumerationLogProps {
  entries: BusLogEntry[];
  targetPort: string | null;
}

const SHOWN_MAX = 300;

export function EnumerationLog({ entries, targetPort }: EnumerationLogProps) {
  const [filter, setFilter] = useState<LogFilter>(defaultLogFilter);
  const shown = useMemo(() => filterLog(entries, filter).slice(-SHOWN_MAX).reverse(), [entries, filter]);
  const toggleKind = (kind: BusLogEntry['kind']): void =>
    setFilter((f) => ({ ...f, kinds: { ...f.kinds, [kind]: !f.kinds[kind] } }));
  return (
    <Panel
      title="Enumeration events"
      id="enumeration"
      aside={
        <span className="count">
          {shown.length} of {entries.length}
        </span>
      }
    >
      <div className="toolbar" role="group" aria-label="Filter enumeration events">
        {(['attach', 'identity', 'detach'] as const).map((kind) => (
          <button
            key={kind}
            type="button"
            className={`chip chip-${kind}`}
            aria-pressed={filter.kinds[kind]}
            onClick={() => toggleKind(kind)}
          >
            {kindLabel(kind)}
          </button>
        ))}
        <label className="check">
          <input
            type="checkbox"
            checked={filter.port !== null}
            disabled={targetPort === null}
            onChange={(e) => setFilter((f) => ({ ...f, port: e.target.checked ? targetPort : null }))}
          />
          Only port {targetPort ?? '—'}
        </label>
        <input
          className="input input-search"
          type="search"
          placeholder="Filter: port, serial, product, vid:pid"
          aria-label="Filter text"
          value={filter.text}
          onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))}
        />
      </div>
      <div className="table-scroll log-scroll">
        <table className="table log-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Port</th>
              <th scope="col">Stage</th>
              <th scope="col">Product</th>
              <th scope="col">Serial</th>
              <th scope="col">bcd</th>
              <th scope="col">Speed</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={8} className="empty-cell">
                  No enumeration events yet. Plug a board in: every attach, detach and change of identity
                  appears here.
                </td>
              </tr>
            ) : (
              shown.map((entry) => (
                <tr key={entry.seq} className={`log-${entry.kind}`}>
                  <td className="mono">{formatClockTime(entry.at)}</td>
                  <td>
                    <span className={`kind kind-${entry.kind}`}>{kindLabel(entry.kind)}</span>
                    {entry.change ? (
                      <span className="sub">
                        was {stageLabel(entry.change.fromStage)}, gone {formatDuration(entry.change.gapMs)}
                        {entry.change.serial !== 'same' ? `, serial ${entry.change.serial}` : ''}
                      </span>
                    ) : null}
                  </td>
                  <td className="mono">{entry.identity.portPath}</td>
                  <td>
                    <span className={`stage-badge stage-${entry.info.stage}`}>
                      {stageLabel(entry.info.stage)}
                    </span>
                  </td>
                  <td className="ellipsis" title={entry.identity.product ?? ''}>
                    {entry.identity.product ?? '—'}
                  </td>
                  <td className="mono ellipsis" title={entry.identity.serial ?? ''}>
                    {entry.identity.serial ?? '—'}
                  </td>
                  <td className="mono">{formatBcd(entry.identity.bcdDevice)}</td>
                  <td>{speedShort(entry.identity.speed)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
