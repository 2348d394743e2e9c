import { describe, expect, test } from 'vitest';
import type { TimelineGap } from '../../../../shared/timeline/identity-timeline.js';
import { gapLabel, isFailedGap } from '../../../../renderer/src/timeline/timeline-format.js';

function gap(g: Partial<TimelineGap>): TimelineGap {
  return {
    startMs: 0,
    endMs: 0,
    fromConnectionId: null,
    toConnectionId: null,
    after: null,
    expecting: [],
    timeoutMs: null,
    result: 'arrived',
    ...g,
  };
}

describe('gap labels', () => {
  test('duration, and what ended the gap when it was not the next stage', () => {
    expect(gapLabel(gap({ startMs: 1000, endMs: 4000 }))).toBe('3.0 s');
    expect(gapLabel(gap({ startMs: 0, endMs: 30_000, result: 'timeout' }))).toBe('30 s · never came back');
    expect(isFailedGap(gap({ result: 'timeout' }))).toBe(true);
    expect(isFailedGap(gap({ result: 'open' }))).toBe(false);
  });
});
