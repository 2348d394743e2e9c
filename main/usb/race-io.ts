import { AppError } from '../core/app-error.js';
import { whenAborted } from '../core/abort-watch.js';
import { abortedError, type Clock } from '../core/clock.js';

export type AbandonReason = 'timeout' | 'aborted' | 'gone';

export interface RaceIoOptions {
  clock: Clock;
  /** Deadline on the injected clock. */
  timeoutMs: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  /** Fires when the device leaves the bus; its `reason` (an AppError) becomes the rejection. */
  gone?: AbortSignal;
  /** What is being waited for, for the timeout message ("open of 1-2#3"). */
  what: string;
  fields?: Record<string, unknown>;
  /**
   * Called when the race ends before the operation did. WebUSB calls cannot be cancelled, so the
   * operation keeps running in the OS; the caller decides what that means for its handle.
   */
  onAbandon?: (reason: AbandonReason, pending: Promise<unknown>) => void;
}

/** The error a rejection carries, as an Error (node-usb and fakes may reject with anything). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** `start()`, with a synchronous throw turned into a rejection (a WebUSB call may throw before its promise). */
export function startCall<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(asError(error));
  }
}

function goneError(gone: AbortSignal): AppError {
  const reason: unknown = gone.reason;
  if (reason instanceof AppError) return reason;
  return new AppError('device-gone', 'The device left the bus.');
}

/**
 * Runs `start()` against the clock, the caller's AbortSignal and the device's "gone" signal, whichever
 * settles first. Nothing is started when a signal has already fired. Timers and listeners are always
 * removed, and a late rejection of an abandoned operation is swallowed (it has no one to report to).
 */
export function raceIo<T>(start: () => Promise<T>, options: RaceIoOptions): Promise<T> {
  const { clock, signal, gone } = options;
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  if (gone?.aborted) return Promise.reject(goneError(gone));

  return new Promise<T>((resolve, reject) => {
    let settled = false;
    // Assigned once start() ran; `abandon` may run before that (a signal fired by start() itself).
    let pending: Promise<T> | undefined = undefined;
    const cleanup = (): void => {
      settled = true;
      cancelTimer();
      stopAbort?.();
      stopGone?.();
    };
    const abandon = (reason: AbandonReason, error: Error): void => {
      if (settled) return;
      cleanup();
      const late = pending ?? Promise.resolve();
      late.catch(() => undefined);
      options.onAbandon?.(reason, late);
      reject(error);
    };
    const onAbort = (): void => abandon('aborted', abortedError(signal));
    const onGone = (): void => gone && abandon('gone', goneError(gone));
    const cancelTimer = clock.setTimer(
      () =>
        abandon(
          'timeout',
          new AppError('timeout', `${options.what} did not finish within ${options.timeoutMs} ms.`, {
            ...options.fields,
            timeoutMs: options.timeoutMs,
          }),
        ),
      options.timeoutMs,
    );
    const stopAbort = signal ? whenAborted(signal, onAbort) : null;
    const stopGone = gone ? whenAborted(gone, onGone) : null;

    pending = startCall(start);
    pending.then(
      (value) => {
        if (settled) return;
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        cleanup();
        reject(asError(error));
      },
    );
  });
}
