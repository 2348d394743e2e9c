import type { BoardIdentity } from '../../shared/domain/board-identity.js';

/**
 * The narrow USB interface the DFU client drives. Two implementations: main/usb (the npm `usb`
 * package, production) and main/sim (simulated boards). Nothing above this line knows which.
 *
 * Error contract (every method): rejects with AppError
 *  - 'device-gone'    the device left the bus (disconnect, ENODEV, EIO during a detach …);
 *  - 'timeout'        `timeoutMs` elapsed;
 *  - 'aborted'        `signal` aborted;
 *  - 'transfer-failed' any other transfer failure, with the OS text in fields.
 * A STALL is not an exception: control transfers resolve with `{ status: 'stall' }` so that DFU code
 * can decide (a DETACH that stalls means something different from a DNLOAD that stalls).
 */
export interface IoOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export type ControlRequestType = 'standard' | 'class' | 'vendor';
export type ControlRecipient = 'device' | 'interface' | 'endpoint' | 'other';

export interface ControlSetup {
  requestType: ControlRequestType;
  recipient: ControlRecipient;
  request: number;
  value: number;
  index: number;
}

export type ControlInResult = { status: 'ok'; data: Uint8Array } | { status: 'stall' };
export type ControlOutResult = { status: 'ok'; bytesWritten: number } | { status: 'stall' };

export interface UsbTransport {
  /** The identity this handle was opened on. */
  readonly identity: BoardIdentity;
  selectConfiguration(configurationValue: number, options: IoOptions): Promise<void>;
  claimInterface(interfaceNumber: number, options: IoOptions): Promise<void>;
  /** SET_INTERFACE. Resolves 'stall' when the device refuses the alternate. */
  selectAlternate(interfaceNumber: number, alternate: number, options: IoOptions): Promise<'ok' | 'stall'>;
  controlIn(setup: ControlSetup, length: number, options: IoOptions): Promise<ControlInResult>;
  controlOut(setup: ControlSetup, data: Uint8Array, options: IoOptions): Promise<ControlOutResult>;
  /** USB port reset. On U-Boot after a DETACH this reboots the board (protocol §3.2). */
  reset(options: IoOptions): Promise<void>;
  /** Releases the interface and the handle. Never throws; safe to call twice. */
  close(): Promise<void>;
}

export type BusEvent =
  { type: 'connect'; identity: BoardIdentity } | { type: 'disconnect'; identity: BoardIdentity };

export type BusListener = (event: BusEvent) => void;

/**
 * The bus: who is plugged in, hotplug events, and opening a device. Identities are snapshots taken at
 * connect time (strings already read), so listeners never do I/O to learn who arrived.
 */
export interface UsbBus {
  /** Boards on the bus now (STMicroelectronics DFU devices by default; all when `all` is set). */
  list(options: IoOptions & { all?: boolean }): Promise<BoardIdentity[]>;
  /** Subscribes to connect/disconnect; returns the unsubscribe function. */
  subscribe(listener: BusListener): () => void;
  /** Opens the device of this enumeration. Rejects 'device-gone' when it is no longer there. */
  open(connectionId: string, options: IoOptions): Promise<UsbTransport>;
  /** Stops watching the bus and releases everything. */
  close(): Promise<void>;
}
