import { closeSync, openSync, read, readSync, writeSync } from 'node:fs';

/**
 * A FunctionFS ep0 session: descriptors and strings written, then one loop reading events and
 * handing each SETUP to a handler that answers it with exactly one of sendIn / receiveOut / ack /
 * stall. Format and rules from include/uapi/linux/usb/functionfs.h and docs/usb-gadget-harness.md:
 *  - events are 12 bytes (8-byte setup, u8 type, 3 pad); reads must be multiples of 12;
 *  - an IN data stage is a write of at most wLength; an OUT data stage is a read of wLength, which
 *    also completes the status stage (so an OUT with data can no longer be stalled once read);
 *  - a zero-length OUT is acknowledged by a read, which must ask for 1 byte: Node never passes a
 *    zero-length read to the kernel;
 *  - a STALL is an access in the wrong direction; the call fails (EL2HLT) and the host sees a STALL;
 *  - ep0 cannot seek: every read/write passes position null.
 */
export interface Ep0Setup {
  bmRequestType: number;
  bRequest: number;
  wValue: number;
  wIndex: number;
  wLength: number;
}

export type Ep0EventType = 'bind' | 'unbind' | 'enable' | 'disable' | 'suspend' | 'resume';
const EVENT_TYPES: Record<number, Ep0EventType | 'setup'> = {
  0: 'bind',
  1: 'unbind',
  2: 'enable',
  3: 'disable',
  4: 'setup',
  5: 'suspend',
  6: 'resume',
};
const EVENT_BYTES = 12;
const EVENTS_PER_READ = 4;
const MAX_CONSECUTIVE_READ_ERRORS = 50;

export interface Ep0Reply {
  /** IN data stage; truncated to wLength. */
  sendIn(data: Uint8Array): void;
  /** OUT data stage: reads wLength bytes (and so acknowledges the request). */
  receiveOut(): Buffer;
  /** Status stage of a zero-length OUT. */
  ack(): void;
  stall(): void;
}

export interface Ep0Handler {
  onSetup(setup: Ep0Setup, reply: Ep0Reply): Promise<void>;
  onEvent(type: Ep0EventType): void;
  /** A read or write on ep0 failed outside a deliberate stall (host gave up, device unbound …). */
  onIoError(what: string, error: unknown): void;
}

export class Ep0Session {
  private closing = false;
  private stopped: Promise<void> | null = null;
  private resolveStopped: (() => void) | null = null;
  private readonly buffer = Buffer.alloc(EVENT_BYTES * EVENTS_PER_READ);
  private readErrors = 0;

  private constructor(private readonly fd: number) {}

  /** Opens ep0 and writes descriptors and strings; the gadget may be bound once this returns. */
  static open(ep0Path: string, descriptors: Buffer, strings: Buffer): Ep0Session {
    const fd = openSync(ep0Path, 'r+');
    try {
      writeSync(fd, descriptors, 0, descriptors.length, null);
      writeSync(fd, strings, 0, strings.length, null);
    } catch (error) {
      closeSync(fd);
      throw new Error(`FunctionFS refused the descriptors or strings: ${String(error)}`, { cause: error });
    }
    return new Ep0Session(fd);
  }

  start(handler: Ep0Handler): void {
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.next(handler);
  }

  /**
   * Stops after the read in flight returns. Call after unbinding the UDC: the unbind queues DISABLE
   * and UNBIND events, which is what returns that read. A read that never returns (nothing bound) is
   * given up on after `graceMs`, leaving its thread-pool slot blocked until the process exits.
   */
  async close(graceMs = 3000): Promise<void> {
    this.closing = true;
    if (this.stopped) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.stopped, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }

  private next(handler: Ep0Handler): void {
    if (this.closing) {
      this.resolveStopped?.();
      return;
    }
    // Asynchronous (thread pool): the event loop keeps running the simulated board while ep0 waits.
    read(this.fd, this.buffer, 0, this.buffer.length, null, (error, bytes) => {
      if (error) {
        if (this.closing) {
          this.resolveStopped?.();
          return;
        }
        if (isTransient(error)) {
          this.next(handler);
          return;
        }
        handler.onIoError('reading ep0 events', error);
        // Keep serving: giving up would leave a device on the bus that nobody answers.
        if (++this.readErrors > MAX_CONSECUTIVE_READ_ERRORS) {
          handler.onIoError('reading ep0 events', new Error('too many consecutive errors; ep0 loop stopped'));
          this.resolveStopped?.();
          return;
        }
        setTimeout(() => this.next(handler), 10);
        return;
      }
      this.readErrors = 0;
      void this.dispatch(handler, Buffer.from(this.buffer.subarray(0, bytes))).finally(() =>
        this.next(handler),
      );
    });
  }

  private async dispatch(handler: Ep0Handler, events: Buffer): Promise<void> {
    // Only the newest SETUP of a batch is still pending: FunctionFS cancels the older ones.
    let lastSetup = -1;
    for (let i = 0; i + EVENT_BYTES <= events.length; i += EVENT_BYTES)
      if (events[i + 8] === 4) lastSetup = i;
    for (let i = 0; i + EVENT_BYTES <= events.length; i += EVENT_BYTES) {
      const type = EVENT_TYPES[events[i + 8]!];
      if (type === undefined) continue;
      if (type !== 'setup') {
        handler.onEvent(type);
        continue;
      }
      if (i !== lastSetup || this.closing) continue;
      const setup: Ep0Setup = {
        bmRequestType: events[i]!,
        bRequest: events[i + 1]!,
        wValue: events.readUInt16LE(i + 2),
        wIndex: events.readUInt16LE(i + 4),
        wLength: events.readUInt16LE(i + 6),
      };
      await handler.onSetup(setup, this.replyFor(setup, handler));
    }
  }

  private replyFor(setup: Ep0Setup, handler: Ep0Handler): Ep0Reply {
    const isIn = (setup.bmRequestType & 0x80) !== 0;
    const io = (what: string, run: () => void): void => {
      for (;;) {
        try {
          run();
          return;
        } catch (error) {
          // A signal (a profiler's SIGPROF, say) interrupted the wait; the kernel re-queues on retry.
          if ((error as NodeJS.ErrnoException).code === 'EINTR') continue;
          handler.onIoError(what, error);
          return;
        }
      }
    };
    return {
      sendIn: (data) => {
        const n = Math.min(data.length, setup.wLength);
        io('IN data stage', () => writeSync(this.fd, data, 0, n, null));
      },
      receiveOut: () => {
        const data = Buffer.alloc(setup.wLength);
        let got = 0;
        io('OUT data stage', () => {
          got = readSync(this.fd, data, 0, setup.wLength, null);
        });
        return data.subarray(0, got);
      },
      ack: () => io('status stage', () => readSync(this.fd, Buffer.alloc(1), 0, 1, null)),
      stall: () => {
        // The wrong direction stalls ep0; the call is expected to fail.
        try {
          if (isIn) readSync(this.fd, Buffer.alloc(1), 0, 1, null);
          else writeSync(this.fd, Buffer.alloc(1), 0, 1, null);
        } catch {
          return;
        }
        handler.onIoError('stall', new Error('ep0 accepted a wrong-direction access instead of stalling'));
      },
    };
  }
}

function isTransient(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EINTR' || error.code === 'EAGAIN';
}
