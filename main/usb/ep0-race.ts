import { whenAborted } from '../core/abort-watch.js';
import { abortedError, type Clock } from '../core/clock.js';
import { asError, startCall, type AbandonReason } from './race-io.js';

interface InFlight {
  deadlineMs: number;
  reject: (error: Error) => void;
  stopAbort: (() => void) | null;
  timeoutError: () => Error;
}

/**
 * The one control transfer in flight on a handle's ep0 (the transport runs them one at a time), raced
 * against its deadline, the caller's AbortSignal and the device leaving — what `raceIo` does for any
 * call, with one timer per handle instead of a timer per transfer.
 *
 * Why: a download makes two control transfers per 4 KiB block. Arming and clearing a Node timer for
 * each was the largest part of our own per-request work in a fresh CLI process (Node's timer lists run
 * as cold JavaScript there); under the QEMU harness our transport cost ~1 ms per request more than the
 * `usb` package alone. The watchdog is armed for the earliest deadline it has been asked for and, when
 * it fires, either fails the transfer that is late or re-arms for the deadline of the one now in
 * flight; a transfer that finishes in time leaves it alone. So a stream of requests re-arms it about
 * once per timeout period, and a late transfer still fails at exactly its deadline.
 *
 * The timer is cancelled when a transfer is abandoned (the handle is then unusable) and by close(); an
 * open, idle handle keeps it at most until it fires once, finding nothing in flight.
 */
export class Ep0Race {
  private current: InFlight | null = null;
  private timerAtMs: number | null = null;
  private cancelTimer: (() => void) | null = null;

  constructor(
    private readonly clock: Clock,
    /** Told before the rejection: the OS call is still running and its effect is unknown. */
    private readonly onAbandon: (reason: AbandonReason) => void,
  ) {}

  /**
   * Starts the transfer (`start()`) unless `signal` has fired, and settles with it unless `limitMs`
   * passes, `signal` fires or abandonGone() is called first. `timeoutError` builds the rejection for a
   * late transfer, only when one is late.
   */
  run<T>(
    start: () => Promise<T>,
    limitMs: number,
    signal: AbortSignal | undefined,
    timeoutError: () => Error,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    return new Promise<T>((resolve, reject) => {
      const inFlight: InFlight = {
        deadlineMs: this.clock.nowMs() + limitMs,
        reject,
        stopAbort: null,
        timeoutError,
      };
      this.current = inFlight;
      this.arm(inFlight.deadlineMs);
      if (signal)
        inFlight.stopAbort = whenAborted(signal, () => this.abandon('aborted', abortedError(signal)));
      // A late settlement of an abandoned transfer has no one to report to: it is dropped here.
      startCall(start).then(
        (value) => {
          if (this.finish(inFlight)) resolve(value);
        },
        (error: unknown) => {
          if (this.finish(inFlight)) reject(asError(error));
        },
      );
    });
  }

  /** The device left the bus: the transfer in flight (if any) fails with `error`. */
  abandonGone(error: Error): void {
    this.abandon('gone', error);
  }

  close(): void {
    this.disarm();
  }

  private finish(inFlight: InFlight): boolean {
    if (this.current !== inFlight) return false;
    this.current = null;
    inFlight.stopAbort?.();
    return true;
  }

  private abandon(reason: AbandonReason, error: Error): void {
    const inFlight = this.current;
    if (!inFlight) return;
    this.finish(inFlight);
    this.disarm();
    this.onAbandon(reason);
    inFlight.reject(error);
  }

  private arm(deadlineMs: number): void {
    if (this.timerAtMs !== null && this.timerAtMs <= deadlineMs) return;
    this.disarm();
    this.timerAtMs = deadlineMs;
    this.cancelTimer = this.clock.setTimer(() => this.onTimer(), deadlineMs - this.clock.nowMs());
  }

  private disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAtMs = null;
  }

  private onTimer(): void {
    this.cancelTimer = null;
    this.timerAtMs = null;
    const inFlight = this.current;
    if (!inFlight) return;
    if (this.clock.nowMs() >= inFlight.deadlineMs) this.abandon('timeout', inFlight.timeoutError());
    else this.arm(inFlight.deadlineMs);
  }
}
