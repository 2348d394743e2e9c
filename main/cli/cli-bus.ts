import type { HostFacts } from '../../shared/domain/host-facts.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { FAULT_SCENARIOS, type FaultScenarioId } from '../sim/fault-scenarios.js';
import type { SimSoc } from '../sim/index.js';
import type { UsbBus } from '../transport/usb-transport.js';
import { createUsbBackend } from '../usb/usb-backend.js';

export interface SimSpec {
  soc: SimSoc;
  scenario: FaultScenarioId | null;
}

const SOCS: readonly SimSoc[] = ['mp15', 'mp13', 'mp25'];

/** Parses `--sim mp15[:scenario]` with a specific error for each mistake. */
export function parseSimSpec(spec: string): SimSpec {
  const [socText, scenarioText, extra] = spec.split(':');
  const soc = SOCS.find((s) => s === socText);
  if (!soc || extra !== undefined) {
    throw new AppError(
      'bad-input',
      `--sim ${spec}: expected <soc>[:<scenario>] with <soc> one of ${SOCS.join(', ')}.`,
      { spec },
      'Example: --sim mp15:uboot-no-reconnect',
    );
  }
  if (scenarioText === undefined || scenarioText === '') return { soc, scenario: null };
  const scenario = FAULT_SCENARIOS.find((s) => s.id === scenarioText)?.id;
  if (!scenario) {
    throw new AppError(
      'bad-input',
      `--sim ${spec}: unknown scenario '${scenarioText}'.`,
      { spec },
      `Scenarios: ${FAULT_SCENARIOS.map((s) => s.id).join(', ')}.`,
    );
  }
  return { soc, scenario };
}

/** `--sim-speed 10` runs the simulated board ten times faster than real; 0 = no waiting at all. */
export function parseSimSpeed(text: string): number {
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed < 0) {
    throw new AppError(
      'bad-input',
      `--sim-speed ${text}: expected a factor ≥ 0 (1 = real speed, 10 = ten times faster, 0 = instant).`,
      { text },
    );
  }
  return speed === 0 ? 0 : 1 / speed;
}

export interface CliBus {
  bus: UsbBus;
  host: HostFacts;
  clock: Clock;
  close(): Promise<void>;
}

/** The production backend, or one simulated board on port 1-2 for `--sim`. */
export async function openCliBus(options: { sim: SimSpec | null; timeScale: number }): Promise<CliBus> {
  const clock = systemClock;
  if (options.sim) {
    // Loaded only for --sim: its ~30 modules are a third of a real-USB command's start-up.
    const { APP_TRANSFER_LOG_LIMIT, SimulatedBus, createSimulatedBoard, simulatedHostFacts } =
      await import('../sim/index.js');
    const bus = new SimulatedBus({ clock });
    const scenario = options.sim.scenario ?? undefined;
    // The simulated board powers on like a real one: it is on the bus once its ROM has enumerated.
    const enumerated = new Promise<void>((resolve) => {
      const unsubscribe = bus.subscribe((event) => {
        if (event.type === 'connect') {
          unsubscribe();
          resolve();
        }
      });
    });
    bus.plug(
      createSimulatedBoard({
        soc: options.sim.soc,
        portPath: '1-2',
        timing: { timeScale: options.timeScale },
        transferLogLimit: APP_TRANSFER_LOG_LIMIT,
        ...(scenario ? { scenario } : {}),
      }),
    );
    await enumerated;
    return { bus, host: simulatedHostFacts(scenario), clock, close: () => bus.close() };
  }
  const { probeHostFacts } = await import('../host/probe-host-facts.js');
  const [host, bus] = await Promise.all([probeHostFacts(), Promise.resolve(createUsbBackend({ clock }))]);
  return { bus, host, clock, close: () => bus.close() };
}
