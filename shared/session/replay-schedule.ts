import type { FlashEvent } from '../domain/flash-event.js';

export interface ReplayStep {
  /** Position in the input list. */
  index: number;
  event: FlashEvent;
  /** When to deliver it, in ms after the replay started. */
  atMs: number;
  /** Ms after the previous step (0 for the first). */
  delayMs: number;
}

export interface ReplayOptions {
  /** 1 = as it happened, 10 = ten times faster, Infinity = everything at once. Must be > 0. */
  speed: number;
  /**
   * Session-time gaps longer than this are shortened to it before scaling, so a 30 s wait for a board
   * that never came back does not stall the replay. Default: no shortening.
   */
  maxIdleMs?: number;
}

/**
 * When each event of a recorded session is delivered in a replay. Pure: the GUI drives its timer from
 * the result and feeds the events to the same reducers a live session uses. Times come from `tMs`
 * (the session's monotonic clock); an event out of order is delivered with its predecessor.
 */
export function replaySchedule(events: readonly FlashEvent[], options: number | ReplayOptions): ReplayStep[] {
  const { speed, maxIdleMs } =
    typeof options === 'number' ? { speed: options, maxIdleMs: undefined } : options;
  if (!(speed > 0)) throw new RangeError(`replay speed must be > 0 (got ${speed})`);
  if (maxIdleMs !== undefined && !(maxIdleMs >= 0)) {
    throw new RangeError(`maxIdleMs must be ≥ 0 (got ${maxIdleMs})`);
  }
  const steps: ReplayStep[] = [];
  let sessionMs = 0;
  let previousTMs: number | null = null;
  let previousAtMs = 0;
  events.forEach((event, index) => {
    const tMs = Number.isFinite(event.tMs) ? event.tMs : (previousTMs ?? 0);
    let gapMs = previousTMs === null ? 0 : Math.max(0, tMs - previousTMs);
    if (maxIdleMs !== undefined) gapMs = Math.min(gapMs, maxIdleMs);
    sessionMs += gapMs;
    previousTMs = previousTMs === null ? tMs : Math.max(previousTMs, tMs);
    const atMs = speed === Infinity ? 0 : sessionMs / speed;
    steps.push({ index, event, atMs, delayMs: atMs - previousAtMs });
    previousAtMs = atMs;
  });
  return steps;
}

/** How many steps are due `elapsedMs` into the replay (binary search; steps are sorted by `atMs`). */
export function replayStepsDue(steps: readonly ReplayStep[], elapsedMs: number): number {
  let low = 0;
  let high = steps.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (steps[mid]!.atMs <= elapsedMs) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The replay's length in ms at this speed. */
export function replayDurationMs(steps: readonly ReplayStep[]): number {
  return steps.length === 0 ? 0 : steps[steps.length - 1]!.atMs;
}
