import { useEffect, useMemo, useReducer } from 'react';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { replayDurationMs, replaySchedule, replayStepsDue } from '../../../shared/session/replay-schedule.js';
import type { FlashState } from '../flash/flash-reducer.js';
import {
  flashStateAfter,
  initialReplayControl,
  replayReducer,
  type ReplayAction,
  type ReplayControl,
} from './replay-state.js';

const TICK_MS = 50;

export interface Replay {
  control: ReplayControl;
  dispatch: (action: ReplayAction) => void;
  /** The live view's state at the replay's position (the whole session when no replay runs). */
  flash: FlashState;
  /** Events delivered so far. */
  delivered: number;
  durationMs: number;
}

/** Drives a replay of recorded events through the live reducers, on a wall-clock timer. */
export function useReplay(events: readonly FlashEvent[], plannedBytes: number): Replay {
  const [control, dispatch] = useReducer(replayReducer, initialReplayControl);
  // Scheduled at 1×: positions are session time, the speed only scales how fast the timer advances.
  const steps = useMemo(() => replaySchedule(events, 1), [events]);
  const durationMs = replayDurationMs(steps);

  useEffect(() => {
    if (!control.playing) return;
    let last = performance.now();
    const id = window.setInterval(() => {
      const now = performance.now();
      dispatch({ type: 'tick', wallMs: now - last, durationMs });
      last = now;
    }, TICK_MS);
    return () => window.clearInterval(id);
  }, [control.playing, durationMs]);

  const delivered = control.active ? replayStepsDue(steps, control.sessionMs) : events.length;
  const flash = useMemo(
    () => flashStateAfter(events, delivered, plannedBytes),
    [events, delivered, plannedBytes],
  );
  return { control, dispatch, flash, delivered, durationMs };
}
