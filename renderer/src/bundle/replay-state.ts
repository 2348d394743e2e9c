import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { flashReducer, initialFlashState, type FlashState } from '../flash/flash-reducer.js';

export const REPLAY_SPEEDS = [1, 5, 20] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/**
 * The replay controls. Position is kept in session time (ms since session-start), not replay time,
 * so changing the speed mid-replay continues from the same point instead of jumping.
 */
export interface ReplayControl {
  /** false: the view shows the whole recorded session; true: it shows the replay's position. */
  active: boolean;
  playing: boolean;
  speed: ReplaySpeed;
  sessionMs: number;
}

export type ReplayAction =
  | { type: 'restart' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'speed'; speed: ReplaySpeed }
  | { type: 'tick'; wallMs: number; durationMs: number }
  | { type: 'stop' };

export const initialReplayControl: ReplayControl = { active: false, playing: false, speed: 5, sessionMs: 0 };

export function replayReducer(state: ReplayControl, action: ReplayAction): ReplayControl {
  switch (action.type) {
    case 'restart':
      return { ...state, active: true, playing: true, sessionMs: 0 };
    case 'pause':
      return { ...state, playing: false };
    case 'resume':
      return state.active
        ? { ...state, playing: true }
        : { ...state, active: true, playing: true, sessionMs: 0 };
    case 'speed':
      return { ...state, speed: action.speed };
    case 'tick': {
      if (!state.playing) return state;
      const sessionMs = Math.min(
        action.durationMs,
        state.sessionMs + Math.max(0, action.wallMs) * state.speed,
      );
      return { ...state, sessionMs, playing: sessionMs < action.durationMs };
    }
    case 'stop':
      return { ...initialReplayControl, speed: state.speed };
  }
}

/**
 * The live view's FlashState after the first `count` recorded events, built by the same reducer a
 * live session goes through, so a replay draws exactly what the bench engineer saw.
 */
export function flashStateAfter(events: readonly FlashEvent[], count: number, plannedBytes = 0): FlashState {
  const start = events.find((e) => e.type === 'session-start');
  const sessionId = start?.type === 'session-start' ? start.sessionId : 'bundle';
  let state: FlashState = { ...initialFlashState, status: 'starting', plannedBytes };
  for (const event of events.slice(0, Math.max(0, count))) {
    state = flashReducer(state, { type: 'event', sessionId, event });
  }
  return state;
}

/** The wall clock the recorded session had reached at `sessionMs`, for the panels' countdowns. */
export function recordedWallMs(state: FlashState, sessionMs: number): number | null {
  if (!state.startedAt) return null;
  const started = Date.parse(state.startedAt);
  return Number.isNaN(started) ? null : started + sessionMs;
}
