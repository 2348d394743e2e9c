import type { HostFacts } from '../../shared/domain/host-facts.js';
import type { SimPlugRequest, SimState } from '../../shared/ipc/simulator-channels.js';
import { AppError } from '../core/app-error.js';
import {
  APP_TRANSFER_LOG_LIMIT,
  FAULT_SCENARIOS,
  createSimulatedBoard,
  simulatedHostFacts,
  type FaultScenarioId,
  type SimSoc,
  type SimulatedBoard,
  type SimulatedBus,
} from '../sim/index.js';
import type { AppEventHub } from './app-events.js';

/** Ports offered in the panel, in the order a bench fills them. */
const PORTS = ['1-2', '1-3', '1-4', '1-1.1', '1-1.2', '1-1.3', '1-1.4'];
const SOCS: SimSoc[] = ['mp15', 'mp13', 'mp25'];

interface Plugged {
  board: SimulatedBoard;
  scenario: FaultScenarioId | null;
}

function isScenario(id: string): id is FaultScenarioId {
  return FAULT_SCENARIOS.some((s) => s.id === id);
}

/** The simulator panel's service (--simulate only): plug and unplug boards with a chosen fault. */
export class SimulatorService {
  private readonly plugged: Plugged[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    readonly bus: SimulatedBus,
    private readonly events: AppEventHub,
    readonly timeScale: number,
    /** Called when the simulated host changes (a VM scenario makes the host a VM). */
    private readonly onHostChanged: (facts: HostFacts) => void,
  ) {
    // Board stages change on bus events; the panel shows them.
    this.unsubscribe = bus.subscribe(() => this.events.emit('sim.changed', this.state()));
  }

  hostFacts(): HostFacts {
    return simulatedHostFacts(this.plugged.flatMap((p) => (p.scenario ? [p.scenario] : [])));
  }

  state(): SimState {
    const live = new Set(this.bus.plugged());
    for (let i = this.plugged.length - 1; i >= 0; i--) {
      if (!live.has(this.plugged[i]!.board)) this.plugged.splice(i, 1);
    }
    const taken = new Set(this.plugged.map((p) => p.board.portPath));
    return {
      enabled: true,
      timeScale: this.timeScale,
      boards: this.plugged.map(({ board, scenario }) => ({
        label: board.label,
        soc: board.soc,
        portPath: board.portPath,
        serial: board.serial,
        scenario,
        stage: board.stage,
      })),
      socs: [...SOCS],
      scenarios: FAULT_SCENARIOS.map((s) => ({ id: s.id, title: s.title, hostSees: s.hostSees })),
      freePorts: PORTS.filter((p) => !taken.has(p)),
    };
  }

  plug(request: SimPlugRequest): SimState {
    if (request.scenario !== null && !isScenario(request.scenario)) {
      throw new AppError('bad-input', `Unknown fault scenario "${request.scenario}".`, {
        scenario: request.scenario,
      });
    }
    const scenario = request.scenario;
    const board = createSimulatedBoard({
      soc: request.soc,
      ...(scenario ? { scenario } : {}),
      timing: { timeScale: this.timeScale },
      transferLogLimit: APP_TRANSFER_LOG_LIMIT,
    });
    const portPath = request.portPath ?? this.state().freePorts[0];
    this.bus.plug(board, portPath ? { portPath } : {});
    this.plugged.push({ board, scenario });
    this.changed();
    return this.state();
  }

  unplug(label: string): SimState {
    const entry = this.plugged.find((p) => p.board.label === label);
    if (!entry) throw new AppError('device-not-found', `No simulated board ${label}.`, { label });
    this.bus.unplug(entry.board);
    this.plugged.splice(this.plugged.indexOf(entry), 1);
    this.changed();
    return this.state();
  }

  close(): void {
    this.unsubscribe();
  }

  private changed(): void {
    this.events.emit('sim.changed', this.state());
    this.onHostChanged(this.hostFacts());
  }
}
