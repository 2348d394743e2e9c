import { systemClock } from '../main/core/clock.js';
import { loadFlashLayout } from '../main/layout/load-flash-layout.js';
import type { SimulatedBoard, TransferLogEntry } from '../main/sim/index.js';
import { SimulatedBus, createSimulatedBoard } from '../main/sim/index.js';
import { cpuMsSince } from './bench-stats.js';
import { flashOnBus } from './sim-flash.js';

export interface PipelineFlash {
  /** Rootfs partition-start → partition-end, real milliseconds. */
  rootfsWallMs: number;
  /** Process CPU (user + system, all threads) over the same span. */
  rootfsCpuMs: number;
  /** Bytes the simulated media hold at the end. */
  simStorageBytes: number;
  /** Whether the simulator's transfer log stayed short (see trimTransferLog). */
  simLogTrimmed: boolean;
}

const KEEP_LOG_ENTRIES = 1024;

/**
 * The simulator keeps every request in its transfer log for the tests (2 entries per 4 KiB block:
 * ~2 million objects for 4 GiB): simulator memory and GC work, not the host's. The board exposes that
 * log as a live array, so the bench trims it while the flash runs. Returns false when the array turns
 * out not to be live (the figures then include the whole log, and results.json says so).
 */
function trimTransferLog(board: SimulatedBoard): boolean {
  const log = board.transferLog() as TransferLogEntry[];
  if (log.length <= 4 * KEEP_LOG_ENTRIES) return true;
  log.splice(0, log.length - KEEP_LOG_ENTRIES);
  return board.transferLog().length === KEEP_LOG_ENTRIES;
}

/**
 * The whole pipeline (runFlashSession: layout, every stage, every partition) to one simulated MP15 board
 * with timeScale 0, on the real clock: the device answers as fast as the simulator can compute.
 */
export async function flashPipeline(layoutPath: string): Promise<PipelineFlash> {
  const plan = await loadFlashLayout(layoutPath);
  const bus = new SimulatedBus({ clock: systemClock });
  const board = createSimulatedBoard({ soc: 'mp15', portPath: '1-2', timing: { timeScale: 0 } });
  bus.plug(board);
  let cpuStart: NodeJS.CpuUsage | null = null;
  let startMs = 0;
  let rootfsCpuMs = 0;
  let rootfsWallMs = 0;
  let trimmed = true;
  await flashOnBus({
    bus,
    clock: systemClock,
    plan,
    portPath: '1-2',
    onEvent: (event) => {
      if (event.type === 'partition-progress' || event.type === 'partition-end')
        trimmed &&= trimTransferLog(board);
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
  return { rootfsWallMs, rootfsCpuMs, simStorageBytes, simLogTrimmed: trimmed };
}
