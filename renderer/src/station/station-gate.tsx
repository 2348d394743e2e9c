import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { applyStationEvent, type StationSnapshot } from '../../../shared/domain/station.js';
import type { IpcClient } from '../../../shared/ipc/ipc-client.js';
import { resolveTheme } from '../settings/theme.js';
import { usePrefersDark } from '../app/hooks.js';
import type { AdminAction } from './admin-dialog.js';
import { StationScreen } from './station-screen.js';

export interface StationGateProps {
  client: IpcClient;
  /** The bench views: rendered only when the app is not in operator mode, or after the admin PIN. */
  children: ReactNode;
}

type GateState =
  | { kind: 'loading' }
  /** `profile`: the station profile's name when operator mode was left with the PIN, else null. */
  | { kind: 'bench'; profile: string | null }
  | { kind: 'station'; snapshot: StationSnapshot };

/**
 * Decides between the operator screen and the bench views. In operator mode nothing of the bench is
 * mounted (no simulator panel, no layout picker) until `station.leave` accepted the PIN; once left, a
 * bar above the bench says so and locks the station again in one click (`station.lock`).
 */
export function StationGate({ client, children }: StationGateProps) {
  const [state, setState] = useState<GateState>({ kind: 'loading' });
  const [notice, setNotice] = useState<string | null>(null);
  const prefersDark = usePrefersDark();
  const inStation = state.kind === 'station';

  useEffect(() => {
    let live = true;
    // Subscribe first, then read the snapshot: an event in between is folded into the fresh snapshot.
    const off = client.on('station.event', (event) => {
      setState((current) =>
        current.kind === 'station'
          ? { ...current, snapshot: applyStationEvent(current.snapshot, event) }
          : current,
      );
    });
    void client.invoke('station.snapshot', {}).then((result) => {
      if (!live) return;
      if (!result.ok || !result.value.snapshot) setState({ kind: 'bench', profile: null });
      else if (result.value.locked) setState({ kind: 'station', snapshot: result.value.snapshot });
      else setState({ kind: 'bench', profile: result.value.snapshot.profile.name });
    });
    return () => {
      live = false;
      off();
    };
  }, [client]);

  useEffect(() => {
    // The operator screen follows the OS theme; the bench applies its own setting once mounted.
    if (inStation) document.documentElement.dataset.theme = resolveTheme(undefined, prefersDark);
  }, [inStation, prefersDark]);

  const startAll = useCallback(() => {
    setNotice(null);
    void client.invoke('station.startAll', {}).then((result) => {
      if (!result.ok) setNotice(result.error.message);
      else if (result.value.blocked) setNotice(null); // the blocked banner comes with the event
    });
  }, [client]);

  const admin = useCallback(
    async (action: AdminAction, pin: string) => {
      const result =
        action === 'leave'
          ? await client.invoke('station.leave', { pin })
          : await client.invoke('station.clearCounters', { pin });
      if (!result.ok) return { error: result.error.message };
      if (action === 'leave' && result.value.ok)
        setState((current) => ({
          kind: 'bench',
          profile: current.kind === 'station' ? current.snapshot.profile.name : null,
        }));
      return result.value;
    },
    [client],
  );

  const lock = useCallback(() => {
    setNotice(null);
    void client.invoke('station.lock', {}).then((result) => {
      if (!result.ok) setNotice(result.error.message);
      else if (result.value.snapshot && result.value.locked)
        setState({ kind: 'station', snapshot: result.value.snapshot });
    });
  }, [client]);

  if (state.kind === 'loading') return <div className="station-loading" aria-busy="true" />;
  if (state.kind === 'bench') {
    if (state.profile === null) return <>{children}</>;
    return (
      <>
        <div className="station-unlocked-bar" role="status" data-testid="station-unlocked">
          <span>
            Operator mode is unlocked (<strong>{state.profile}</strong>): these are the bench views.
          </span>
          {notice ? <span className="station-unlocked-error">{notice}</span> : null}
          <button type="button" className="btn btn-primary" onClick={lock} data-testid="station-lock">
            Lock station
          </button>
        </div>
        {children}
      </>
    );
  }
  return <StationScreen snapshot={state.snapshot} notice={notice} onStartAll={startAll} onAdmin={admin} />;
}
