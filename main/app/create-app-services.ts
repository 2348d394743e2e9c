import path from 'node:path';
import type { HostFacts } from '../../shared/domain/host-facts.js';
import type { AppInfo } from '../../shared/ipc/app-channels.js';
import { systemClock, type Clock } from '../core/clock.js';
import { runFlashSession } from '../flash/flash-session.js';
import { stageInfoOf } from '../flash/stage-info.js';
import { probeHostFacts } from '../host/probe-host-facts.js';
import { SimulatedBus } from '../sim/index.js';
import type { UsbBus } from '../transport/usb-transport.js';
import { createUsbBackend } from '../usb/usb-backend.js';
import { AppEventHub } from './app-events.js';
import { APP_LOG_FILE_NAME, openAppLog } from '../session/app-log.js';
import type { AppLog } from './app-log.js';
import type { AppOptions } from './app-options.js';
import { BoardWatcher } from './board-watcher.js';
import { FlashService, type FlashRunner } from './flash-service.js';
import { HostService } from './host-service.js';
import { LayoutService } from './layout-service.js';
import { RecentLayouts } from './recent-layouts.js';
import { SessionBundleService } from './session-bundle-service.js';
import { SettingsStore, stageTimeoutsOf } from './settings-store.js';
import { simulationClock } from './sim-clock.js';
import { SimulatorService } from './simulator-service.js';
import { StationService } from './station-service.js';

export interface AppServiceConfig {
  mode: AppInfo['mode'];
  options: AppOptions;
  userDataDir: string;
  appVersion: string;
  electronVersion?: string | null;
  /** Absolute path of the shipped udev rule, for the fix command. */
  udevRulePath: string;
  clock?: Clock;
  log?: AppLog;
  /** Replaces the real pipeline (tests). */
  runFlash?: FlashRunner;
  /** Replaces the production bus (tests); ignored with --simulate. */
  bus?: UsbBus;
  /** The shell's native file dialog (Electron). */
  pickLayout?: () => Promise<string | null>;
  /** The shell's native save dialog for a support bundle (Electron); web mode writes into <userData>/bundles. */
  pickBundleSavePath?: (defaultName: string) => Promise<string | null>;
  /** The shell's native open dialog for a support bundle (Electron). */
  pickBundle?: () => Promise<string | null>;
  /** The shell's reaction to a PIN-authorized exit from operator mode (Electron: leave kiosk). */
  onStationLeave?: () => void;
  /** Operator mode locked again from the bench (Electron: back to kiosk). */
  onStationLock?: () => void;
}

export interface AppServices {
  info: AppInfo;
  events: AppEventHub;
  log: AppLog;
  boards: BoardWatcher;
  layouts: LayoutService;
  flash: FlashService;
  host: HostService;
  settings: SettingsStore;
  simulator: SimulatorService | null;
  /** --station <profile>: operator mode; null on the bench. */
  station: StationService | null;
  pickLayout: (() => Promise<string | null>) | null;
  bundles: SessionBundleService;
  close(): Promise<void>;
}

function platformOf(platform: NodeJS.Platform): AppInfo['platform'] {
  return platform === 'linux' || platform === 'win32' || platform === 'darwin' ? platform : 'other';
}

/**
 * The one composition of the services the GUI uses, with no Electron in it: the Electron shell and the
 * web mode both call this, so the web mode runs exactly what the desktop app runs.
 */
export async function createAppServices(config: AppServiceConfig): Promise<AppServices> {
  const { options } = config;
  const clock = config.clock ?? (options.simulate ? simulationClock : systemClock);
  const events = new AppEventHub();
  // The same electron-log file and line format as the CLI, in the app's own user data folder.
  const log = config.log ?? openAppLog({ dir: path.join(config.userDataDir, 'logs'), source: 'main' });
  const settings = await SettingsStore.open(config.userDataDir, events);

  let simulator: SimulatorService | null = null;
  let bus: UsbBus;
  let probe: () => Promise<HostFacts>;
  const hostHolder: { service: HostService | null } = { service: null };
  if (options.simulate) {
    const simBus = new SimulatedBus({ clock });
    simulator = new SimulatorService(simBus, events, options.simTimeScale, () => {
      void hostHolder.service?.refresh();
    });
    const sim = simulator;
    bus = simBus;
    probe = () => Promise.resolve({ ...sim.hostFacts(), versions: versionsOf(config) });
  } else {
    bus = config.bus ?? createUsbBackend({ clock, udevRulePath: config.udevRulePath });
    probe = () =>
      probeHostFacts({
        udevRulePath: config.udevRulePath,
        versions: { app: config.appVersion, electron: config.electronVersion ?? null },
      });
  }
  const host = new HostService(probe, clock, events, config.udevRulePath);
  hostHolder.service = host;

  const boards = new BoardWatcher({ bus, clock, events, classify: stageInfoOf });
  const layouts = new LayoutService(await RecentLayouts.open(config.userDataDir));
  const flash = new FlashService({
    bus,
    clock,
    appVersion: config.appVersion,
    events,
    log,
    layouts,
    host,
    boards,
    runFlash: config.runFlash ?? runFlashSession,
    timeouts: () => stageTimeoutsOf(settings.get().timeouts),
    journalDir: () => settings.get().folders.journals ?? path.join(config.userDataDir, 'journals'),
  });

  try {
    await boards.start();
  } catch (error) {
    // No USB (no library, no permission to list) is a state the pre-flight panel explains, not a crash.
    log.write('warn', 'the bus could not be listed at start', { error: String(error) });
  }
  // In operator mode the simulated boards go into the profile's slots (StationService), not --sim-boards.
  if (simulator && !options.stationProfile) {
    for (const soc of options.simBoards) simulator.plug({ soc, portPath: null, scenario: null });
  }

  const station = options.stationProfile
    ? await StationService.open({
        profilePath: options.stationProfile,
        bus,
        clock,
        host: await probe(),
        appVersion: config.appVersion,
        events,
        log,
        simulator,
        simSlotScenarios: options.simSlotScenarios,
        ...(config.onStationLeave ? { onLeave: config.onStationLeave } : {}),
        ...(config.onStationLock ? { onLock: config.onStationLock } : {}),
      })
    : null;

  const info: AppInfo = {
    mode: config.mode,
    simulate: options.simulate,
    appVersion: config.appVersion,
    platform: platformOf(process.platform),
    initialLayoutPath: options.layoutPath ? path.resolve(options.layoutPath) : null,
    canPickFiles: config.pickLayout !== undefined,
  };
  log.write('info', 'app started', { mode: config.mode, simulate: options.simulate });

  return {
    info,
    events,
    log,
    boards,
    layouts,
    flash,
    host,
    settings,
    simulator,
    station,
    pickLayout: config.pickLayout ?? null,
    bundles: new SessionBundleService({
      flash,
      host,
      bundlesDir: path.join(config.userDataDir, 'bundles'),
      appLogPath: path.join(config.userDataDir, 'logs', APP_LOG_FILE_NAME),
      ...(config.pickBundleSavePath ? { pickSavePath: config.pickBundleSavePath } : {}),
      ...(config.pickBundle ? { pickBundle: config.pickBundle } : {}),
    }),
    async close() {
      await flash.stop();
      await station?.close();
      boards.stop();
      simulator?.close();
      await bus.close();
      await log.flush();
    },
  };
}

function versionsOf(config: AppServiceConfig): HostFacts['versions'] {
  return {
    node: process.versions.node,
    electron: config.electronVersion ?? null,
    usb: null,
    app: config.appVersion,
  };
}
