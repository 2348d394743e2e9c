import type { ReactNode } from 'react';
import { stageLabel } from '../../../shared/domain/stage-labels.js';
import { errorHeadline } from '../app/error-text.js';
import {
  formatBytes,
  formatDuration,
  formatPercent,
  formatRate,
  formatRemaining,
} from '../app/format-units.js';
import { useNow } from '../app/hooks.js';
import { stageDescription, waitLabel } from '../app/stage-labels.js';
import { isFlashActive, overallProgress, waitRemainingMs, type FlashState } from './flash-reducer.js';

export interface FlashPanelProps {
  flash: FlashState;
  targetPort: string | null;
  /** Why the start button is disabled, or null when a flash can start. */
  blockedReason: string | null;
  onStart: () => void;
  onCancel: () => void;
  /** Replay: the wall clock the recorded session had reached, instead of the live clock. */
  clockMs?: number | null;
  /** Replay: replaces the start and cancel buttons (a recorded session cannot be driven). */
  actionSlot?: ReactNode;
}

export function FlashPanel({
  flash,
  targetPort,
  blockedReason,
  onStart,
  onCancel,
  clockMs = null,
  actionSlot,
}: FlashPanelProps) {
  const active = isFlashActive(flash);
  const liveNow = useNow(active && clockMs === null, 200);
  const now = clockMs ?? liveNow;
  const overall = overallProgress(flash);
  const ratio = overall.totalBytes > 0 ? Math.min(1, overall.bytesDone / overall.totalBytes) : 0;
  const elapsedMs =
    flash.startedAt && active
      ? Math.max(0, now - Date.parse(flash.startedAt))
      : (flash.outcome?.durationMs ?? null);
  const current = [...flash.partitions].reverse().find((p) => p.state === 'active');

  return (
    <section
      className={`flash-strip flash-${flash.status}`}
      aria-labelledby="flash-title"
      data-testid="flash-panel"
    >
      <div className="flash-action">
        <h2 id="flash-title" className="sr-only">
          Flash
        </h2>
        {actionSlot !== undefined ? (
          actionSlot
        ) : active ? (
          <button
            type="button"
            className="btn btn-danger btn-large"
            onClick={onCancel}
            disabled={flash.cancelRequested || !flash.sessionId}
          >
            {flash.cancelRequested ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-large"
            onClick={onStart}
            disabled={blockedReason !== null}
            data-testid="flash-start"
          >
            {targetPort ? `Flash board on ${targetPort}` : 'Flash'}
          </button>
        )}
        {actionSlot === undefined && !active && blockedReason ? (
          <p className="sub blocked">{blockedReason}</p>
        ) : null}
      </div>

      <div className="flash-status" aria-live="polite">
        <div className="flash-headline">
          <StatusLine flash={flash} />
          {elapsedMs !== null && flash.status !== 'idle' ? (
            <span className="sub">{formatDuration(elapsedMs)}</span>
          ) : null}
        </div>
        {flash.status !== 'idle' && flash.status !== 'error' ? (
          <>
            <div
              className="bar bar-large"
              role="progressbar"
              aria-label="Overall progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(ratio * 100)}
            >
              <div className="bar-fill" style={{ width: `${ratio * 100}%` }} />
            </div>
            <div className="flash-numbers">
              <span className="strong">{formatPercent(overall.bytesDone, overall.totalBytes)}</span>
              <span>
                {formatBytes(overall.bytesDone)} of {formatBytes(overall.totalBytes)}
              </span>
              <span>{formatRate(overall.rateBytesPerS)}</span>
              <span>ETA {active ? formatRemaining(overall.etaMs) : '—'}</span>
              <span>{overall.partitionsDone} written</span>
              {current ? (
                <span className="current-part">
                  {current.name}: {formatPercent(current.bytesSent, current.sizeBytes)} ·{' '}
                  {formatRate(current.rateBytesPerS)}
                </span>
              ) : null}
            </div>
          </>
        ) : null}
        {flash.wait ? (
          <div className="wait" data-testid="flash-wait">
            <span className="wait-dot" aria-hidden="true" />
            <span>
              {waitLabel(flash.wait.after, flash.wait.expecting)}
              {flash.wait.portPath ? ` on port ${flash.wait.portPath}` : ''}
            </span>
            <span className="wait-left">
              times out in <strong>{formatRemaining(waitRemainingMs(flash.wait, now))}</strong>
            </span>
            <div className="bar bar-thin" aria-hidden="true">
              <div
                className="bar-fill bar-fill-wait"
                style={{ width: `${(waitRemainingMs(flash.wait, now) / flash.wait.timeoutMs) * 100}%` }}
              />
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function StatusLine({ flash }: { flash: FlashState }) {
  switch (flash.status) {
    case 'idle':
      return <span className="status-text">Ready. Pick a board and a layout, then flash.</span>;
    case 'starting':
      return <span className="status-text">Starting…</span>;
    case 'running':
      return (
        <span className="status-text">
          {flash.phase ? (
            <>
              <span className={`stage-badge stage-${flash.phase}`}>{stageLabel(flash.phase)}</span>{' '}
              {stageDescription(flash.phase)}
            </>
          ) : (
            'Looking for the board…'
          )}
        </span>
      );
    case 'ok':
      return (
        <span className="status-text ok-text" data-testid="flash-result">
          ✓ Flashed {flash.outcome?.partitionsWritten ?? 0} partitions (
          {formatBytes(flash.outcome?.bytesWritten ?? 0)}) in {formatDuration(flash.outcome?.durationMs ?? 0)}
        </span>
      );
    case 'cancelled':
      return <span className="status-text warn-text">Cancelled. The board was left in a known state.</span>;
    case 'failed':
      return (
        <span className="status-text error-text" data-testid="flash-result">
          ✕ Failed: {flash.outcome?.diagnosis?.summary ?? flash.error?.message ?? 'see the diagnosis'}
        </span>
      );
    case 'error':
      return (
        <span className="status-text error-text" role="alert">
          ✕{' '}
          {flash.failure
            ? `${errorHeadline(flash.failure)}: ${flash.failure.message}`
            : 'The flash could not start.'}
        </span>
      );
  }
}
