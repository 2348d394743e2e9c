import { AppError } from '../../core/app-error.js';
import type { FaultScenarioId, SimSoc, SimulatedBoard, SimulatedBus } from '../../sim/index.js';
import { APP_TRANSFER_LOG_LIMIT, FAULT_SCENARIOS, createSimulatedBoard } from '../../sim/index.js';

const SOCS: readonly SimSoc[] = ['mp15', 'mp13', 'mp25'];

export interface StationSimSpec {
  count: number;
  soc: SimSoc | null;
}

/** `--sim 4` or `--sim 4:mp13` (a SoC other than the profile's shows the refusal). */
export function parseStationSimSpec(text: string, slotCount: number): StationSimSpec {
  const match = /^(\d+)(?::([a-z0-9]+))?$/.exec(text);
  const count = match ? Number(match[1]) : NaN;
  if (!match || !Number.isInteger(count) || count < 1 || count > slotCount) {
    throw new AppError(
      'bad-input',
      `--sim ${text}: expected <n>[:<soc>] with n from 1 to ${slotCount} (the profile's slots).`,
      { text },
      'Example: --sim 4 or --sim 2:mp13',
    );
  }
  if (match[2] === undefined) return { count, soc: null };
  const soc = SOCS.find((s) => s === match[2]);
  if (!soc)
    throw new AppError('bad-input', `--sim ${text}: the SoC must be one of ${SOCS.join(', ')}.`, { text });
  return { count, soc };
}

/** `--sim-scenario C=uboot-no-reconnect`, repeatable; the slot must be one of the simulated ones. */
export function parseSlotScenarios(
  specs: readonly string[],
  simulatedSlots: readonly string[],
): Map<string, FaultScenarioId> {
  const scenarios = new Map<string, FaultScenarioId>();
  for (const spec of specs) {
    const [label, id, extra] = spec.split('=');
    const scenario = FAULT_SCENARIOS.find((s) => s.id === id)?.id;
    if (!label || extra !== undefined || !id) {
      throw new AppError(
        'bad-input',
        `--sim-scenario ${spec}: expected <slot>=<scenario>.`,
        { spec },
        'Example: --sim-scenario B=uboot-no-reconnect',
      );
    }
    if (!simulatedSlots.includes(label)) {
      throw new AppError(
        'bad-input',
        `--sim-scenario ${spec}: slot ${label} has no simulated board (simulated: ${simulatedSlots.join(', ')}).`,
        { spec },
      );
    }
    if (!scenario) {
      throw new AppError(
        'bad-input',
        `--sim-scenario ${spec}: unknown scenario '${id}'.`,
        { spec },
        `Scenarios: ${FAULT_SCENARIOS.map((s) => s.id).join(', ')}.`,
      );
    }
    scenarios.set(label, scenario);
  }
  return scenarios;
}

/**
 * Simulated boards in a station's slots: before each round a fresh board (a new serial) is plugged
 * into each simulated slot's port; after it, every board is pulled, as an operator would.
 */
export class StationSim {
  private boards: SimulatedBoard[] = [];

  constructor(
    private readonly bus: SimulatedBus,
    private readonly slots: readonly { label: string; portPath: string }[],
    private readonly soc: SimSoc,
    private readonly scenarios: ReadonlyMap<string, FaultScenarioId>,
    private readonly timeScale: number,
  ) {}

  /** Plugs one board per slot and resolves once every one has enumerated (its ROM is on the bus). */
  async plugRound(round: number): Promise<void> {
    const waiting = new Set(this.slots.map((slot) => slot.portPath));
    const enumerated = new Promise<void>((resolve) => {
      const unsubscribe = this.bus.subscribe((event) => {
        if (event.type !== 'connect' || !waiting.delete(event.identity.portPath)) return;
        if (waiting.size === 0) {
          unsubscribe();
          resolve();
        }
      });
    });
    for (const slot of this.slots) {
      const scenario = this.scenarios.get(slot.label);
      const board = createSimulatedBoard({
        soc: this.soc,
        portPath: slot.portPath,
        label: `slot-${slot.label}-round-${round}`,
        timing: { timeScale: this.timeScale },
        transferLogLimit: APP_TRANSFER_LOG_LIMIT,
        ...(scenario ? { scenario } : {}),
      });
      this.boards.push(board);
      this.bus.plug(board);
    }
    await enumerated;
  }

  unplugAll(): void {
    for (const board of this.boards) this.bus.unplug(board);
    this.boards = [];
  }
}
