import { useState } from 'react';
import type { PinCheckResult, StationSnapshot } from '../../../shared/domain/station.js';
import { AdminDialog, type AdminAction } from './admin-dialog.js';
import { SlotCardView } from './slot-card.js';
import { yieldWords } from './station-format.js';
import './station.css';

export interface StationScreenProps {
  snapshot: StationSnapshot;
  /** A start refused or an IPC failure, in one sentence. */
  notice: string | null;
  onStartAll: () => void;
  onAdmin: (action: AdminAction, pin: string) => Promise<PinCheckResult | { error: string }>;
}

/** The operator screen: one large card per slot, the shift counters, one Start button. */
export function StationScreen({ snapshot, notice, onStartAll, onAdmin }: StationScreenProps) {
  const [adminOpen, setAdminOpen] = useState(false);
  const { profile, counters, slots } = snapshot;
  const ready = slots.filter((slot) => slot.state === 'ready').length;
  const flashing = slots.some((slot) => slot.state === 'flashing');

  return (
    <div className="station" data-testid="station-screen">
      <header className="station-head">
        <div className="station-title">
          <h1 data-testid="station-profile">{profile.name}</h1>
          <span className="station-hash" title={profile.layoutSha256} data-testid="station-layout-hash">
            {profile.soc.toUpperCase()} · layout {profile.layoutSha256.slice(0, 12)}
          </span>
        </div>
        <dl className="station-counters" data-testid="station-counters">
          <div className="counter counter-pass">
            <dt>Passed</dt>
            <dd data-testid="count-passed">{counters.passed}</dd>
          </div>
          <div className="counter counter-fail">
            <dt>Failed</dt>
            <dd data-testid="count-failed">{counters.failed}</dd>
          </div>
          <div className="counter">
            <dt>Yield</dt>
            <dd data-testid="count-yield">{yieldWords(counters.yieldPercent)}</dd>
          </div>
        </dl>
        <div className="station-go">
          {profile.autoStart ? (
            <span className="station-auto" data-testid="station-auto">
              Auto-start
            </span>
          ) : (
            <button
              type="button"
              className="station-start"
              data-testid="station-start"
              disabled={ready === 0 || snapshot.blocked !== null}
              onClick={onStartAll}
            >
              {ready > 0 ? `Start ${ready}` : flashing ? 'Flashing…' : 'Start'}
            </button>
          )}
        </div>
      </header>
      {snapshot.blocked ? (
        <div className="station-banner station-banner-error" role="alert" data-testid="station-blocked">
          <strong className="station-banner-title">
            {snapshot.blocked.code === 'station-file-changed'
              ? 'Station stopped: the station files have changed. Nothing will be flashed. Call an engineer.'
              : 'Station stopped. Nothing will be flashed. Call an engineer.'}
          </strong>
          {/* the technical detail (file, expected and found hashes) is for the engineer who comes */}
          <span className="station-detail">{snapshot.blocked.message}</span>
          {snapshot.blocked.hint ? <span className="station-detail">{snapshot.blocked.hint}</span> : null}
        </div>
      ) : null}
      {notice ? (
        <div className="station-banner station-banner-error" role="alert" data-testid="station-notice">
          {notice}
        </div>
      ) : null}
      {snapshot.unassigned.map((port) => (
        <div
          className="station-banner station-banner-warn"
          key={port.portPath}
          data-testid="station-unassigned"
        >
          {port.sentence}
        </div>
      ))}
      <main className={`slot-grid slot-grid-${Math.min(slots.length, 6)}`}>
        {slots.map((card) => (
          <SlotCardView card={card} key={card.label} />
        ))}
      </main>
      <footer className="station-foot">
        <span>
          {profile.slots.length} slots · records {profile.recordsDir}
        </span>
        <button
          type="button"
          className="station-admin"
          data-testid="station-admin"
          onClick={() => setAdminOpen(true)}
        >
          Admin
        </button>
      </footer>
      {adminOpen ? <AdminDialog onSubmit={onAdmin} onClose={() => setAdminOpen(false)} /> : null}
    </div>
  );
}
