import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import { ST_DFU_PID, ST_VID } from '../../shared/domain/board-identity.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import { abortedError } from '../core/clock.js';
import { stageInfoOf } from '../flash/stage-info.js';
import type { UsbBus } from '../transport/usb-transport.js';

export interface LearnedSlot {
  label: string;
  portPath: string;
  /** The board used to learn the slot (for the screen; not stored in the profile). */
  serial: string | null;
}

export type LearnStep =
  | { type: 'waiting'; label: string; index: number; total: number }
  | { type: 'learned'; slot: LearnedSlot; index: number; total: number };

export interface LearnSlotsOptions {
  bus: UsbBus;
  clock: Clock;
  labels: readonly string[];
  onStep?: (step: LearnStep) => void;
  /** Per slot: how long to wait for the engineer to plug the next board. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * "Learn slots": the engineer plugs one board into each jig position in turn; the port path of each
 * newly appearing board becomes the next label's slot. Only a board that *appears* in ROM code (a
 * fresh board in serial boot) counts, on a port not learned yet: boards already on the bus and a
 * learned board re-enumerating are not mistaken for the next slot.
 */
export async function learnSlots(options: LearnSlotsOptions): Promise<LearnedSlot[]> {
  const { labels, clock } = options;
  const learned: LearnedSlot[] = [];
  const arrivals: BoardIdentity[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = options.bus.subscribe((event) => {
    const { identity } = event;
    if (event.type !== 'connect' || identity.vid !== ST_VID || identity.pid !== ST_DFU_PID) return;
    if (stageInfoOf(identity).stage !== 'rom') return;
    arrivals.push(identity);
    wake?.();
  });
  try {
    for (const [index, label] of labels.entries()) {
      options.onStep?.({ type: 'waiting', label, index, total: labels.length });
      const deadlineMs = clock.nowMs() + options.timeoutMs;
      for (;;) {
        const next = arrivals.shift();
        if (next && !learned.some((slot) => slot.portPath === next.portPath)) {
          const slot = { label, portPath: next.portPath, serial: next.serial };
          learned.push(slot);
          options.onStep?.({ type: 'learned', slot, index, total: labels.length });
          break;
        }
        if (next) continue;
        const remainingMs = deadlineMs - clock.nowMs();
        if (remainingMs <= 0) {
          throw new AppError(
            'timeout',
            `No new board appeared for slot ${label} within ${Math.round(options.timeoutMs / 1000)} s.`,
            { label, learned },
            'Plug a board in serial boot (USB) mode into the next jig position.',
          );
        }
        await waitForArrival(clock, remainingMs, options.signal, (resolve) => (wake = resolve));
        wake = null;
      }
    }
    return learned;
  } finally {
    unsubscribe();
  }
}

function waitForArrival(
  clock: Clock,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  register: (resolve: () => void) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const done = (): void => {
      cancel();
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      cancel();
      reject(abortedError(signal));
    };
    const cancel = clock.setTimer(done, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    register(done);
  });
}
