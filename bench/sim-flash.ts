import type { FlashEvent } from '../shared/domain/flash-event.js';
import type { FlashPlan } from '../shared/domain/flash-plan.js';
import type { Clock } from '../main/core/clock.js';
import type { FlashSessionResult } from '../main/flash/flash-session-types.js';
import { runFlashSession } from '../main/flash/flash-session.js';
import type { SimulatedBus } from '../main/sim/index.js';
import { simulatedHostFacts } from '../main/sim/index.js';

export interface PartitionTiming {
  phaseId: number;
  name: string;
  bytes: number;
  /** partition-start → partition-end, in the clock's milliseconds (model ms on a VirtualClock). */
  durationMs: number;
}

export interface SimFlashRun {
  result: FlashSessionResult;
  partitions: PartitionTiming[];
  /** Every event but partition-progress. */
  events: FlashEvent[];
}

/** One runFlashSession against a board already plugged into `bus`, on `portPath`. */
export async function flashOnBus(options: {
  bus: SimulatedBus;
  clock: Clock;
  plan: FlashPlan;
  portPath: string;
  detachAtEnd?: boolean;
  /** Every event, progress included, as it happens. */
  onEvent?: (event: FlashEvent) => void;
}): Promise<SimFlashRun> {
  const events: FlashEvent[] = [];
  const starts = new Map<number, { name: string; bytes: number }>();
  const partitions: PartitionTiming[] = [];
  const result = await runFlashSession(
    {
      bus: options.bus,
      clock: options.clock,
      host: simulatedHostFacts(),
      appVersion: 'bench',
      onEvent: (event) => {
        options.onEvent?.(event);
        if (event.type === 'partition-progress') return;
        events.push(event);
        if (event.type === 'partition-start')
          starts.set(event.phaseId, { name: event.name, bytes: event.sizeBytes });
        if (event.type === 'partition-end' && event.ok) {
          const start = starts.get(event.phaseId);
          partitions.push({
            phaseId: event.phaseId,
            name: start?.name ?? '?',
            bytes: start?.bytes ?? event.bytesSent,
            durationMs: event.durationMs,
          });
        }
      },
    },
    {
      plan: options.plan,
      target: { portPath: options.portPath, serial: null },
      ...(options.detachAtEnd === undefined ? {} : { detachAtEnd: options.detachAtEnd }),
    },
  );
  if (!result.ok) {
    const last = events.at(-1);
    throw new Error(`bench flash failed: ${JSON.stringify(result.diagnosis?.symptom ?? last)}`);
  }
  return { result, partitions, events };
}
