import { systemClock } from '../main/core/clock.js';
import { loadFlashLayout } from '../main/layout/load-flash-layout.js';
import type { TimingOverrides } from '../main/sim/index.js';
import { SimulatedBus, createSimulatedBoard } from '../main/sim/index.js';
import { writeBenchLayout } from './bench-fixture.js';
import { median, percentile, round } from './bench-stats.js';
import { flashOnBus } from './sim-flash.js';

export interface ReconnectLatencyResult {
  /** Connect event delivered → first USB request on the new enumeration (ms, real time). */
  median: number;
  p95: number;
  max: number;
  reenumerations: number;
  /** Connect event → the host's open() of the new enumeration (ms). */
  openMedian: number;
  /** The simulator's own delay between a board enumerating and the bus delivering the event (ms). */
  simEventDeliveryMedian: number;
  method: string;
}

/**
 * Device transfers cost nothing (so the flash is quick and sub-millisecond timers never round up),
 * enumeration delays are real but short: the host is idle, waiting on the bus, when the board comes back.
 */
const FAST_DEVICE: TimingOverrides = {
  timeScale: 1,
  jitterFraction: 0,
  controlOverheadMs: 0,
  usbBytesPerSec: Number.POSITIVE_INFINITY,
  romEnumerationMs: 100,
  romTfaStartMs: 0,
  romToTfaEnumerationMs: 100,
  tfaDdrInitMs: 100,
  tfaToUbootEnumerationMs: 100,
  ubootDeviceProbeMs: 100,
  boardResetToRomMs: 100,
  media: {
    mmc: { writeBytesPerSec: Number.POSITIVE_INFINITY, eraseBytesPerSec: Number.POSITIVE_INFINITY },
  },
};

export async function measureReconnectLatency(
  options: { flashes?: number } = {},
): Promise<ReconnectLatencyResult> {
  const flashes = options.flashes ?? 6;
  const fixture = await writeBenchLayout({ soc: 'mp25', rootfsBytes: 64 * 1024, trimmed: true });
  const latencies: number[] = [];
  const opens: number[] = [];
  const deliveries: number[] = [];
  try {
    const plan = await loadFlashLayout(fixture.layoutPath);
    for (let i = 0; i < flashes; i++) {
      const bus = new SimulatedBus({ clock: systemClock });
      const board = createSimulatedBoard({ soc: 'mp25', portPath: '1-2', timing: FAST_DEVICE });
      // Subscribed before the session: this listener runs first, at the moment the host hears the event.
      const connects: { connectionId: string; atMs: number }[] = [];
      bus.subscribe((event) => {
        if (event.type === 'connect')
          connects.push({ connectionId: event.identity.connectionId, atMs: systemClock.nowMs() });
      });
      bus.plug(board);
      await flashOnBus({ bus, clock: systemClock, plan, portPath: '1-2' });
      const log = board.transferLog();
      const enumerated = new Map(
        board
          .history()
          .filter((h) => h.event === 'enumerated' && h.detail)
          .map((h) => [/ as (\S+)/.exec(h.detail!)?.[1] ?? '', h.atMs]),
      );
      // The first connection is the ROM the session starts from, not a re-enumeration.
      for (const connect of connects.slice(1)) {
        const first = log.find((e) => e.connectionId === connect.connectionId && e.kind !== 'open');
        const open = log.find((e) => e.connectionId === connect.connectionId && e.kind === 'open');
        if (!first || !open) continue;
        latencies.push(first.atMs - connect.atMs);
        opens.push(open.atMs - connect.atMs);
        const at = enumerated.get(connect.connectionId);
        if (at !== undefined) deliveries.push(connect.atMs - at);
      }
      await bus.close();
    }
  } finally {
    await fixture.remove();
  }
  return {
    median: round(median(latencies), 3),
    p95: round(percentile(latencies, 95), 3),
    max: round(Math.max(...latencies), 3),
    reenumerations: latencies.length,
    openMedian: round(median(opens), 3),
    simEventDeliveryMedian: round(median(deliveries), 3),
    method:
      `${flashes} full flashes of the MP25 sample layout (4 re-enumerations each: TF-A for the DDR FIP, TF-A, ` +
      'U-Boot ×2) to a simulated board on the real clock, enumeration delays 100 ms, transfers free. A bus ' +
      'listener subscribed before the session timestamps each connect event as the host receives it; the ' +
      "first request on that connection is read from the simulator's transfer log (same clock).",
  };
}
