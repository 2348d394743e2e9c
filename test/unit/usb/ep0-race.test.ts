import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.js';
import { VirtualClock } from '../../../main/core/clock.js';
import type { AbandonReason } from '../../../main/usb/race-io.js';
import { Ep0Race } from '../../../main/usb/ep0-race.js';
import { flush } from './fake-webusb.js';

/** A VirtualClock that counts how many timers were armed. */
class CountingClock extends VirtualClock {
  armed = 0;
  override setTimer(fn: () => void, ms: number): () => void {
    this.armed++;
    return super.setTimer(fn, ms);
  }
}

function setup() {
  const clock = new CountingClock();
  const abandoned: AbandonReason[] = [];
  const race = new Ep0Race(clock, (reason) => abandoned.push(reason));
  const late = () => new AppError('timeout', 'late');
  /** A transfer the test finishes by hand (or never). */
  const transfer = () => {
    let finish!: (value: string) => void;
    let fail!: (error: Error) => void;
    const pending = new Promise<string>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    return { start: () => pending, finish, fail };
  };
  return { clock, abandoned, race, late, transfer };
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error: error instanceof AppError ? error.code : (error as Error).message }),
  );
}

describe('Ep0Race', () => {
  it('arms one timer for a stream of transfers that finish in time, not one per transfer', async () => {
    const { clock, race, late } = setup();
    for (let i = 0; i < 200; i++) {
      const done = race.run(() => Promise.resolve(i), 1_000, undefined, late);
      clock.advance(3);
      expect(await done).toBe(i);
    }
    // 600 ms of transfers with a 1 s limit: the first deadline has not even come.
    expect(clock.armed).toBe(1);
    clock.advance(2_000);
    // Fired once, found nothing in flight, did not re-arm.
    expect([clock.armed, clock.pendingTimers()]).toEqual([1, 0]);
  });

  it('fails a late transfer at exactly its deadline when the timer was armed for an earlier one', async () => {
    const { clock, abandoned, race, late, transfer } = setup();
    const first = race.run(() => Promise.resolve('a'), 100, undefined, late);
    clock.advance(10);
    expect(await first).toBe('a');
    const hung = transfer();
    const second = outcome(race.run(hung.start, 300, undefined, late));
    clock.advance(90); // t=100: the first deadline; the second is due at t=310
    clock.advance(209);
    await flush();
    expect(abandoned).toEqual([]);
    clock.advance(1);
    expect(await second).toEqual({ error: 'timeout' });
    expect(abandoned).toEqual(['timeout']);
    expect(clock.pendingTimers()).toBe(0);
    // The OS call ends after all: nobody hears of it, and nothing is unhandled.
    hung.fail(new Error('transfer was cancelled'));
    await flush();
  });

  it('moves the timer earlier when a shorter limit follows a longer one', async () => {
    const { clock, race, late, transfer } = setup();
    expect(await race.run(() => Promise.resolve('drain'), 30_000, undefined, late)).toBe('drain');
    const status = outcome(race.run(transfer().start, 500, undefined, late));
    clock.advance(500);
    expect(await status).toEqual({ error: 'timeout' });
  });

  it('rejects with aborted when the signal fires, and starts nothing on a fired signal', async () => {
    const { clock, abandoned, race, late, transfer } = setup();
    const controller = new AbortController();
    const pending = outcome(race.run(transfer().start, 1_000, controller.signal, late));
    controller.abort();
    expect(await pending).toEqual({ error: 'aborted' });
    expect([abandoned, clock.pendingTimers()]).toEqual([['aborted'], 0]);
    let started = false;
    const refused = race.run(
      () => {
        started = true;
        return Promise.resolve(1);
      },
      1_000,
      controller.signal,
      late,
    );
    expect([await outcome(refused), started]).toEqual([{ error: 'aborted' }, false]);
  });

  it('fails the transfer in flight when the device leaves and drops its late result', async () => {
    const { clock, abandoned, race, late, transfer } = setup();
    const hung = transfer();
    const pending = outcome(race.run(hung.start, 1_000, undefined, late));
    race.abandonGone(new AppError('device-gone', 'left'));
    expect(await pending).toEqual({ error: 'device-gone' });
    expect([abandoned, clock.pendingTimers()]).toEqual([['gone'], 0]);
    hung.finish('too late');
    await flush();
  });

  it('passes the transfer’s own failure through; its signal cannot fail a later transfer', async () => {
    const { abandoned, race, late, transfer } = setup();
    const controller = new AbortController();
    const failed = race.run(() => Promise.reject(new Error('pipe')), 1_000, controller.signal, late);
    expect(await outcome(failed)).toEqual({ error: 'pipe' });
    const next = transfer();
    let settled = false;
    const later = race.run(next.start, 1_000, undefined, late).finally(() => (settled = true));
    controller.abort();
    await flush();
    expect([settled, abandoned]).toEqual([false, []]);
    next.finish('ok');
    expect(await later).toBe('ok');
  });

  it('cancels its timer on close', async () => {
    const { clock, race, late } = setup();
    await race.run(() => Promise.resolve(1), 1_000, undefined, late);
    expect(clock.pendingTimers()).toBe(1);
    race.close();
    expect(clock.pendingTimers()).toBe(0);
  });
});
