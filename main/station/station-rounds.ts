import type { StationEvent, UnitRecord } from '../../shared/domain/station.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import { abortedError } from '../core/clock.js';
import type { StationEngine } from './station-engine.js';

export interface RoundUnit {
  round: number;
  record: UnitRecord;
}

export interface StationRoundsOptions {
  engine: StationEngine;
  clock: Clock;
  rounds: number;
  /** Before each round: plug the boards (simulation) or nothing (a real jig). */
  beforeRound?: (round: number) => Promise<void>;
  /** After each round's outcomes: unplug the boards (simulation). */
  afterRound?: (round: number) => Promise<void>;
  /**
   * The slots a round waits for; null = every slot. A real jig waits up to `waitForBoardsMs` for a
   * board in every slot, then runs the round with the slots that have one.
   */
  expectSlots: readonly string[] | null;
  waitForBoardsMs: number;
  onUnit?: (unit: RoundUnit) => void;
  signal?: AbortSignal;
}

/**
 * The headless station: rounds of "boards in → start all (or auto-start) → one outcome per slot".
 * A refused board counts as that slot's outcome. Throws when the station blocks (a pinned file
 * changed): nothing more can be flashed with this profile.
 */
export async function runStationRounds(options: StationRoundsOptions): Promise<RoundUnit[]> {
  const { engine } = options;
  const all: RoundUnit[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const units = new Map<string, UnitRecord>();
    const refusedNow = new Set<string>();
    // a holder, not a `let`: assigned inside the listener, which control-flow analysis cannot see
    const state: { blocked: AppError | null } = { blocked: null };
    let wake: (() => void) | null = null;
    const unsubscribe = engine.subscribe((event: StationEvent) => {
      if (event.type === 'unit-recorded' && !units.has(event.record.slot))
        units.set(event.record.slot, event.record);
      if (event.type === 'slot' && event.slot.state === 'refused') refusedNow.add(event.slot.label);
      if (event.type === 'blocked' && event.blocked)
        state.blocked = new AppError(event.blocked.code, event.blocked.message, {}, event.blocked.hint);
      wake?.();
    });
    // Waits are driven by station events, never by polling timers: on an auto-advancing virtual clock
    // every polling tick would be added to the simulated durations.
    const changed = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve));
    try {
      await options.beforeRound?.(round);
      const deadlineMs = options.clock.nowMs() + options.waitForBoardsMs;
      let expected: string[];
      for (;;) {
        const slots = engine.snapshot().slots;
        const wanted = options.expectSlots ?? slots.map((slot) => slot.label);
        // a slot takes part once it holds a new unit: ready, already started (auto-start), refused on
        // arrival in this round, or already recorded this round
        const occupied = slots.filter(
          (slot) =>
            wanted.includes(slot.label) &&
            (units.has(slot.label) ||
              refusedNow.has(slot.label) ||
              slot.state === 'ready' ||
              slot.state === 'flashing'),
        );
        const late = options.clock.nowMs() >= deadlineMs;
        if (occupied.length === wanted.length || (late && occupied.length > 0)) {
          expected = occupied.map((slot) => slot.label);
          break;
        }
        if (late) {
          throw new AppError(
            'timeout',
            `Round ${round}: no board appeared in the station's slots within ${Math.round(options.waitForBoardsMs / 1000)} s.`,
            { round },
            'Put the boards in the jig in serial boot (USB) mode.',
          );
        }
        await untilEventOr(options.clock, changed(), deadlineMs - options.clock.nowMs(), options.signal);
      }
      const start = await engine.startAll();
      if (start.blocked)
        throw new AppError(start.blocked.code, start.blocked.message, {}, start.blocked.hint);
      while (!expected.every((label) => units.has(label))) {
        if (state.blocked) throw state.blocked;
        await untilEventOr(options.clock, changed(), null, options.signal);
      }
      await engine.whenIdle();
      for (const label of expected) {
        const unit = { round, record: units.get(label)! };
        all.push(unit);
        options.onUnit?.(unit);
      }
      await options.afterRound?.(round);
    } finally {
      unsubscribe();
    }
  }
  return all;
}

/** Waits for `event`, or `ms` (null: no limit); rejects when `signal` aborts. */
async function untilEventOr(
  clock: Clock,
  event: Promise<void>,
  ms: number | null,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) throw abortedError(signal);
  let cancel = (): void => undefined;
  let onAbort = (): void => undefined;
  const racers: Promise<void>[] = [event];
  if (ms !== null)
    racers.push(new Promise<void>((resolve) => (cancel = clock.setTimer(resolve, Math.max(0, ms)))));
  if (signal) {
    racers.push(
      new Promise<void>((_resolve, reject) => {
        onAbort = () => reject(abortedError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    );
  }
  try {
    await Promise.race(racers);
  } finally {
    cancel();
    signal?.removeEventListener('abort', onAbort);
  }
}
