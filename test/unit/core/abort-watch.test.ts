import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { whenAborted } from '../../../main/core/abort-watch.js';

describe('whenAborted', () => {
  it('puts one listener on the signal however many waits there are', () => {
    const controller = new AbortController();
    const stops = Array.from({ length: 100 }, () => whenAborted(controller.signal, () => undefined));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    stops.forEach((stop) => stop());
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
  });

  it('calls every wait still registered, once, and none that stopped', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    whenAborted(controller.signal, () => calls.push('a'));
    const stopB = whenAborted(controller.signal, () => calls.push('b'));
    // The same function twice is two waits.
    const same = (): number => calls.push('c');
    whenAborted(controller.signal, same);
    whenAborted(controller.signal, same);
    stopB();
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['a', 'c', 'c']);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('lets a callback stop another one during the abort', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    let stopSecond = (): void => undefined;
    whenAborted(controller.signal, () => {
      calls.push('first');
      stopSecond();
    });
    stopSecond = whenAborted(controller.signal, () => calls.push('second'));
    controller.abort();
    expect(calls).toEqual(['first']);
  });

  it('keeps signals apart', () => {
    const one = new AbortController();
    const two = new AbortController();
    const calls: string[] = [];
    whenAborted(one.signal, () => calls.push('one'));
    whenAborted(two.signal, () => calls.push('two'));
    two.abort();
    expect(calls).toEqual(['two']);
  });
});
