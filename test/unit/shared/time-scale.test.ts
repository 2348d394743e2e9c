import { describe, expect, test } from 'vitest';
import type { IdentityTimeline, TimelineGap } from '../../../shared/timeline/identity-timeline.js';
import type { TimeScaleOptions } from '../../../shared/timeline/time-scale.js';
import { buildTimeScale } from '../../../shared/timeline/time-scale.js';

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

/** The constants of the React timeline (renderer/src/timeline/timeline-card.tsx). */
function screen(widthPx: number, overrides: Partial<TimeScaleOptions> = {}): TimeScaleOptions {
  return {
    widthPx,
    compressAboveMs: 5_000,
    compressAboveShare: 0.4,
    compressedWidthPx: Math.max(90, Math.round(widthPx * 0.12)),
    minTickSpacingPx: 72,
    ...overrides,
  };
}

/** The constants of the report's SVG timeline (main/session/report/timeline-svg.ts). */
const REPORT: TimeScaleOptions = {
  x0: 132,
  widthPx: 868,
  compressAboveMs: 1500,
  compressAboveShare: 0.2,
  compressedWidthPx: 87,
  minTickSpacingPx: 70,
};

describe('buildTimeScale', () => {
  test('without long gaps the axis is linear over the whole width', () => {
    const scale = buildTimeScale(timeline(8000, [{ startMs: 2000, endMs: 5000 }]), screen(800));
    expect(scale.breaks).toEqual([]);
    expect(scale.x(0)).toBe(0);
    expect(scale.x(4000)).toBeCloseTo(400);
    expect(scale.x(8000)).toBeCloseTo(800);
    expect(scale.ticks[0]).toMatchObject({ tMs: 0, label: '0 s' });
  });

  test('a 30 s timeout is drawn short, with a break, and activity keeps the rest of the width', () => {
    const scale = buildTimeScale(
      timeline(32_000, [{ startMs: 2000, endMs: 32_000, result: 'timeout' }]),
      screen(1000, { compressedWidthPx: 120 }),
    );
    expect(scale.breaks).toEqual([{ startMs: 2000, endMs: 32_000, x0: 880, x1: 1000 }]);
    expect(scale.x(1000)).toBeCloseTo(440);
    expect(scale.x(17_000)).toBeCloseTo(940);
    // No tick inside the compressed stretch; its end is labelled.
    expect(scale.ticks.some((t) => t.tMs > 2000 && t.tMs < 32_000)).toBe(false);
    expect(scale.ticks.at(-1)).toMatchObject({ tMs: 32_000, x: 1000, label: '32 s' });
  });

  test('the scale is monotonic', () => {
    const scale = buildTimeScale(timeline(60_000, [{ startMs: 10_000, endMs: 50_000 }]), screen(900));
    let last = -1;
    for (let t = 0; t <= 60_000; t += 500) {
      const x = scale.x(t);
      expect(x).toBeGreaterThanOrEqual(last);
      last = x;
    }
  });

  test('the report thresholds fold a shorter wait, and the axis starts at the x offset', () => {
    const gaps = [{ startMs: 1000, endMs: 4000 }];
    expect(buildTimeScale(timeline(6000, gaps), screen(868)).breaks).toEqual([]);
    const scale = buildTimeScale(timeline(6000, gaps), REPORT);
    expect(scale.x(0)).toBe(132);
    expect(scale.x(6000)).toBeCloseTo(1000);
    expect(scale.breaks).toHaveLength(1);
    expect(scale.breaks[0]!.x1 - scale.breaks[0]!.x0).toBeCloseTo(87);
    expect(scale.ticks.every((t) => t.x >= 132 && t.x <= 1000 + 1e-6)).toBe(true);
  });

  test('ticks stay apart, and labels carry the precision of their step', () => {
    const short = buildTimeScale(timeline(400, []), REPORT);
    expect(short.ticks.slice(0, 3).map((t) => t.label)).toEqual(['0 s', '50 ms', '100 ms']);
    const seconds = buildTimeScale(timeline(3000, []), REPORT);
    expect(seconds.ticks.map((t) => t.label)).toEqual([
      '0 s',
      '250 ms',
      '500 ms',
      '750 ms',
      '1 s',
      '1.25 s',
      '1.50 s',
      '1.75 s',
      '2 s',
      '2.25 s',
      '2.50 s',
      '2.75 s',
      '3 s',
    ]);
    const long = buildTimeScale(timeline(600_000, []), screen(900));
    expect(long.ticks.map((t) => t.label)).toContain('2 min 00');
    for (const scale of [short, seconds, long]) {
      scale.ticks
        .slice(1)
        .forEach((tick, i) => expect(tick.x - scale.ticks[i]!.x).toBeGreaterThanOrEqual(40));
    }
  });

  test('an unround break end is labelled to a tenth of a second', () => {
    const scale = buildTimeScale(
      timeline(32_437, [{ startMs: 2000, endMs: 32_437, result: 'timeout' }]),
      screen(1000),
    );
    expect(scale.ticks.map((t) => t.label)).toContain('32.4 s');
  });
});
