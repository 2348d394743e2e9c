import { AppError } from '../core/app-error.js';
import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type {
  ControlInResult,
  ControlOutResult,
  ControlSetup,
  IoOptions,
  UsbTransport,
} from '../transport/usb-transport.js';
import type { TransportOp } from './board-requests.js';

export type TransportSubmit = (op: TransportOp, options: IoOptions) => Promise<unknown>;

/**
 * A UsbTransport bound to one enumeration of a simulated board. Once the board leaves or re-enumerates,
 * every call rejects AppError('device-gone') (checked by the board when the request reaches it).
 */
export class SimulatedTransport implements UsbTransport {
  private closed = false;

  constructor(
    readonly identity: BoardIdentity,
    private readonly submit: TransportSubmit,
  ) {}

  private call(op: TransportOp, options: IoOptions): Promise<unknown> {
    if (this.closed) {
      return Promise.reject(new AppError('transfer-failed', 'The handle was closed.', { reason: 'closed' }));
    }
    if (typeof options?.timeoutMs !== 'number' || Number.isNaN(options.timeoutMs) || options.timeoutMs <= 0) {
      return Promise.reject(
        new AppError('bad-input', 'timeoutMs must be a positive number.', { timeoutMs: options?.timeoutMs }),
      );
    }
    return this.submit(op, options);
  }

  async selectConfiguration(configurationValue: number, options: IoOptions): Promise<void> {
    await this.call({ kind: 'select-configuration', value: configurationValue }, options);
  }

  async claimInterface(interfaceNumber: number, options: IoOptions): Promise<void> {
    await this.call({ kind: 'claim-interface', interfaceNumber }, options);
  }

  async selectAlternate(
    interfaceNumber: number,
    alternate: number,
    options: IoOptions,
  ): Promise<'ok' | 'stall'> {
    return (await this.call({ kind: 'set-alternate', interfaceNumber, alternate }, options)) as
      'ok' | 'stall';
  }

  // controlIn/controlOut are the per-block hot path: plain functions returning the board's promise
  // (no async wrapper, so no extra promise and microtask per request).
  controlIn(setup: ControlSetup, length: number, options: IoOptions): Promise<ControlInResult> {
    if (!Number.isInteger(length) || length < 0 || length > 0xffff) {
      return Promise.reject(new AppError('bad-input', 'wLength must be 0..65535.', { length }));
    }
    return this.call({ kind: 'control-in', setup, length }, options) as Promise<ControlInResult>;
  }

  controlOut(setup: ControlSetup, data: Uint8Array, options: IoOptions): Promise<ControlOutResult> {
    if (data.length > 0xffff)
      return Promise.reject(new AppError('bad-input', 'wLength must be 0..65535.', { length: data.length }));
    // Borrowed, as a USB stack does until the transfer completes: the board copies what it keeps when it
    // takes the request, and copies the whole buffer if the request has to wait (Job.queued).
    return this.call({ kind: 'control-out', setup, data }, options) as Promise<ControlOutResult>;
  }

  async reset(options: IoOptions): Promise<void> {
    await this.call({ kind: 'usb-reset' }, options);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
