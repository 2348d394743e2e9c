import path from 'node:path';
import type { HostFacts } from '../../shared/domain/host-facts.js';
import type { PinCheckResult, StationSnapshot } from '../../shared/domain/station.js';
import type { StationView } from '../../shared/ipc/station-channels.js';
import type { Clock } from '../core/clock.js';
import { loadStationProfile, StationEngine, type StartResult } from '../station/index.js';
import type { UsbBus } from '../transport/usb-transport.js';
import type { AppEventHub } from './app-events.js';
import type { AppLog } from './app-log.js';
import type { SimulatorService } from './simulator-service.js';

export interface StationServiceDeps {
  profilePath: string;
  bus: UsbBus;
  clock: Clock;
  host: HostFacts;
  appVersion: string;
  events: AppEventHub;
  log: AppLog;
  /** --simulate: one simulated board of the profile's SoC is plugged into each slot. */
  simulator: SimulatorService | null;
  /** --sim-scenario <slot>=<scenario>: that slot's simulated board has the fault. */
  simSlotScenarios: Record<string, string>;
  /** The shell's reaction to a PIN-authorized exit from operator mode (Electron: leave kiosk). */
  onLeave?: () => void;
  /** The shell's reaction to going back to operator mode (Electron: kiosk again). */
  onLock?: () => void;
}

/**
 * Operator mode for the GUI: the station engine on the app's bus, its events on `station.event`, and
 * the lock state (the bench views stay closed until the admin PIN opens them).
 */
export class StationService {
  private locked = true;

  private constructor(
    private readonly engine: StationEngine,
    private readonly shell: { onLeave: (() => void) | null; onLock: (() => void) | null },
    private readonly log: AppLog,
  ) {}

  /** Loads and verifies the profile (an edited pinned file refuses the start), then watches the bus. */
  static async open(deps: StationServiceDeps): Promise<StationService> {
    const loaded = await loadStationProfile(path.resolve(deps.profilePath));
    const engine = await StationEngine.open(
      {
        bus: deps.bus,
        clock: deps.clock,
        host: deps.host,
        appVersion: deps.appVersion,
        log: (level, message) => deps.log.write(level, `station: ${message}`),
      },
      loaded,
    );
    engine.subscribe((event) => deps.events.emit('station.event', event));
    await engine.start();
    if (deps.simulator) {
      for (const slot of loaded.profile.slots) {
        deps.simulator.plug({
          soc: loaded.profile.soc,
          portPath: slot.portPath,
          scenario: deps.simSlotScenarios[slot.label] ?? null,
        });
      }
    }
    deps.log.write('info', 'operator mode', { profile: loaded.profile.name });
    return new StationService(
      engine,
      { onLeave: deps.onLeave ?? null, onLock: deps.onLock ?? null },
      deps.log,
    );
  }

  view(): StationView {
    return { snapshot: this.engine.snapshot(), locked: this.locked };
  }

  snapshot(): StationSnapshot {
    return this.engine.snapshot();
  }

  startAll(): Promise<StartResult> {
    return this.engine.startAll();
  }

  startSlot(label: string): Promise<StartResult> {
    return this.engine.startSlot(label);
  }

  authorize(...args: Parameters<StationEngine['authorize']>): Promise<PinCheckResult> {
    return this.engine.authorize(...args);
  }

  clearCounters(pin: string): Promise<PinCheckResult> {
    return this.engine.clearCounters(pin);
  }

  /** True while operator mode holds: the shell keeps its window closed-proof then. */
  isLocked(): boolean {
    return this.locked;
  }

  async leave(pin: string): Promise<PinCheckResult> {
    const result = await this.engine.authorize('leave-operator-mode', pin);
    if (result.ok) {
      this.locked = false;
      this.log.write('info', 'operator mode left (admin PIN)');
      this.shell.onLeave?.();
    }
    return result;
  }

  /**
   * Back to operator mode without a restart, when the engineer is done on the bench. Locking needs no
   * PIN (anyone may make the station safer); a bench flash still running goes on in main and keeps its
   * own session journal, out of the operator's sight.
   */
  lock(): StationView {
    if (!this.locked) {
      this.locked = true;
      this.log.write('info', 'operator mode locked again');
      this.shell.onLock?.();
    }
    return this.view();
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
