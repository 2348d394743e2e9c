import { VirtualClock } from '../main/core/clock.js';
import { loadFlashLayout } from '../main/layout/load-flash-layout.js';
import {
  SimulatedBus,
  createSimulatedBoard,
  idealThroughputBytesPerSec,
  idealTransferMs,
} from '../main/sim/index.js';
import { GiB, MiB, writeBenchLayout } from './bench-fixture.js';
import { cpuMsSince, median, round } from './bench-stats.js';
import { hostOnlyDownload } from './host-only-download.js';
import { flashOnBus } from './sim-flash.js';
import { transferWindow } from './transfer-window.js';

export interface HostEfficiencyResult {
  /** Achieved rootfs throughput / the device model's ideal for the same bytes (target ≥ 0.99). */
  achievedOverIdeal: number;
  achievedMiBps: number;
  idealMiBps: number;
  rootfsBytes: number;
  /** Model time no request was on the wire during the rootfs download (host waiting of its own). */
  idleGapMs: number;
  requestsPerBlock: number;
  /** Whole session in model seconds (enumeration delays included), for context. */
  sessionModelS: number;
  /** Host CPU per MiB: the DFU engine streaming the same file to a zero-cost device (no simulator). */
  hostCpuMsPerMiB: number;
  /** CPU per MiB of this whole process during the rootfs download: host + simulator + virtual clock. */
  processCpuMsPerMiBWithSim: number;
  invariantViolations: number;
  method: string;
}

export async function measureHostEfficiency(
  options: { rootfsBytes?: number } = {},
): Promise<HostEfficiencyResult> {
  const rootfsBytes = options.rootfsBytes ?? GiB;
  const fixture = await writeBenchLayout({ soc: 'mp15', rootfsBytes });
  try {
    const plan = await loadFlashLayout(fixture.layoutPath);
    const clock = new VirtualClock({ autoAdvance: true });
    const bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({ soc: 'mp15', portPath: '1-2', timing: { jitterFraction: 0 } });
    bus.plug(board);
    let cpuStart: NodeJS.CpuUsage | null = null;
    let rootfsCpuMs = 0;
    let rootfs: { alt: number; connectionId: string } | null = null;
    let connectionId = '';
    const run = await flashOnBus({
      bus,
      clock,
      plan,
      portPath: '1-2',
      onEvent: (event) => {
        if (event.type === 'stage' && event.connectionId) connectionId = event.connectionId;
        if (event.type === 'partition-start' && event.name === 'rootfs') {
          rootfs = { alt: event.alt, connectionId };
          cpuStart = process.cpuUsage();
        }
        if (event.type === 'partition-end' && cpuStart && rootfsCpuMs === 0)
          rootfsCpuMs = cpuMsSince(cpuStart);
      },
    });
    const target = rootfs as { alt: number; connectionId: string } | null;
    if (!target) throw new Error('the rootfs was never sent');
    const window = transferWindow(board.transferLog(), target.connectionId, target.alt);
    const idealMs = idealTransferMs(board.timing, { stage: 'uboot', bytes: rootfsBytes, medium: 'mmc' });
    const violations = board.invariantViolations().length;
    await bus.close();

    const hostOnly = [];
    for (let i = 0; i < 3; i++) hostOnly.push(await hostOnlyDownload(fixture.rootfsPath));
    const mib = rootfsBytes / MiB;
    return {
      achievedOverIdeal: round(idealMs / window.durationMs, 5),
      achievedMiBps: round(mib / (window.durationMs / 1000), 3),
      idealMiBps: round(idealThroughputBytesPerSec(board.timing, { stage: 'uboot', medium: 'mmc' }) / MiB, 3),
      rootfsBytes,
      idleGapMs: round(window.idleGapMs, 3),
      requestsPerBlock: round(window.requests / window.dataBlocks, 4),
      sessionModelS: round(run.result.durationMs / 1000, 2),
      hostCpuMsPerMiB: round(median(hostOnly.map((r) => r.cpuMsPerMiB)), 3),
      processCpuMsPerMiBWithSim: round(rootfsCpuMs / mib, 3),
      invariantViolations: violations,
      method:
        `MP15 sample layout with a ${mib} MiB sparse rootfs, one simulated board with the default timing model ` +
        `(USB ${board.timing.usbBytesPerSec / 1e6} MB/s, ${board.timing.controlOverheadMs} ms per control transfer, ` +
        `eMMC/SD write ${board.timing.media.mmc.writeBytesPerSec / 1e6} MB/s, U-Boot wTransferSize 4096) on a VirtualClock, ` +
        "so every delay is the model's and exact. The rootfs window is read from the simulator's transfer log " +
        '(first DNLOAD → the GETSTATUS that reports dfuIDLE after the ZLP) and compared with idealTransferMs() ' +
        'for the same bytes. hostCpuMsPerMiB: process.cpuUsage() while the real DfuClient streams the same file ' +
        'to a device that answers at once (bench/null-dfu-transport.ts), median of 3 passes.',
    };
  } finally {
    await fixture.remove();
  }
}
