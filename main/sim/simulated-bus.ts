import { AppError } from '../core/app-error.js';
import { abortedError, systemClock, type Clock } from '../core/clock.js';
import { ST_VID, type BoardIdentity } from '../../shared/domain/board-identity.js';
import type { BusEvent, BusListener, IoOptions, UsbBus, UsbTransport } from '../transport/usb-transport.js';
import { alternateSerial, type BoardHost } from './board-context.js';
import { filterViolations, type InvariantQuery, type InvariantViolation } from './invariants.js';
import { SimScheduler } from './sim-scheduler.js';
import { createSimulatedBoard, type SimulatedBoard } from './simulated-board.js';
import { SimulatedTransport } from './simulated-transport.js';
import type { TransferLogEntry } from './transfer-log.js';

export interface SimulatedBusOptions {
  /** Drives every delay; a VirtualClock({ autoAdvance: true }) runs a whole flash in milliseconds. */
  clock?: Clock;
}

export interface BusTransferLogEntry extends TransferLogEntry {
  board: string;
}

/** Free ports in the order a station would fill them: root ports, then a hub on port 1. */
const PORT_ORDER = [
  '1-2',
  '1-3',
  '1-4',
  '1-5',
  '1-6',
  '1-7',
  '1-1.1',
  '1-1.2',
  '1-1.3',
  '1-1.4',
  '1-1.5',
  '1-1.6',
  '1-1.7',
];

/**
 * A USB bus with simulated STM32MP boards on it, behind the same UsbBus interface as main/usb. Boards
 * are plugged into stable port paths; connect/disconnect events are delivered asynchronously; several
 * boards can run at once; close() cancels every timer.
 */
export class SimulatedBus implements UsbBus {
  readonly clock: Clock;
  private readonly boards = new Map<SimulatedBoard, string>();
  private readonly listeners = new Set<BusListener>();
  private readonly scheduler: SimScheduler;
  /** Connection ids the host could have seen, to tell device-gone from device-not-found. */
  private readonly seenIds = new Set<string>();
  private connectionCounter = 0;
  private closed = false;

  constructor(options: SimulatedBusOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.scheduler = new SimScheduler(this.clock, 1);
  }

  /** Plugs a board in: it powers up in serial boot and its ROM enumerates (§9.1). */
  plug(board: SimulatedBoard, options: { portPath?: string } = {}): void {
    if (this.closed) throw new AppError('internal', 'The simulated bus is closed.');
    if (this.boards.has(board))
      throw new AppError('bad-input', `Board ${board.label} is already plugged in.`);
    const portPath = options.portPath ?? board.requestedPortPath ?? this.freePort();
    if ([...this.boards.values()].includes(portPath)) {
      throw new AppError('bad-input', `Port ${portPath} is already taken.`, { portPath });
    }
    this.boards.set(board, portPath);
    board.attachToBus(this.hostFor(board, portPath));
  }

  /** Pulls the cable: the board leaves the bus (a disconnect event) and is unpowered. */
  unplug(board: SimulatedBoard): void {
    if (!this.boards.has(board)) return;
    board.detachFromBus();
    this.boards.delete(board);
  }

  plugged(): SimulatedBoard[] {
    return [...this.boards.keys()];
  }

