import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import { AppError } from '../core/app-error.js';
import { abortedError, type Clock } from '../core/clock.js';
import { whenAborted } from '../core/abort-watch.js';
import type {
  ControlInResult,
  ControlOutResult,
  ControlSetup,
  IoOptions,
  UsbTransport,
} from '../transport/usb-transport.js';
import { toBytes } from './descriptor-reader.js';
import { Ep0Race } from './ep0-race.js';
import { raceIo, type AbandonReason } from './race-io.js';
import { isAlternateRefused, isStallError, mapUsbError, type UsbOperation } from './usb-error-map.js';
import type { WebUsbDeviceLike } from './webusb-types.js';

export interface TransportDeps {
  clock: Clock;
  platform: NodeJS.Platform;
  /** Extra time given to a call that carries its own OS timeout before the clock gives up on it. */
  nativeTimeoutGraceMs: number;
  closeTimeoutMs: number;
  udevRulePath?: string;
  /** Told when the handle is closed, so the bus stops tracking it. */
  onClosed: (transport: UsbDeviceTransport) => void;
}

type HandleState = 'open' | 'closed' | 'gone' | 'abandoned';

/**
 * A UsbTransport over one WebUSB device.
 *
 * Time: WebUSB calls take no timeout and cannot be cancelled. Control transfers pass `timeoutMs` to
 * node-usb, which hands it to the OS, so they end by themselves; the handle's ep0 watchdog (Ep0Race,
 * one timer per handle rather than per transfer) still races them with `nativeTimeoutGraceMs` of
 * slack. open/claim/SET_INTERFACE/reset have no OS timeout at all and race the clock alone. When the
 * clock or the AbortSignal wins, the OS call is still in flight and its effect unknown, so the handle
 * becomes *abandoned*: every later call rejects with 'transfer-failed' (fields.abandoned) until the
 * caller closes it and opens the device again.
 */
export class UsbDeviceTransport implements UsbTransport {
  private state: HandleState = 'open';
  private abandonedBy: AbandonReason | null = null;
  private readonly gone = new AbortController();
  private readonly claimed = new Set<number>();
  private closing: Promise<void> | null = null;
  /**
   * One control transfer on ep0 at a time, in call order. node-usb v3 runs each transfer on its own
   * blocking-pool thread, so two transfers started together reach the bus in either order: measured on
   * the QEMU harness with two vCPUs, a GETSTATUS issued together with its DNLOAD overtook it and U-Boot
   * went to dfuERROR. The free case costs a flag, no promise.
   */
  private ep0Busy = false;
  private readonly ep0Waiters: (() => void)[] = [];
  private readonly ep0: Ep0Race;

  constructor(
    readonly identity: BoardIdentity,
    private readonly device: WebUsbDeviceLike,
    private readonly deps: TransportDeps,
  ) {
    this.ep0 = new Ep0Race(deps.clock, (reason) => this.abandoned(reason));
  }

