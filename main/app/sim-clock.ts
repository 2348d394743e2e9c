import { abortedError, systemClock, type Clock } from '../core/clock.js';

/** Delays below this run on setImmediate instead of setTimeout. */
const IMMEDIATE_BELOW_MS = 1;

/**
 * The wall clock for simulated boards. Node rounds every setTimeout up to 1 ms, and the simulator
 * schedules each control transfer (0.5 ms of model time, less with a time scale) as a timer: on the
 * plain system clock a 20 MiB simulated flash spends minutes in rounding. Sub-millisecond delays here
 * run as soon as pending I/O has run, so simulated boards go as fast as their model says.
 */
export const simulationClock: Clock = {
  nowMs: () => systemClock.nowMs(),
  wallNow: () => systemClock.wallNow(),
  setTimer(fn, ms) {
    if (ms >= IMMEDIATE_BELOW_MS) return systemClock.setTimer(fn, ms);
    const handle = setImmediate(fn);
    return () => clearImmediate(handle);
  },
  sleep(ms, signal) {
    if (ms >= IMMEDIATE_BELOW_MS) return systemClock.sleep(ms, signal);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortedError(signal));
        return;
      }
      setImmediate(() => (signal?.aborted ? reject(abortedError(signal)) : resolve()));
    });
  },
};