  list(options: IoOptions & { all?: boolean }): Promise<BoardIdentity[]> {
    if (options.signal?.aborted) return Promise.reject(abortedError(options.signal));
    if (this.closed) return Promise.reject(new AppError('usb-unavailable', 'The simulated bus is closed.'));
    const identities: BoardIdentity[] = [];
    for (const board of this.boards.keys()) {
      const connection = board.connection();
      if (!connection || connection.hidden) continue;
      if (!options.all && connection.identity.vid !== ST_VID) continue;
      identities.push(structuredClone(connection.identity));
    }
    return Promise.resolve(identities);
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  open(connectionId: string, options: IoOptions): Promise<UsbTransport> {
    if (options.signal?.aborted) return Promise.reject(abortedError(options.signal));
    if (this.closed) return Promise.reject(new AppError('usb-unavailable', 'The simulated bus is closed.'));
    for (const board of this.boards.keys()) {
      const connection = board.connection();
      if (!connection || connection.id !== connectionId || connection.hidden) continue;
      if (connection.openDenied) {
        board.logOpen(connectionId, 'permission-denied');
        return Promise.reject(
          new AppError(
            'usb-permission-denied',
            'Opening the device was refused (simulated permission problem).',
            { connectionId, portPath: connection.identity.portPath },
            'Install the udev rule for 0483:df11 and replug the board.',
          ),
        );
      }
      board.logOpen(connectionId, 'ok');
      const identity = structuredClone(connection.identity);
      return Promise.resolve(
        new SimulatedTransport(identity, (op, opts) => board.submit(connectionId, op, opts)),
      );
    }
    const code = this.seenIds.has(connectionId) ? 'device-gone' : 'device-not-found';
    return Promise.reject(
      new AppError(code, `No device ${connectionId} on the simulated bus.`, { connectionId }),
    );
  }

  /** Unplugs everything, rejects pending requests and cancels every timer. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.listeners.clear();
    for (const board of [...this.boards.keys()]) this.unplug(board);
    this.scheduler.close();
    this.closed = true;
    return Promise.resolve();
  }

  /** Timers the simulator still holds (bus events and every board); 0 after close(). */
  pendingTimerCount(): number {
    return (
      this.scheduler.pendingCount() + [...this.boards.keys()].reduce((n, b) => n + b.pendingTimerCount(), 0)
    );
  }

  /** Every board's transfer log, merged in time order. */
  transferLog(): BusTransferLogEntry[] {
    const all: BusTransferLogEntry[] = [];
    for (const board of this.boards.keys())
      for (const entry of board.transferLog()) all.push({ ...entry, board: board.label });
    return all.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  }

  invariantViolations(query: InvariantQuery = {}): (InvariantViolation & { board: string })[] {
    const all: (InvariantViolation & { board: string })[] = [];
    for (const board of this.boards.keys()) {
      const entries = board.transferLog();
      for (const v of filterViolations(board.invariantViolations({ allow: [] }), entries, query))
        all.push({ ...v, board: board.label });
    }
    return all.sort((a, b) => a.atMs - b.atMs);
  }

  private freePort(): string {
    const taken = new Set(this.boards.values());
    const port = PORT_ORDER.find((p) => !taken.has(p));
    if (port) return port;
    let n = 1;
    while (taken.has(`2-${n}`)) n++;
    return `2-${n}`;
  }

  private hostFor(board: SimulatedBoard, portPath: string): BoardHost {
    return {
      clock: this.clock,
      portPath,
      nextConnectionId: () => `sim-${portPath}-${++this.connectionCounter}`,
      announce: (event, hidden) => this.announce(event, hidden),
      plugCompanion: (options) => {
        const companion = createSimulatedBoard({
          soc: board.soc,
          serial: options.serial ?? alternateSerial(alternateSerial(board.serial)),
          timing: board.options.timing,
          label: `${board.label}-companion`,
        });
        this.plug(companion, options.portPath ? { portPath: options.portPath } : {});
      },
      unplugSelf: () => this.unplug(board),
    };
  }

  /** Events are delivered asynchronously, never inside the call that caused them. */
  private announce(event: BusEvent, hidden: boolean): void {
    if (hidden || this.closed) return;
    if (event.type === 'connect') this.seenIds.add(event.identity.connectionId);
    const snapshot: BusEvent = { type: event.type, identity: structuredClone(event.identity) };
    this.scheduler.afterClockMs(0, () => {
      for (const listener of [...this.listeners]) {
        try {
          listener(snapshot);
        } catch {
          // A listener's failure must not stop delivery to the others.
        }
      }
    });
  }
}