  /** The bus saw this enumeration leave: pending and later calls reject with 'device-gone'. */
  markGone(): void {
    if (this.state === 'closed' || this.state === 'gone') return;
    this.state = 'gone';
    const error = this.goneError(null);
    this.gone.abort(error);
    this.ep0.abandonGone(error);
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  async selectConfiguration(configurationValue: number, options: IoOptions): Promise<void> {
    await this.run('select-configuration', options, () =>
      this.device.selectConfiguration(configurationValue),
    );
  }

  async claimInterface(interfaceNumber: number, options: IoOptions): Promise<void> {
    await this.run('claim-interface', options, () => this.device.claimInterface(interfaceNumber));
    this.claimed.add(interfaceNumber);
  }

  async selectAlternate(
    interfaceNumber: number,
    alternate: number,
    options: IoOptions,
  ): Promise<'ok' | 'stall'> {
    try {
      await this.run('select-alternate', options, () =>
        this.device.selectAlternateInterface(interfaceNumber, alternate),
      );
      return 'ok';
    } catch (error) {
      if (error instanceof RefusedError) return 'stall';
      throw error;
    }
  }

  async controlIn(setup: ControlSetup, length: number, options: IoOptions): Promise<ControlInResult> {
    if (this.needsClaim()) await this.ensureClaimed(setup, options);
    if (this.ep0Busy) await this.waitForEp0(options.signal);
    else this.ep0Busy = true;
    try {
      const result = await this.transfer('control-in', options, () =>
        this.device.controlTransferIn(setup, length, options.timeoutMs),
      );
      if (result.status === 'stall') return { status: 'stall' };
      if (result.status !== 'ok') throw this.statusError('control-in', result.status);
      return { status: 'ok', data: toBytes(result.data) };
    } catch (error) {
      if (error instanceof RefusedError) return { status: 'stall' };
      throw error;
    } finally {
      this.releaseEp0();
    }
  }

  async controlOut(setup: ControlSetup, data: Uint8Array, options: IoOptions): Promise<ControlOutResult> {
    if (this.needsClaim()) await this.ensureClaimed(setup, options);
    if (this.ep0Busy) await this.waitForEp0(options.signal);
    else this.ep0Busy = true;
    try {
      // node-usb converts `data` unconditionally: a zero-length OUT (ZLP DNLOAD, DETACH) needs an empty array.
      const result = await this.transfer('control-out', options, () =>
        this.device.controlTransferOut(setup, data, options.timeoutMs),
      );
      if (result.status === 'stall') return { status: 'stall' };
      if (result.status !== 'ok') throw this.statusError('control-out', result.status);
      return { status: 'ok', bytesWritten: result.bytesWritten };
    } catch (error) {
      if (error instanceof RefusedError) return { status: 'stall' };
      throw error;
    } finally {
      this.releaseEp0();
    }
  }

  /**
   * A port reset that makes the device leave the bus did what was asked (U-Boot reboots the board after
   * DETACH + reset), so 'device-gone' from the reset itself resolves; the bus reports the disconnect.
   */
  async reset(options: IoOptions): Promise<void> {
    try {
      await this.run('reset', options, () => this.device.reset());
    } catch (error) {
      if (error instanceof AppError && error.code === 'device-gone') {
        this.markGone();
        return;
      }
      throw error;
    }
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const best = async (start: () => Promise<void>): Promise<void> => {
      await raceIo(start, {
        clock: this.deps.clock,
        timeoutMs: this.deps.closeTimeoutMs,
        what: 'close',
      }).catch(() => undefined);
    };
    if (this.state !== 'gone') {
      for (const interfaceNumber of this.claimed)
        await best(() => this.device.releaseInterface(interfaceNumber));
    }
    await best(() => this.device.close());
    this.ep0.close();
    this.claimed.clear();
    this.state = 'closed';
    this.deps.onClosed(this);
  }

  /**
   * Resolves when ep0 is handed to this caller (FIFO); the caller then owns it until releaseEp0. A
   * cancelled caller leaves the queue at once instead of waiting for the transfer ahead of it.
   */
  private waitForEp0(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    return new Promise((resolve, reject) => {
      const take = (): void => {
        stopAbort?.();
        resolve();
      };
      const stopAbort = signal
        ? whenAborted(signal, () => {
            const at = this.ep0Waiters.indexOf(take);
            if (at >= 0) this.ep0Waiters.splice(at, 1);
            reject(abortedError(signal));
          })
        : null;
      this.ep0Waiters.push(take);
    });
  }

  private releaseEp0(): void {
    const next = this.ep0Waiters.shift();
    if (next) next();
    else this.ep0Busy = false;
  }

  /** Checked before the await: the per-block path then skips an async call (a microtask turn). */
  private needsClaim(): boolean {
    return this.claimed.size === 0 && this.state === 'open';
  }

  /** node-usb v3 routes every control request through a claimed interface, even device requests. */
  private async ensureClaimed(setup: ControlSetup, options: IoOptions): Promise<void> {
    await this.claimInterface(setup.recipient === 'interface' ? setup.index & 0xff : 0, options);
  }

  /**
   * A control transfer on ep0 (the caller holds it): node-usb passes `timeoutMs` to the OS, and the
   * handle's watchdog gives it `nativeTimeoutGraceMs` more before abandoning it (see Ep0Race).
   */
  private async transfer<T>(
    operation: UsbOperation,
    options: IoOptions,
    start: () => Promise<T>,
  ): Promise<T> {
    this.assertUsable(operation);
    try {
      return await this.ep0.run(
        start,
        options.timeoutMs + this.deps.nativeTimeoutGraceMs,
        options.signal,
        () => this.timeoutError(operation, options.timeoutMs + this.deps.nativeTimeoutGraceMs),
      );
    } catch (error) {
      throw this.failure(operation, error, options.timeoutMs);
    }
  }

  /** Calls without an OS timeout (open/claim/SET_INTERFACE/reset) race the clock alone. */
  private async run<T>(operation: UsbOperation, options: IoOptions, start: () => Promise<T>): Promise<T> {
    this.assertUsable(operation);
    const what = `${operation} on ${this.identity.connectionId}`;
    try {
      return await raceIo(start, {
        clock: this.deps.clock,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        gone: this.gone.signal,
        what,
        fields: this.fieldsOf(operation),
        onAbandon: (reason) => this.abandoned(reason),
      });
    } catch (error) {
      throw this.failure(operation, error, null);
    }
  }

  private abandoned(reason: AbandonReason): void {
    if (reason !== 'gone' && this.state === 'open') {
      this.state = 'abandoned';
      this.abandonedBy = reason;
    }
  }

  /** What a failed call rejects with: AppErrors as they are, STALLs as RefusedError, OS errors mapped. */
  private failure(operation: UsbOperation, error: unknown, nativeTimeoutMs: number | null): Error {
    if (error instanceof AppError) return error;
    if (operation === 'select-alternate' && isAlternateRefused(error, this.deps.platform))
      return new RefusedError();
    if ((operation === 'control-in' || operation === 'control-out') && isStallError(error))
      return new RefusedError();
    if (this.state === 'gone') return this.goneError(operation);
    const mapped = mapUsbError(error, {
      operation,
      platform: this.deps.platform,
      connectionId: this.identity.connectionId,
      portPath: this.identity.portPath,
      nativeTimeoutMs: nativeTimeoutMs ?? undefined,
      udevRulePath: this.deps.udevRulePath,
    });
    if (mapped.code === 'device-gone' && operation !== 'reset') this.markGone();
    return mapped;
  }

  private timeoutError(operation: UsbOperation, limitMs: number): AppError {
    return new AppError(
      'timeout',
      `${operation} on ${this.identity.connectionId} did not finish within ${limitMs} ms.`,
      { ...this.fieldsOf(operation), timeoutMs: limitMs },
    );
  }

  private fieldsOf(operation: UsbOperation) {
    return { operation, connectionId: this.identity.connectionId, portPath: this.identity.portPath };
  }

  private assertUsable(operation: UsbOperation): void {
    if (this.state === 'open') return;
    const fields = this.fieldsOf(operation);
    switch (this.state) {
      case 'gone':
        throw this.goneError(operation);
      case 'closed':
        throw new AppError('internal', `The USB handle for ${this.identity.connectionId} is closed.`, fields);
      case 'abandoned':
        throw new AppError(
          'transfer-failed',
          `The USB handle for ${this.identity.connectionId} was abandoned after a ${this.abandonedBy ?? 'timeout'}: an OS call may still be running on it.`,
          { ...fields, abandoned: true, abandonedBy: this.abandonedBy },
          'Close this handle and open the device again.',
        );
    }
  }

  private goneError(operation: UsbOperation | null): AppError {
    const during = operation ? ` (${operation} refused: this handle belongs to that enumeration)` : '';
    return new AppError(
      'device-gone',
      `The board on port ${this.identity.portPath} left the USB bus${during}.`,
      { connectionId: this.identity.connectionId, portPath: this.identity.portPath, operation },
    );
  }

  private statusError(operation: UsbOperation, status: string): AppError {
    return new AppError(
      'transfer-failed',
      `${operation} on ${this.identity.connectionId} ended with status "${status}".`,
      {
        operation,
        status,
        connectionId: this.identity.connectionId,
        portPath: this.identity.portPath,
      },
    );
  }
}

/** Internal marker: the device refused the request with a STALL, which callers receive as a result. */
class RefusedError extends Error {}
