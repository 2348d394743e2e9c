import { describe, expect, test } from 'vitest';
import type { IdentityTimeline, TimelineGap } from '../../../../shared/timeline/identity-timeline.js';
import { buildTimeScale } from '../../../../renderer/src/timeline/timeline-scale.js';
import { gapLabel, isFailedGap } from '../../../../renderer/src/timeline/timeline-format.js';

function timeline(endMs: number, gaps: Partial<TimelineGap>[]): IdentityTimeline {
  return {
    sessionId: 's',
    startedAt: null,
    portPath: '1-2',
    endMs,
    status: 'failed',
    identities: [],
    gaps: gaps.map((g) => ({
      startMs: 0,
      endMs: 0,
      fromConnectionId: null,
      toConnectionId: null,
      after: null,
      expecting: [],
      timeoutMs: null,
      result: 'arrived',
      ...g,
    })),
    failure: null,
    otherIdentities: 0,
  };
}

describe('buildTimeScale', () => {
  test('without long gaps the axis is linear over the whole width', () => {
    const scale = buildTimeScale(timeline(8000, [{ startMs: 2000, endMs: 5000 }]), 800);
    expect(scale.breaks).toEqual([]);
    expect(scale.x(0)).toBe(0);
    expect(scale.x(4000)).toBeCloseTo(400);
    expect(scale.x(8000)).toBeCloseTo(800);
    expect(scale.ticks[0]).toMatchObject({ tMs: 0, label: '0 s' });
  });

  test('a 30 s timeout is drawn short, with a break, and activity keeps the rest of the width', () => {
    const scale = buildTimeScale(
      timeline(32_000, [{ startMs: 2000, endMs: 32_000, result: 'timeout' }]),
      1000,
      {
        compressedWidthPx: 120,
      },
    );
    expect(scale.breaks).toEqual([{ startMs: 2000, endMs: 32_000, x0: 880, x1: 1000 }]);
    expect(scale.x(1000)).toBeCloseTo(440);
    expect(scale.x(17_000)).toBeCloseTo(940);
    // No tick inside the compressed stretch; its end is labelled.
    expect(scale.ticks.some((t) => t.tMs > 2000 && t.tMs < 32_000)).toBe(false);
    expect(scale.ticks.at(-1)).toMatchObject({ tMs: 32_000, x: 1000, label: '32 s' });
  });

  test('the scale is monotonic', () => {
    const scale = buildTimeScale(timeline(60_000, [{ startMs: 10_000, endMs: 50_000 }]), 900);
    let last = -1;
    for (let t = 0; t <= 60_000; t += 500) {
      const x = scale.x(t);
      expect(x).toBeGreaterThanOrEqual(last);
      last = x;
    }
  });
});

describe('gap labels', () => {
  test('duration, and what ended the gap when it was not the next stage', () => {
    const base = timeline(0, [])['gaps'];
    expect(base).toEqual([]);
    const gap = (g: Partial<TimelineGap>): TimelineGap => timeline(0, [g]).gaps[0]!;
    expect(gapLabel(gap({ startMs: 1000, endMs: 4000 }))).toBe('3.0 s');
    expect(gapLabel(gap({ startMs: 0, endMs: 30_000, result: 'timeout' }))).toBe('30 s · never came back');
    expect(isFailedGap(gap({ result: 'timeout' }))).toBe(true);
    expect(isFailedGap(gap({ result: 'open' }))).toBe(false);
  });
});
