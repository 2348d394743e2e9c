import { describe, expect, test } from 'vitest';
import { replaySchedule, replayStepsDue } from '../../../../shared/session/replay-schedule.js';
import {
  flashReducer,
  initialFlashState,
  type FlashState,
} from '../../../../renderer/src/flash/flash-reducer.js';
import { eventLines } from '../../../../renderer/src/bundle/event-format.js';
import {
  flashStateAfter,
  initialReplayControl,
  recordedWallMs,
  replayReducer,
  type ReplayControl,
} from '../../../../renderer/src/bundle/replay-state.js';
import { sessionEvents } from '../timeline/session-events.js';

describe('replayReducer', () => {
  const playing: ReplayControl = { active: true, playing: true, speed: 5, sessionMs: 1000 };

  test('starts inactive: the view shows the whole recorded session', () => {
    expect(initialReplayControl.active).toBe(false);
    expect(initialReplayControl.playing).toBe(false);
  });

  test('a tick advances session time by wall time × speed, and stops at the end', () => {
    expect(replayReducer(playing, { type: 'tick', wallMs: 100, durationMs: 10_000 }).sessionMs).toBe(1500);
    const end = replayReducer(playing, { type: 'tick', wallMs: 10_000, durationMs: 4000 });
    expect(end).toMatchObject({ sessionMs: 4000, playing: false, active: true });
  });

  test('a paused replay does not move; a speed change keeps the position', () => {
    const paused = replayReducer(playing, { type: 'pause' });
    expect(replayReducer(paused, { type: 'tick', wallMs: 500, durationMs: 10_000 })).toBe(paused);
    const faster = replayReducer(playing, { type: 'speed', speed: 20 });
    expect(faster).toMatchObject({ speed: 20, sessionMs: 1000 });
    expect(replayReducer(faster, { type: 'tick', wallMs: 50, durationMs: 10_000 }).sessionMs).toBe(2000);
  });

  test('restart goes back to 0 and plays; resume from inactive starts from 0; stop keeps the speed', () => {
    expect(replayReducer(playing, { type: 'restart' })).toMatchObject({ sessionMs: 0, playing: true });
    expect(replayReducer(initialReplayControl, { type: 'resume' })).toMatchObject({
      active: true,
      playing: true,
      sessionMs: 0,
    });
    expect(replayReducer({ ...playing, speed: 20 }, { type: 'stop' })).toEqual({
      ...initialReplayControl,
      speed: 20,
    });
  });

  test('negative wall time (a clock step) never moves the replay backwards', () => {
    expect(replayReducer(playing, { type: 'tick', wallMs: -300, durationMs: 10_000 }).sessionMs).toBe(1000);
  });
});

describe('flashStateAfter', () => {
  test('all events give what the live reducer gave, a prefix gives the state at that point', async () => {
    const events = await sessionEvents('mp15', 'uboot-no-reconnect');
    const sessionId = events[0]?.type === 'session-start' ? events[0].sessionId : 'x';
    let live: FlashState = { ...initialFlashState, status: 'starting' };
    for (const event of events) live = flashReducer(live, { type: 'event', sessionId, event });

    const full = flashStateAfter(events, events.length);
    expect(full).toEqual(live);
    expect(full.status).toBe('failed');
    expect(full.outcome?.diagnosis?.symptom).toBeTruthy();

    const steps = replaySchedule(events, 1);
    const half = flashStateAfter(events, replayStepsDue(steps, steps.at(-1)!.atMs / 2));
    expect(half.outcome).toBeNull();
    expect(half.events.length).toBeLessThan(full.events.length);
    expect(flashStateAfter(events, 0)).toEqual({ ...initialFlashState, status: 'starting' });
  });

  test('recordedWallMs is session-start wall time plus session time', async () => {
    const events = await sessionEvents('mp13');
    const state = flashStateAfter(events, 1);
    expect(recordedWallMs(state, 1500)).toBe(Date.parse(state.startedAt!) + 1500);
    expect(recordedWallMs(initialFlashState, 1500)).toBeNull();
  });
});

describe('eventLines', () => {
  test('one line per event but progress ticks, the failed wait and the outcome marked as errors', async () => {
    const events = await sessionEvents('mp15', 'uboot-no-reconnect');
    const lines = eventLines(events);
    expect(lines.length).toBe(events.filter((e) => e.type !== 'partition-progress').length);
    expect(lines[0]).toMatchObject({ type: 'session-start', tone: 'info' });
    const failedWait = lines.find((l) => l.type === 'wait-end' && l.tone === 'error');
    expect(failedWait?.text).toContain('timeout');
    expect(lines.at(-1)).toMatchObject({ type: 'outcome', tone: 'error' });
    expect(lines.at(-1)!.text).toMatch(/^failed: /);
  });
});
