import type { Clock } from '../core/clock.js';

/**
 * Every timer the simulator starts goes through here, so `close()` can cancel all of them (no leaked
 * timers after `bus.close()`). Model milliseconds are scaled by `timeScale`; host timeouts are not.
 */
export class SimScheduler {
  private readonly cancels = new Set<() => void>();
  private closed = false;

  constructor(
    readonly clock: Clock,
    readonly timeScale: number,
  ) {}

  nowMs(): number {
    return this.clock.nowMs();
  }

  /** Model time → clock time. */
  scale(modelMs: number): number {
    return Math.max(0, modelMs * this.timeScale);
  }

  /** Runs `fn` after `modelMs` of model time; always asynchronous, even for 0. */
  after(modelMs: number, fn: () => void): () => void {
    return this.afterClockMs(this.scale(modelMs), fn);
  }

  afterClockMs(clockMs: number, fn: () => void): () => void {
    if (this.closed) return () => undefined;
    let done = false;
    const cancelTimer = this.clock.setTimer(() => {
      if (done) return;
      done = true;
      this.cancels.delete(cancel);
      fn();
    }, clockMs);
    const cancel = (): void => {
      if (done) return;
      done = true;
      cancelTimer();
      this.cancels.delete(cancel);
    };
    this.cancels.add(cancel);
    return cancel;
  }

  pendingCount(): number {
    return this.cancels.size;
  }

  /** Cancels every pending timer; the scheduler stays usable. */
  cancelAll(): void {
    for (const cancel of [...this.cancels]) cancel();
  }

  /** Cancels everything and refuses new timers. */
  close(): void {
    this.cancelAll();
    this.closed = true;
  }
}
