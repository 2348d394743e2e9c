import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { isAppError } from '../../../main/core/app-error.js';

describe('VirtualClock', () => {
  it('fires timers in due order when advanced', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimer(() => fired.push('b'), 20);
    clock.setTimer(() => fired.push('a'), 10);
    clock.setTimer(() => fired.push('c'), 30);
    clock.advance(25);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.nowMs()).toBe(25);
    clock.advance(5);
    expect(fired).toEqual(['a', 'b', 'c']);
  });

  it('jumps straight to the next timer in auto-advance mode', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    const started = Date.now();
    await clock.sleep(30_000);
    expect(clock.nowMs()).toBe(30_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rejects a sleep with an aborted AppError and drops its timer', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toSatisfy((e: unknown) => isAppError(e, 'aborted'));
    expect(clock.pendingTimers()).toBe(0);
  });
});
