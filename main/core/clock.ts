import { AppError } from './app-error.js';

/**
 * Time is a parameter: the pipeline, the DFU poller and the simulator take a Clock so that tests of a
 * 30 s reconnect timeout run in milliseconds.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  nowMs(): number;
  /** Wall clock, for journals and human output only. */
  wallNow(): Date;
  /** Resolves after `ms`; rejects with an AppError('aborted') when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms`; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export function abortedError(signal: AbortSignal | undefined): AppError {
  const reason: unknown = signal?.reason;
  if (reason instanceof AppError) return reason;
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted';
  return new AppError('aborted', 'The operation was cancelled.', { reason: text });
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  wallNow: () => new Date(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortedError(signal));
        return;
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortedError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
  setTimer(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};

interface PendingTimer {
  dueMs: number;
  seq: number;
  fn: () => void;
}

/**
 * A virtual clock for tests. Time only moves through `advance()` / `runUntilIdle()`, or — with
 * `autoAdvance` — by itself whenever the event loop has nothing else to do, jumping straight to the next
 * timer. That makes a 30 s timeout take a few milliseconds while keeping the order of events exact.
 */
export class VirtualClock implements Clock {
  private now = 0;
  private seq = 0;
  private timers: PendingTimer[] = [];
  private autoScheduled = false;

  constructor(private readonly options: { autoAdvance?: boolean; startWall?: Date } = {}) {}

  nowMs(): number {
    return this.now;
  }

  wallNow(): Date {
    const start = this.options.startWall ?? new Date('2026-01-01T00:00:00.000Z');
    return new Date(start.getTime() + this.now);
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: PendingTimer = { dueMs: this.now + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
    this.scheduleAuto();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortedError(signal));
        return;
      }
      const cancel = this.setTimer(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        cancel();
        reject(abortedError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const next = this.timers[0];
      if (!next || next.dueMs > target) break;
      this.timers.shift();
      this.now = next.dueMs;
      next.fn();
    }
    this.now = target;
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  private scheduleAuto(): void {
    if (!this.options.autoAdvance || this.autoScheduled) return;
    this.autoScheduled = true;
    // setImmediate runs after pending I/O and promise jobs: only when the program is waiting on time
    // alone do we jump to the next timer.
    setImmediate(() => {
      this.autoScheduled = false;
      const next = this.timers.shift();
      if (!next) return;
      this.now = Math.max(this.now, next.dueMs);
      next.fn();
      if (this.timers.length > 0) this.scheduleAuto();
    });
  }
}
