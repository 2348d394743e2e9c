import { useEffect, useState } from 'react';
import { planHasErrors } from '../../../shared/domain/flash-plan.js';
import type { IpcClient } from '../../../shared/ipc/ipc-client.js';
import { BundleSessionView } from '../bundle/bundle-view.js';
import { ExportSession } from '../bundle/export-session.js';
import { OpenBundlePanel } from '../bundle/open-bundle-panel.js';
import { useBundles } from '../bundle/use-bundles.js';
import { BoardsPanel } from '../devices/boards-panel.js';
import { EnumerationLog } from '../devices/enumeration-log.js';
import { DiagnosisPanel } from '../diagnosis/diagnosis-panel.js';
import { FlashPanel } from '../flash/flash-panel.js';
import { isFlashActive } from '../flash/flash-reducer.js';
import { LayoutPanel } from '../layout/layout-panel.js';
import { PreflightPanel } from '../preflight/preflight-panel.js';
import { preflightItems } from '../preflight/preflight-items.js';
import { SettingsDialog } from '../settings/settings-dialog.js';
import { resolveTheme, toggledTheme } from '../settings/theme.js';
import { SimulatorPanel } from '../simulator/simulator-panel.js';
import { TimelineCard } from '../timeline/timeline-card.js';
import { AppHeader } from './app-header.js';
import { effectiveTarget, type AppState } from './app-state.js';
import { errorHeadline } from './error-text.js';
import { useNow, usePrefersDark } from './hooks.js';
import { useAppController } from './use-app-controller.js';

export interface AppProps {
  client: IpcClient;
  pathForFile: ((file: File) => string) | null;
}

function blockedReason(state: AppState, target: string | null): string | null {
  if (isFlashActive(state.flash)) return 'A flash is running.';
  if (!state.layout.plan) return 'Open a FlashLayout first.';
  if (planHasErrors(state.layout.plan)) return 'Fix the layout errors first.';
  if (state.boards.length === 0 && target === null) return 'Connect a board in USB DFU mode.';
  if (target === null) return 'Pick the board to flash.';
  return null;
}

export function App({ client, pathForFile }: AppProps) {
  const { state, actions } = useAppController(client);
  const { bundles, bundleActions } = useBundles(client);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const prefersDark = usePrefersDark();
  const theme = resolveTheme(state.settings?.theme, prefersDark);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const target = effectiveTarget(state);
  const flash = state.flash;
  const active = isFlashActive(flash);
  const now = useNow(active, 250);
  const sessionNowMs =
    active && flash.startedAt ? Math.max(flash.lastTMs, now - Date.parse(flash.startedAt)) : null;
  const items = preflightItems(state.host, state.layout.plan);
  const diagnosis = flash.outcome?.diagnosis ?? null;

  return (
    <div className="app">
      <a className="skip-link" href="#flash-title">
        Skip to flashing
      </a>
      <AppHeader
        info={state.info}
        host={state.host}
        theme={theme}
        onToggleTheme={() => void actions.updateSettings({ theme: toggledTheme(theme) })}
        onOpenSettings={() => setSettingsOpen(true)}
      />
      <div className="workspace">
        <aside className="sidebar" aria-label="Boards">
          <BoardsPanel
            boards={state.boards}
            selectedPort={state.selectedPort}
            effectivePort={target}
            onSelect={actions.selectBoard}
            locked={active}
          />
          {state.sim?.enabled ? (
            <SimulatorPanel
              sim={state.sim}
              onPlug={(r) => void actions.simPlug(r)}
              onUnplug={(l) => void actions.simUnplug(l)}
            />
          ) : null}
          <OpenBundlePanel
            bundles={bundles}
            actions={bundleActions}
            canPickFiles={state.info?.canPickFiles ?? false}
            pathForFile={pathForFile}
          />
        </aside>
        {bundles.open ? (
          <main className="main" data-testid="bundle-view">
            <BundleSessionView bundle={bundles.open} onClose={bundleActions.closeBundle} />
          </main>
        ) : null}
        {/* Hidden, not unmounted, while a bundle is shown: the live session keeps its state. */}
        <main className="main" hidden={bundles.open !== null}>
          <FlashPanel
            flash={flash}
            targetPort={target}
            blockedReason={blockedReason(state, target)}
            onStart={() => void actions.startFlash()}
            onCancel={() => void actions.cancelFlash()}
          />
          {flash.sessionId && ['ok', 'failed', 'cancelled'].includes(flash.status) ? (
            <ExportSession bundles={bundles} actions={bundleActions} />
          ) : null}
          {state.notice ? (
            <div className="callout callout-error notice" role="alert">
              <strong>{errorHeadline(state.notice)}</strong> {state.notice.message}
              {state.notice.hint ? <span className="sub"> {state.notice.hint}</span> : null}
              <button type="button" className="btn btn-small btn-ghost" onClick={actions.dismissNotice}>
                Dismiss
              </button>
            </div>
          ) : null}
          <PreflightPanel
            items={items}
            vmAdvice={state.host?.vmAdvice ?? null}
            onRecheck={() => void actions.refreshHost()}
          />
          {diagnosis ? (
            <DiagnosisPanel diagnosis={diagnosis} vmAdvice={state.host?.vmAdvice ?? null} />
          ) : null}
          {flash.events.length > 0 ? <TimelineCard events={flash.events} nowMs={sessionNowMs} /> : null}
          <LayoutPanel
            layout={state.layout}
            canPickFiles={state.info?.canPickFiles ?? false}
            progress={flash.partitions}
            locked={active}
            onOpen={(path) => void actions.openLayout(path)}
            onPick={() => void actions.pickLayout()}
            pathForFile={pathForFile}
          />
          <EnumerationLog entries={state.busLog} targetPort={target} />
        </main>
      </div>
      {settingsOpen && state.settings ? (
        <SettingsDialog
          settings={state.settings}
          onSave={actions.updateSettings}
          onClose={() => setSettingsOpen(false)}
        />
      ) : null}
    </div>
  );
}
