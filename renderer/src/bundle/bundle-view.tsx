import { SYMPTOMS } from '../../../shared/domain/diagnosis.js';
import type { HostFacts } from '../../../shared/domain/host-facts.js';
import type { BundleView } from '../../../shared/ipc/session-channels.js';
import { formatClockTime, formatDuration } from '../app/format-units.js';
import { Panel } from '../app/panel.js';
import { DiagnosisPanel } from '../diagnosis/diagnosis-panel.js';
import { FlashPanel } from '../flash/flash-panel.js';
import { TimelineCard } from '../timeline/timeline-card.js';
import { eventLines } from './event-format.js';
import { recordedWallMs, REPLAY_SPEEDS } from './replay-state.js';
import { useReplay, type Replay } from './use-replay.js';

export interface BundleViewProps {
  bundle: BundleView;
  onClose: () => void;
}

/** A support bundle's session, read-only: what the bench engineer saw, and a replay of it. */
export function BundleSessionView({ bundle, onClose }: BundleViewProps) {
  const replay = useReplay(bundle.events, bundle.plannedBytes);
  const { control, flash } = replay;
  // During a replay the diagnosis appears when the outcome does, as it did on the bench.
  const showDiagnosis = !control.active || flash.outcome !== null;
  const diagnosis = bundle.diagnosis ?? bundle.recordedDiagnosis;
  const runningReplay = control.active && flash.outcome === null;

  return (
    <>
      <div className="callout callout-bundle bundle-banner" role="status" data-testid="bundle-banner">
        <div>
          <strong>
            Bundle: <span className="mono">{bundle.fileName}</span> — read-only
          </strong>
          <p className="sub">
            Session <span className="mono">{bundle.sessionId ?? 'unknown'}</span> · exported{' '}
            {formatClockTime(bundle.createdAt)} by version {bundle.appVersion} ·{' '}
            {bundle.redacted ? 'names redacted' : 'not redacted'}
          </p>
        </div>
        <button type="button" className="btn btn-secondary" onClick={onClose} data-testid="bundle-close">
          ← Back to the live view
        </button>
      </div>
      {bundle.problems.length > 0 ? (
        <div className="callout callout-warning" data-testid="bundle-problems">
          <strong>This bundle is not intact:</strong>
          <ul className="bundle-problems">
            {bundle.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <FlashPanel
        flash={flash}
        targetPort={flash.targetPort}
        blockedReason={null}
        onStart={() => undefined}
        onCancel={() => undefined}
        clockMs={control.active ? recordedWallMs(flash, control.sessionMs) : null}
        actionSlot={<ReplayControls replay={replay} total={bundle.events.length} />}
      />
      {showDiagnosis && diagnosis ? (
        <>
          <DiagnosisPanel diagnosis={diagnosis} vmAdvice={null} />
          {bundle.diagnosisDiffers && bundle.recordedDiagnosis ? (
            <div className="callout callout-warning" data-testid="diagnosis-differs">
              <strong>This version diagnoses the session differently from the recording.</strong>
              <p>
                Recorded at the time: {SYMPTOMS[bundle.recordedDiagnosis.symptom].title} —{' '}
                {bundle.recordedDiagnosis.summary}
              </p>
            </div>
          ) : null}
        </>
      ) : null}
      {flash.events.length > 0 ? (
        <TimelineCard events={flash.events} nowMs={runningReplay ? control.sessionMs : null} />
      ) : null}
      <EventsLog replay={replay} />
      <HostFactsPanel atFlash={bundle.hostAtFlash} atExport={bundle.hostAtExport} />
      <Panel
        title={`FlashLayout${bundle.layoutFileName ? `: ${bundle.layoutFileName}` : ''}`}
        id="bundle-layout"
      >
        {bundle.layoutText !== null ? (
          <pre className="bundle-text mono" data-testid="bundle-layout-text">
            {bundle.layoutText}
          </pre>
        ) : (
          <p className="sub">The bundle has no copy of the layout.</p>
        )}
      </Panel>
    </>
  );
}

function ReplayControls({ replay, total }: { replay: Replay; total: number }) {
  const { control, dispatch, delivered, durationMs } = replay;
  return (
    <div className="replay-controls" data-testid="replay-controls">
      <div className="replay-buttons">
        {control.playing ? (
          <button type="button" className="btn btn-primary" onClick={() => dispatch({ type: 'pause' })}>
            Pause
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => dispatch({ type: control.active && delivered < total ? 'resume' : 'restart' })}
            data-testid="replay-play"
          >
            {control.active && delivered < total ? 'Resume' : '▶ Replay'}
          </button>
        )}
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => dispatch({ type: 'restart' })}
          disabled={!control.active}
          data-testid="replay-restart"
        >
          Restart
        </button>
      </div>
      <div className="seg" role="group" aria-label="Replay speed">
        {REPLAY_SPEEDS.map((speed) => (
          <button
            key={speed}
            type="button"
            className={`seg-btn ${control.speed === speed ? 'seg-on' : ''}`}
            aria-pressed={control.speed === speed}
            onClick={() => dispatch({ type: 'speed', speed })}
            data-testid={`replay-speed-${speed}`}
          >
            {speed}×
          </button>
        ))}
      </div>
      <p className="sub" data-testid="replay-position" data-delivered={delivered}>
        {control.active
          ? `${formatDuration(control.sessionMs)} of ${formatDuration(durationMs)} · event ${delivered} of ${total}`
          : `Recorded session: ${total} events over ${formatDuration(durationMs)}`}
      </p>
    </div>
  );
}

function EventsLog({ replay }: { replay: Replay }) {
  const lines = eventLines(replay.flash.events);
  return (
    <Panel title="Events" id="bundle-events" aside={<span className="count">{lines.length}</span>}>
      <div className="log-scroll bundle-events">
        <table className="table log-table" data-testid="bundle-events">
          <thead>
            <tr>
              <th scope="col" className="num">
                t
              </th>
              <th scope="col">Event</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, i) => (
              <tr key={i} className={`tone-${line.tone}`}>
                <td className="num mono">{formatDuration(line.tMs)}</td>
                <td className="mono">{line.type}</td>
                <td>{line.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

function HostFactsPanel({ atFlash, atExport }: { atFlash: HostFacts | null; atExport: HostFacts | null }) {
  const columns: [string, HostFacts | null][] = [
    ['At flash time', atFlash],
    ['At export', atExport],
  ];
  const rows: [string, (h: HostFacts) => string][] = [
    ['OS', (h) => `${h.os} ${h.osRelease}`],
    ['Kernel', (h) => h.kernel],
    ['Arch', (h) => h.arch],
    ['Host', (h) => h.hostname],
    ['VM', (h) => (h.vm.detected ? (h.vm.kind ?? 'yes') : 'no')],
    ['USB access', (h) => `${h.usbAccess.state}: ${h.usbAccess.detail}`],
    [
      'App',
      (h) =>
        `${h.versions.app} (node ${h.versions.node}${h.versions.electron ? `, electron ${h.versions.electron}` : ''})`,
    ],
  ];
  return (
    <Panel title="Host facts" id="bundle-host">
      {atFlash || atExport ? (
        <div className="table-scroll">
          <table className="table" data-testid="bundle-host">
            <thead>
              <tr>
                <th scope="col" />
                {columns.map(([title]) => (
                  <th scope="col" key={title}>
                    {title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(([label, value]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {columns.map(([title, facts]) => (
                    <td key={title}>{facts ? value(facts) : '—'}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="sub">The bundle has no host facts.</p>
      )}
    </Panel>
  );
}
