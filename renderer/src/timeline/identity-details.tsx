import { formatVidPid } from '../../../shared/domain/board-identity.js';
import type { TimelineIdentity } from '../../../shared/timeline/identity-timeline.js';
import { formatBcd, formatBytes, formatClockTime, formatDuration, formatRate } from '../app/format-units.js';
import { phaseLabel, socLabel, speedLabel } from '../app/stage-labels.js';
import { identityTitle } from './timeline-format.js';

export function IdentityDetails({ identity }: { identity: TimelineIdentity }) {
  const id = identity.identity;
  return (
    <div className="tl-details" data-testid="identity-details">
      <div className="tl-details-head">
        <span className={`stage-badge stage-${identity.info.stage}`}>{identityTitle(identity)}</span>
        <span className="sub">
          on the bus {formatClockTime(id.seenAt)} for {formatDuration(identity.endMs - identity.startMs)}
          {identity.open ? ' (still there)' : ''}
        </span>
      </div>
      <dl className="descriptors">
        <div>
          <dt>VID:PID</dt>
          <dd className="mono">{formatVidPid(id)}</dd>
        </div>
        <div>
          <dt>bcdDevice</dt>
          <dd className="mono">{formatBcd(id.bcdDevice)}</dd>
        </div>
        <div className="wide">
          <dt>Product</dt>
          <dd className="mono">{id.product ?? '—'}</dd>
        </div>
        <div>
          <dt>Manufacturer</dt>
          <dd>{id.manufacturer ?? '—'}</dd>
        </div>
        <div>
          <dt>Serial</dt>
          <dd className="mono">
            {id.serial ?? 'none'}
            {identity.serialNote ? <span className="pill pill-warn">{identity.serialNote}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Port path</dt>
          <dd className="mono">{id.portPath}</dd>
        </div>
        <div>
          <dt>Speed</dt>
          <dd className={id.speed === 'full' ? 'warn-text' : ''}>{speedLabel(id.speed)}</dd>
        </div>
        <div>
          <dt>SoC</dt>
          <dd>{identity.info.socName ?? socLabel(identity.info.soc)}</dd>
        </div>
        <div>
          <dt>Connection</dt>
          <dd className="mono">{identity.connectionId}</dd>
        </div>
      </dl>
      <div className="tl-details-cols">
        <div>
          <h4>Alternate settings</h4>
          {id.alts.length === 0 ? (
            <p className="sub">none read</p>
          ) : (
            <ol className="alts">
              {id.alts.map((alt) => (
                <li key={alt.index}>
                  <span className="mono dim">{alt.index}</span>{' '}
                  <span className="mono">{alt.name ?? '(no name)'}</span>
                </li>
              ))}
            </ol>
          )}
        </div>
        <div>
          <h4>On this identity</h4>
          {identity.transfers.length === 0 && identity.phases.length === 0 ? (
            <p className="sub">no DFU activity</p>
          ) : (
            <ul className="activity">
              {identity.phases.map((mark, index) => (
                <li key={`p${index}`}>
                  GetPhase → <strong>{phaseLabel(mark.phase)}</strong>
                  {mark.needDetach ? ' (detach)' : ''}
                  {mark.errorText ? <span className="error-text"> {mark.errorText}</span> : null}
                </li>
              ))}
              {identity.transfers.map((t, index) => (
                <li key={`t${index}`}>
                  {t.ok === false ? '✕' : '↓'} <strong>{t.name}</strong> {formatBytes(t.bytesSent)}
                  {t.endMs !== null
                    ? ` in ${formatDuration(t.endMs - t.startMs)} · ${formatRate(t.rateBytesPerS)}`
                    : ''}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}
