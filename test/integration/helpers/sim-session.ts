import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import type { FlashPlan } from '../../../shared/domain/flash-plan.js';
import { VirtualClock } from '../../../main/core/clock.js';
import type { FlashSessionRequest, FlashSessionResult } from '../../../main/flash/flash-session-types.js';
import { runFlashSession } from '../../../main/flash/flash-session.js';
import { loadFlashLayout } from '../../../main/layout/load-flash-layout.js';
import { writeSampleLayout } from '../../../main/sample/sample-layout.js';
import type {
  ScenarioInput,
  SimSoc,
  SimulatedBoard,
  SimulatedBoardOptions,
} from '../../../main/sim/index.js';
import { SimulatedBus, createSimulatedBoard, simulatedHostFacts } from '../../../main/sim/index.js';

export interface SimRun {
  result: FlashSessionResult;
  events: FlashEvent[];
  board: SimulatedBoard;
  bus: SimulatedBus;
  clock: VirtualClock;
  plan: FlashPlan;
}

export async function sampleLayout(soc: SimSoc, rootfsBytes = 3 * 1024 * 1024 + 123): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `sample-${soc}-`));
  return (await writeSampleLayout(dir, { soc, rootfsBytes })).layoutPath;
}

/** Flashes `layoutPath` to one simulated board on a virtual clock; the whole flash takes milliseconds. */
export async function flashOnSim(options: {
  layoutPath: string;
  soc: SimSoc;
  scenario?: ScenarioInput | readonly ScenarioInput[];
  board?: Partial<SimulatedBoardOptions>;
  request?: Partial<FlashSessionRequest>;
  beforeStart?: (bus: SimulatedBus, board: SimulatedBoard, clock: VirtualClock) => void;
  onEvent?: (event: FlashEvent, bus: SimulatedBus) => void;
}): Promise<SimRun> {
  const clock = new VirtualClock({ autoAdvance: true });
  const bus = new SimulatedBus({ clock });
  const board = createSimulatedBoard({
    soc: options.soc,
    portPath: '1-2',
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...options.board,
  });
  bus.plug(board);
  options.beforeStart?.(bus, board, clock);
  const plan = await loadFlashLayout(options.layoutPath);
  const events: FlashEvent[] = [];
  const result = await runFlashSession(
    {
      bus,
      clock,
      host: simulatedHostFacts(options.scenario),
      appVersion: 'test',
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event, bus);
      },
    },
    { plan, target: { portPath: null, serial: null }, ...options.request },
  );
  return { result, events, board, bus, clock, plan };
}
