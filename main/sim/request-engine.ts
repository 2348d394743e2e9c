import { AppError } from '../core/app-error.js';
import { whenAborted } from '../core/abort-watch.js';
import { abortedError } from '../core/clock.js';
import type { IoOptions } from '../transport/usb-transport.js';
import type { SimScheduler } from './sim-scheduler.js';

/**
 * The device's ep0 as a queue: one control transfer at a time, in order; a request waits while the
 * device is busy (a deferred flush blocks U-Boot's main loop, §3.2); each reply arrives after its
 * service time. Host timeouts and AbortSignals are honoured at every point. State changes happen when
 * the device takes the request, so a reply the host gave up on still had its effect (as on real USB).
 */
export type JobRun<T> =
  | { kind: 'reply'; value: T; serviceMs: number; busyAfterMs: number; after?: () => void }
  | { kind: 'error'; error: AppError }
  /** Nobody services ep0: the request stays pending until its timeout, abort, or a disconnect. */
  | { kind: 'hang' };

export type JobEnd = 'ok' | 'error' | 'timeout' | 'aborted';

export interface Job<T> {
  options: IoOptions;
  run(): JobRun<T>;
  /** Called once, when the host-side promise settles. */
  settled(end: JobEnd, value: T | undefined, error: AppError | undefined): void;
  /**
   * Called when the request has to wait in the queue: a job that borrows the host's buffer copies it
   * here, since a host that gives up (timeout, abort) owns its buffer again while the request waits.
   */
  queued?(): void;
}

interface Entry {
  job: Job<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  settled: boolean;
  startedAtMs: number;
  cancelTimeout: (() => void) | null;
  stopAbort: (() => void) | null;
}

export class RequestEngine {
  private queue: Entry[] = [];
  private readonly inFlight = new Set<Entry>();
  private running = false;
  private hung = false;
  private busyUntilMs = 0;
  private cancelWake: (() => void) | null = null;
  private cancelReply: (() => void) | null = null;

  constructor(private readonly scheduler: SimScheduler) {}

  submit<T>(job: Job<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        job: job,
        resolve: resolve,
        reject,
        settled: false,
        startedAtMs: this.scheduler.nowMs(),
        cancelTimeout: null,
        stopAbort: null,
      };
      const signal = job.options.signal;
      if (signal?.aborted) {
        this.settle(entry, 'aborted', undefined, abortedError(signal));
        return;
      }
      if (signal)
        entry.stopAbort = whenAborted(signal, () =>
          this.settle(entry, 'aborted', undefined, abortedError(signal)),
        );
      this.inFlight.add(entry);
      this.queue.push(entry);
      this.pump();
      if (!entry.settled && this.queue.includes(entry)) job.queued?.();
    });
  }

  /** Makes the next request wait until `modelMs` from now (e.g. TF-A starting after the ROM jump). */
  busyFor(modelMs: number): void {
    this.busyUntilMs = Math.max(this.busyUntilMs, this.scheduler.nowMs() + this.scheduler.scale(modelMs));
  }

  /** Whether the device is still working (a flush) after its last reply. */
  busyRemainingMs(): number {
    return Math.max(0, this.busyUntilMs - this.scheduler.nowMs());
  }

  /** The device left the bus or the bus closed: every pending request rejects. */
  failAll(error: AppError): void {
    this.cancelWake?.();
    this.cancelReply?.();
    this.cancelWake = this.cancelReply = null;
    this.running = false;
    this.hung = false;
    this.busyUntilMs = 0;
    const pending = [...this.inFlight];
    this.queue = [];
    for (const entry of pending) this.settle(entry, 'error', undefined, error);
  }

  private settle(entry: Entry, end: JobEnd, value: unknown, error: AppError | undefined): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.cancelTimeout?.();
    entry.stopAbort?.();
    this.inFlight.delete(entry);
    entry.job.settled(end, value, error);
    if (end === 'ok') entry.resolve(value);
    else entry.reject(error);
  }

  /** Host timeouts are armed only for requests that cannot be answered at once. */
  private armTimeout(entry: Entry): void {
    if (entry.cancelTimeout || entry.settled) return;
    const timeoutMs = entry.job.options.timeoutMs;
    if (!Number.isFinite(timeoutMs)) return;
    const remaining = Math.max(0, entry.startedAtMs + timeoutMs - this.scheduler.nowMs());
    entry.cancelTimeout = this.scheduler.afterClockMs(remaining, () => {
      entry.cancelTimeout = null;
      this.settle(
        entry,
        'timeout',
        undefined,
        new AppError('timeout', `USB request timed out after ${timeoutMs} ms`, { timeoutMs }),
      );
    });
  }

  private pump(): void {
    if (this.running) {
      this.queue.forEach((e) => this.armTimeout(e));
      return;
    }
    while (this.queue.length > 0) {
      const entry = this.queue[0]!;
      if (entry.settled) {
        this.queue.shift();
        continue;
      }
      if (this.hung) {
        this.queue.forEach((e) => this.armTimeout(e));
        return;
      }
      const now = this.scheduler.nowMs();
      if (this.busyUntilMs > now) {
        this.queue.forEach((e) => this.armTimeout(e));
        if (!this.cancelWake) {
          this.cancelWake = this.scheduler.afterClockMs(this.busyUntilMs - now, () => {
            this.cancelWake = null;
            this.pump();
          });
        }
        return;
      }
      this.queue.shift();
      const result = entry.job.run();
      if (result.kind === 'error') {
        this.settle(entry, 'error', undefined, result.error);
        continue;
      }
      if (result.kind === 'hang') {
        this.hung = true;
        this.queue.unshift(entry);
        continue;
      }
      const delay = this.scheduler.scale(result.serviceMs);
      this.busyUntilMs = now + delay + this.scheduler.scale(result.busyAfterMs);
      if (delay <= 0) {
        this.settle(entry, 'ok', result.value, undefined);
        result.after?.();
        continue;
      }
      this.armTimeout(entry);
      this.running = true;
      this.cancelReply = this.scheduler.afterClockMs(delay, () => {
        this.cancelReply = null;
        this.running = false;
        this.settle(entry, 'ok', result.value, undefined);
        result.after?.();
        this.pump();
      });
      this.queue.forEach((e) => this.armTimeout(e));
      return;
    }
  }
}
