import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../../../../main/core/clock.js';
import { runFlashSession } from '../../../../main/flash/flash-session.js';
import { loadFlashLayout } from '../../../../main/layout/load-flash-layout.js';
import { writeSampleLayout } from '../../../../main/sample/sample-layout.js';
import {
  SimulatedBus,
  createSimulatedBoard,
  simulatedHostFacts,
  type FaultScenarioId,
  type SimSoc,
} from '../../../../main/sim/index.js';
import type { FlashEvent } from '../../../../shared/domain/flash-event.js';

/** Every event of a real session against a simulated board, on a virtual clock (milliseconds to run). */
export async function sessionEvents(soc: SimSoc, scenario?: FaultScenarioId): Promise<FlashEvent[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'timeline-'));
  const clock = new VirtualClock({ autoAdvance: true });
  const bus = new SimulatedBus({ clock });
  try {
    bus.plug(createSimulatedBoard({ soc, ...(scenario ? { scenario } : {}) }), { portPath: '1-2' });
    const { layoutPath } = await writeSampleLayout(dir, { soc, rootfsBytes: 64 * 1024 });
    const plan = await loadFlashLayout(layoutPath);
    const events: FlashEvent[] = [];
    await runFlashSession(
      { bus, clock, host: simulatedHostFacts(), appVersion: 'test', onEvent: (e) => events.push(e) },
      { plan, target: { portPath: '1-2', serial: null } },
    );
    return events;
  } finally {
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  }
}
