import type { FlashPlan } from '../../../shared/domain/flash-plan.js';
import { baseName, formatBytes, formatHex, formatPercent } from '../app/format-units.js';
import type { PartitionProgress } from '../flash/flash-reducer.js';
import { deviceLabel, problemsByLine, statusLabel, worstSeverity } from './layout-format.js';

export interface PartitionTableProps {
  plan: FlashPlan;
  /** Live transfers of the current session, by phase id (last one wins). */
  progress: readonly PartitionProgress[];
}

export function PartitionTable({ plan, progress }: PartitionTableProps) {
  const byLine = problemsByLine(plan.problems);
  const progressById = new Map<number, PartitionProgress>();
  for (const p of progress) progressById.set(p.phaseId, p);
  return (
    <div className="table-scroll">
      <table className="table partition-table" data-testid="partition-table">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Opt</th>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Device</th>
            <th scope="col">Offset</th>
            <th scope="col">File</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Check</th>
            <th scope="col" className="progress-col">
              Progress
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.partitions.map((p) => {
            const problems = byLine.get(p.line) ?? [];
            const worst = worstSeverity(problems);
            const live = p.phaseId !== null ? progressById.get(p.phaseId) : undefined;
            return (
              <tr key={p.line} className={`row-${p.status} ${worst ? `row-has-${worst}` : ''}`}>
                <td className="mono dim">{p.line}</td>
                <td className="mono">{p.opt}</td>
                <td className="mono">{p.phaseId !== null ? formatHex(p.phaseId) : (p.id ?? '—')}</td>
                <td className="strong">{p.name ?? '—'}</td>
                <td>{p.type ?? '—'}</td>
                <td className="mono">{deviceLabel(p)}</td>
                <td className="mono">{p.offset ?? '—'}</td>
                <td className="ellipsis" title={p.file?.path ?? p.binary ?? ''}>
                  {p.file ? baseName(p.file.path) : (p.binary ?? '—')}
                </td>
                <td className="num">{p.file ? formatBytes(p.file.sizeBytes) : '—'}</td>
                <td>
                  {worst ? (
                    <span
                      className={`check check-${worst}`}
                      title={problems.map((x) => x.message).join('\n')}
                    >
                      {worst === 'error' ? '✕' : worst === 'warning' ? '!' : 'i'} {problems.length}
                    </span>
                  ) : (
                    <span className="check check-ok" aria-label="no problem">
                      ✓
                    </span>
                  )}
                  <span className="sub">{statusLabel(p.status)}</span>
                </td>
                <td className="progress-col">
                  {live ? <RowProgress progress={live} /> : <span className="dim">—</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RowProgress({ progress }: { progress: PartitionProgress }) {
  const ratio = progress.sizeBytes > 0 ? Math.min(1, progress.bytesSent / progress.sizeBytes) : 1;
  return (
    <div className={`row-progress row-progress-${progress.state}`}>
      <div
        className="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(ratio * 100)}
      >
        <div className="bar-fill" style={{ width: `${ratio * 100}%` }} />
      </div>
      <span className="row-progress-text">
        {progress.state === 'done'
          ? 'written'
          : progress.state === 'failed'
            ? 'failed'
            : formatPercent(progress.bytesSent, progress.sizeBytes)}
      </span>
    </div>
  );
}
