import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { replayDurationMs, replaySchedule, replayStepsDue } from '../../../shared/session/replay-schedule.js';

function stages(...tMs: number[]): FlashEvent[] {
  return tMs.map((t) => ({ type: 'stage', phase: 'rom', info: null, connectionId: null, tMs: t, at: '' }));
}

describe('replaySchedule', () => {
  it('delivers each event at its session time divided by the speed', () => {
    const steps = replaySchedule(stages(5, 105, 1105), 2);
    expect(steps.map((s) => s.atMs)).toEqual([0, 50, 550]);
    expect(steps.map((s) => s.delayMs)).toEqual([0, 50, 500]);
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2]);
  });

  it('shortens long idle gaps before scaling', () => {
    const steps = replaySchedule(stages(0, 100, 30_100, 30_200), { speed: 1, maxIdleMs: 1000 });
    expect(steps.map((s) => s.atMs)).toEqual([0, 100, 1100, 1200]);
  });

  it('plays everything at once at infinite speed', () => {
    expect(replaySchedule(stages(0, 10, 20), Infinity).every((s) => s.atMs === 0)).toBe(true);
  });

  it('delivers an event that goes back in time together with its predecessor', () => {
    expect(replaySchedule(stages(0, 100, 50, 150), 1).map((s) => s.atMs)).toEqual([0, 100, 100, 150]);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => replaySchedule(stages(0), 0)).toThrow(RangeError);
    expect(() => replaySchedule(stages(0), Number.NaN)).toThrow(RangeError);
  });

  it('counts the steps due at a moment of the replay', () => {
    const steps = replaySchedule(stages(0, 100, 200), 1);
    expect(replayStepsDue(steps, -1)).toBe(0);
    expect(replayStepsDue(steps, 0)).toBe(1);
    expect(replayStepsDue(steps, 150)).toBe(2);
    expect(replayStepsDue(steps, 10_000)).toBe(3);
    expect(replayDurationMs(steps)).toBe(200);
  });

  test.prop([
    fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 40 }),
    fc.double({ min: 0.01, max: 1000, noNaN: true }),
  ])('is non-decreasing, keeps every event, never waits negatively', (times, speed) => {
    const steps = replaySchedule(stages(...times), speed);
    expect(steps).toHaveLength(times.length);
    steps.forEach((step, i) => {
      expect(step.delayMs).toBeGreaterThanOrEqual(0);
      if (i > 0) expect(step.atMs).toBeGreaterThanOrEqual(steps[i - 1]!.atMs);
    });
  });
});
