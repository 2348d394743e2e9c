import { systemClock } from '../main/core/clock.js';
import { loadFlashLayout } from '../main/layout/load-flash-layout.js';
import { SimulatedBus, createSimulatedBoard } from '../main/sim/index.js';
import { cpuMsSince } from './bench-stats.js';
import { flashOnBus } from './sim-flash.js';

/** As the app does (APP_TRANSFER_LOG_LIMIT is larger): the figures are the host's, not the log's. */
const SIM_LOG_LIMIT = 1024;

export interface PipelineFlash {
  /** Rootfs partition-start → partition-end, real milliseconds. */
  rootfsWallMs: number;
  /** Process CPU (user + system, all threads) over the same span. */
  rootfsCpuMs: number;
  /** Bytes the simulated media hold at the end. */
  simStorageBytes: number;
  /** The simulator's transfer-log limit (its log keeps every request by default, for the tests). */
  simLogLimit: number;
}

/**
 * The whole pipeline (runFlashSession: layout, every stage, every partition) to one simulated MP15 board
 * with timeScale 0, on the real clock: the device answers as fast as the simulator can compute.
 */
export async function flashPipeline(layoutPath: string): Promise<PipelineFlash> {
  const plan = await loadFlashLayout(layoutPath);
  const bus = new SimulatedBus({ clock: systemClock });
  const board = createSimulatedBoard({
    soc: 'mp15',
    portPath: '1-2',
    timing: { timeScale: 0 },
    transferLogLimit: SIM_LOG_LIMIT,
  });
  bus.plug(board);
  let cpuStart: NodeJS.CpuUsage | null = null;
  let startMs = 0;
  let rootfsCpuMs = 0;
  let rootfsWallMs = 0;
  await flashOnBus({
    bus,
    clock: systemClock,
    plan,
    portPath: '1-2',
    onEvent: (event) => {
      if (event.type === 'partition-start' && event.name === 'rootfs') {
        cpuStart = process.cpuUsage();
        startMs = performance.now();
      }
      if (event.type === 'partition-end' && cpuStart && rootfsCpuMs === 0) {
        rootfsCpuMs = cpuMsSince(cpuStart);
        rootfsWallMs = performance.now() - startMs;
      }
    },
  });
  const simStorageBytes = board.storageAllocatedBytes();
  await bus.close();
  return { rootfsWallMs, rootfsCpuMs, simStorageBytes, simLogLimit: SIM_LOG_LIMIT };
}
