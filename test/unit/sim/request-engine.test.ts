import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { VirtualClock } from '../../../main/core/clock.js';
import type { IoOptions } from '../../../main/transport/usb-transport.js';
import { RequestEngine, type Job, type JobEnd } from '../../../main/sim/request-engine.js';
import { SimScheduler } from '../../../main/sim/sim-scheduler.js';

interface Probe {
  job: Job<string>;
  runs: number;
  queuedCalls: number;
  ends: JobEnd[];
}

/** A request the device answers with `value` after `serviceMs` of model time. */
function probe(value: string, serviceMs: number, options: IoOptions): Probe {
  const p: Probe = {
    runs: 0,
    queuedCalls: 0,
    ends: [],
    job: {
      options,
      run: () => {
        p.runs++;
        return { kind: 'reply', value, serviceMs, busyAfterMs: 0 };
      },
      settled: (end) => void p.ends.push(end),
      queued: () => void p.queuedCalls++,
    },
  };
  return p;
}

function engine(): { engine: RequestEngine; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { engine: new RequestEngine(new SimScheduler(clock, 1)), clock };
}

describe('RequestEngine', () => {
  it('tells a job it has to wait only when it cannot be taken at once', async () => {
    const { engine: e, clock } = engine();
    const first = probe('a', 10, { timeoutMs: 1000 });
    const second = probe('b', 0, { timeoutMs: 1000 });
    const answers = [e.submit(first.job), e.submit(second.job)];
    // The first was taken at once (it is being serviced); the second waits behind it.
    expect(first.queuedCalls).toBe(0);
    expect(second.queuedCalls).toBe(1);
    expect(second.runs).toBe(0);
    clock.advance(10);
    await expect(Promise.all(answers)).resolves.toEqual(['a', 'b']);
    expect(second.runs).toBe(1);
  });

  it('keeps one abort listener per signal however many requests use it, and aborts them all', async () => {
    const { engine: e, clock } = engine();
    const controller = new AbortController();
    const options = { timeoutMs: 1000, signal: controller.signal };
    for (let i = 0; i < 50; i++) {
      const one = probe(`r${i}`, 1, options);
      const answer = e.submit(one.job);
      clock.advance(1);
      await expect(answer).resolves.toBe(`r${i}`);
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);

    const pending = [probe('x', 5, options), probe('y', 5, options), probe('z', 5, options)];
    const answers = pending.map((p) => e.submit(p.job).catch((error: unknown) => error));
    controller.abort();
    const errors = await Promise.all(answers);
    expect(errors.every((error) => isAppError(error, 'aborted'))).toBe(true);
    expect(pending.map((p) => p.ends)).toEqual([['aborted'], ['aborted'], ['aborted']]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
