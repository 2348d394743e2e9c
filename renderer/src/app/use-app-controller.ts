import { useCallback, useEffect, useMemo, useReducer } from 'react';
import type { IpcClient } from '../../../shared/ipc/ipc-client.js';
import type { SettingsPatch } from '../../../shared/ipc/settings-channels.js';
import type { SimPlugRequest } from '../../../shared/ipc/simulator-channels.js';
import { plannedTransferBytes } from '../layout/layout-format.js';
import { appReducer, effectiveTarget, initialAppState, type AppState } from './app-state.js';

export interface AppActions {
  openLayout: (path: string) => Promise<void>;
  pickLayout: () => Promise<void>;
  selectBoard: (portPath: string | null) => void;
  startFlash: () => Promise<void>;
  cancelFlash: () => Promise<void>;
  updateSettings: (patch: SettingsPatch) => Promise<boolean>;
  refreshHost: () => Promise<void>;
  simPlug: (request: SimPlugRequest) => Promise<void>;
  simUnplug: (label: string) => Promise<void>;
  dismissNotice: () => void;
}

/** Wires the IPC client to the app reducer: initial loads, live events, and the user's actions. */
export function useAppController(client: IpcClient): { state: AppState; actions: AppActions } {
  const [state, dispatch] = useReducer(appReducer, initialAppState);

  useEffect(() => {
    const offs = [
      client.on('boards.changed', (p) => dispatch({ type: 'boards', boards: p.boards })),
      client.on('boards.log', (entry) => dispatch({ type: 'bus-log', entry })),
      client.on('host.changed', (host) => dispatch({ type: 'host', host })),
      client.on('settings.changed', (settings) => dispatch({ type: 'settings', settings })),
      client.on('sim.changed', (sim) => dispatch({ type: 'sim', sim })),
      client.on('flash.event', (p) =>
        dispatch({ type: 'flash', action: { type: 'event', sessionId: p.sessionId, event: p.event } }),
      ),
      client.on('flash.finished', (finished) =>
        dispatch({ type: 'flash', action: { type: 'finished', finished } }),
      ),
    ];
    let cancelled = false;
    const load = async (): Promise<void> => {
      const [info, boards, host, settings, recent, current] = await Promise.all([
        client.invoke('app.info', {}),
        client.invoke('boards.list', {}),
        client.invoke('host.facts', {}),
        client.invoke('settings.get', {}),
        client.invoke('layout.recent', {}),
        client.invoke('flash.current', {}),
      ]);
      if (cancelled) return;
      if (boards.ok) dispatch({ type: 'boards-snapshot', snapshot: boards.value });
      if (host.ok) dispatch({ type: 'host', host: host.value });
      if (settings.ok) dispatch({ type: 'settings', settings: settings.value });
      if (recent.ok) dispatch({ type: 'recent', paths: recent.value.paths });
      if (info.ok) {
        dispatch({ type: 'info', info: info.value });
        if (info.value.simulate) {
          const sim = await client.invoke('sim.state', {});
          if (!cancelled && sim.ok) dispatch({ type: 'sim', sim: sim.value });
        }
        const initial = info.value.initialLayoutPath;
        if (initial) {
          dispatch({ type: 'layout-loading', path: initial });
          const opened = await client.invoke('layout.open', { path: initial });
          if (cancelled) return;
          dispatch(
            opened.ok
              ? { type: 'layout-opened', opened: opened.value }
              : { type: 'layout-failed', path: initial, error: opened.error },
          );
        }
      } else {
        dispatch({ type: 'notice', error: info.error });
      }
      if (current.ok && current.value.session) {
        dispatch({
          type: 'flash',
          action: { type: 'restore', view: current.value.session, plannedBytes: 0 },
        });
      }
    };
    void load();
    return () => {
      cancelled = true;
      for (const off of offs) off();
    };
  }, [client]);

  const openLayout = useCallback(
    async (path: string) => {
      const trimmed = path.trim();
      if (!trimmed) return;
      dispatch({ type: 'layout-loading', path: trimmed });
      const opened = await client.invoke('layout.open', { path: trimmed });
      dispatch(
        opened.ok
          ? { type: 'layout-opened', opened: opened.value }
          : { type: 'layout-failed', path: trimmed, error: opened.error },
      );
    },
    [client],
  );

  const actions = useMemo<Omit<AppActions, 'startFlash' | 'cancelFlash'>>(
    () => ({
      openLayout,
      async pickLayout() {
        const picked = await client.invoke('layout.pick', {});
        if (!picked.ok) dispatch({ type: 'notice', error: picked.error });
        else if (picked.value.path) await openLayout(picked.value.path);
      },
      selectBoard(portPath) {
        dispatch({ type: 'select-board', portPath });
      },
      async updateSettings(patch) {
        const saved = await client.invoke('settings.update', patch);
        if (saved.ok) dispatch({ type: 'settings', settings: saved.value });
        else dispatch({ type: 'notice', error: saved.error });
        return saved.ok;
      },
      async refreshHost() {
        const host = await client.invoke('host.refresh', {});
        if (host.ok) dispatch({ type: 'host', host: host.value });
        else dispatch({ type: 'notice', error: host.error });
      },
      async simPlug(request) {
        const sim = await client.invoke('sim.plug', request);
        if (sim.ok) dispatch({ type: 'sim', sim: sim.value });
        else dispatch({ type: 'notice', error: sim.error });
      },
      async simUnplug(label) {
        const sim = await client.invoke('sim.unplug', { label });
        if (sim.ok) dispatch({ type: 'sim', sim: sim.value });
        else dispatch({ type: 'notice', error: sim.error });
      },
      dismissNotice() {
        dispatch({ type: 'notice', error: null });
      },
    }),
    [client, openLayout],
  );

  const plan = state.layout.plan;
  const target = effectiveTarget(state);
  const sessionId = state.flash.sessionId;
  const startFlash = useCallback(async () => {
    if (!plan) return;
    dispatch({
      type: 'flash',
      action: {
        type: 'start-requested',
        layoutPath: plan.layoutPath,
        targetPort: target,
        plannedBytes: plannedTransferBytes(plan),
      },
    });
    const started = await client.invoke('flash.start', {
      layoutPath: plan.layoutPath,
      target: { portPath: target, serial: null },
    });
    dispatch({
      type: 'flash',
      action: started.ok
        ? { type: 'started', sessionId: started.value.sessionId }
        : { type: 'start-failed', error: started.error },
    });
  }, [client, plan, target]);

  const cancelFlash = useCallback(async () => {
    if (!sessionId) return;
    dispatch({ type: 'flash', action: { type: 'cancel-requested' } });
    const cancelled = await client.invoke('flash.cancel', { sessionId });
    if (!cancelled.ok) dispatch({ type: 'notice', error: cancelled.error });
  }, [client, sessionId]);

  return { state, actions: { ...actions, startFlash, cancelFlash } };
}
