import { AppError } from '../../../main/core/app-error.js';
import { abortedError } from '../../../main/core/clock.js';
import type {
  ControlInResult,
  ControlOutResult,
  ControlSetup,
  IoOptions,
  UsbTransport,
} from '../../../main/transport/usb-transport.js';
import type { BoardIdentity } from '../../../shared/domain/board-identity.js';
import type { ErrorCode } from '../../../shared/error-codes.js';
import { encodeDfuStatus } from '../../../main/dfu/dfu-status.js';

/**
 * A scripted UsbTransport: a queue of expected calls with their replies, checked in order. A call that
 * does not match the next expectation is recorded as a failure (and rejected); `assertDone()` reports
 * failures and leftover expectations. When the queue is empty, an optional `fallback` answers (used
 * for the 65 536+ block tests where scripting every call would be silly).
 */
export type FakeCall =
  | { kind: 'config'; value: number; timeoutMs: number }
  | { kind: 'claim'; interfaceNumber: number; timeoutMs: number }
  | { kind: 'alt'; interfaceNumber: number; alternate: number; timeoutMs: number }
  | { kind: 'in'; setup: ControlSetup; length: number; timeoutMs: number }
  | { kind: 'out'; setup: ControlSetup; data: Uint8Array; timeoutMs: number }
  | { kind: 'reset'; timeoutMs: number };

export type FakeReply =
  | { ok: Uint8Array }
  | { written: number }
  | 'ok'
  | 'stall'
  | { error: ErrorCode; message?: string }
  /** Never answers until the signal aborts (then rejects 'aborted'). */
  | 'hang';

export type Expected =
  | { kind: 'config'; value?: number }
  | { kind: 'claim'; interfaceNumber?: number }
  | { kind: 'alt'; alternate: number }
  | {
      kind: 'in';
      request: number;
      requestType?: ControlSetup['requestType'];
      recipient?: ControlSetup['recipient'];
      value?: number;
      index?: number;
      length?: number;
    }
  | {
      kind: 'out';
      request: number;
      requestType?: ControlSetup['requestType'];
      recipient?: ControlSetup['recipient'];
      value?: number;
      index?: number;
      dataLength?: number;
      data?: number[];
    };

export interface Step {
  expect: Expected;
  reply?: FakeReply;
  /** Asserted when present. */
  timeoutMs?: number;
}

export const DFU = {
  DETACH: 0,
  DNLOAD: 1,
  UPLOAD: 2,
  GETSTATUS: 3,
  CLRSTATUS: 4,
  GETSTATE: 5,
  ABORT: 6,
} as const;

/** Builders for the usual DFU steps (class requests to interface 0). */
export const step = {
  getStatus(state: number, options: { status?: number; pollMs?: number; timeoutMs?: number } = {}): Step {
    return {
      expect: {
        kind: 'in',
        request: DFU.GETSTATUS,
        requestType: 'class',
        recipient: 'interface',
        value: 0,
        index: 0,
        length: 6,
      },
      reply: {
        ok: encodeDfuStatus({ state, status: options.status ?? 0, pollTimeoutMs: options.pollMs ?? 0 }),
      },
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
  },
  getState(state: number): Step {
    return {
      expect: {
        kind: 'in',
        request: DFU.GETSTATE,
        requestType: 'class',
        recipient: 'interface',
        value: 0,
        length: 1,
      },
      reply: { ok: Uint8Array.of(state) },
    };
  },
  dnload(blockNumber: number, dataLength: number, reply: FakeReply = 'ok', timeoutMs?: number): Step {
    return {
      expect: {
        kind: 'out',
        request: DFU.DNLOAD,
        requestType: 'class',
        recipient: 'interface',
        value: blockNumber,
        index: 0,
        dataLength,
      },
      reply,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
  },
  upload(blockNumber: number, length: number, data: Uint8Array | 'stall'): Step {
    return {
      expect: {
        kind: 'in',
        request: DFU.UPLOAD,
        requestType: 'class',
        recipient: 'interface',
        value: blockNumber,
        index: 0,
        length,
      },
      reply: data === 'stall' ? 'stall' : { ok: data },
    };
  },
  clrStatus(reply: FakeReply = 'ok'): Step {
    return {
      expect: {
        kind: 'out',
        request: DFU.CLRSTATUS,
        requestType: 'class',
        recipient: 'interface',
        value: 0,
        dataLength: 0,
      },
      reply,
    };
  },
  abort(reply: FakeReply = 'ok'): Step {
    return {
      expect: {
        kind: 'out',
        request: DFU.ABORT,
        requestType: 'class',
        recipient: 'interface',
        value: 0,
        dataLength: 0,
      },
      reply,
    };
  },
  detach(reply: FakeReply = 'ok'): Step {
    return {
      expect: {
        kind: 'out',
        request: DFU.DETACH,
        requestType: 'class',
        recipient: 'interface',
        dataLength: 0,
      },
      reply,
    };
  },
  setAlt(alternate: number, reply: 'ok' | 'stall' = 'ok'): Step {
    return { expect: { kind: 'alt', alternate }, reply };
  },
  getDescriptor(type: number, index: number, length: number, data: Uint8Array | 'stall', wIndex = 0): Step {
    return {
      expect: {
        kind: 'in',
        request: 6,
        requestType: 'standard',
        recipient: 'device',
        value: (type << 8) | index,
        index: wIndex,
        length,
      },
      reply: data === 'stall' ? 'stall' : { ok: data },
    };
  },
};

export function makeIdentity(product: string | null, altNames: (string | null)[] = []): BoardIdentity {
  return {
    connectionId: 'fake-1',
    vid: 0x0483,
    pid: 0xdf11,
    bcdDevice: 0x0200,
    manufacturer: 'STMicroelectronics',
    product,
    serial: '003B00213439511334383734',
    portPath: '1-2',
    bus: 1,
    ports: [2],
    speed: 'high',
    alts: altNames.map((name, index) => ({ index, name })),
    seenAtMs: 0,
    seenAt: '2026-01-01T00:00:00.000Z',
  };
}

function describeCall(call: FakeCall): string {
  switch (call.kind) {
    case 'in':
    case 'out': {
      const s = call.setup;
      const size = call.kind === 'in' ? `len ${call.length}` : `data ${call.data.length}`;
      return `${call.kind} ${s.requestType}/${s.recipient} req ${s.request} value 0x${s.value.toString(16)} index ${s.index} ${size}`;
    }
    case 'alt':
      return `SET_INTERFACE alt ${call.alternate}`;
    default:
      return call.kind;
  }
}

function mismatch(expected: Expected, call: FakeCall): string | null {
  if (expected.kind !== call.kind) return `expected ${expected.kind}, got ${describeCall(call)}`;
  if (expected.kind === 'alt' && call.kind === 'alt' && expected.alternate !== call.alternate) {
    return `expected alt ${expected.alternate}, got ${describeCall(call)}`;
  }
  if ((expected.kind === 'in' && call.kind === 'in') || (expected.kind === 'out' && call.kind === 'out')) {
    const s = call.setup;
    const checks: [string, unknown, unknown][] = [
      ['request', expected.request, s.request],
      ['requestType', expected.requestType, s.requestType],
      ['recipient', expected.recipient, s.recipient],
      ['value', expected.value, s.value],
      ['index', expected.index, s.index],
    ];
    if (expected.kind === 'in' && call.kind === 'in') checks.push(['length', expected.length, call.length]);
    if (expected.kind === 'out' && call.kind === 'out') {
      checks.push(['dataLength', expected.dataLength, call.data.length]);
      if (expected.data) checks.push(['data', expected.data.join(','), Array.from(call.data).join(',')]);
    }
    for (const [name, want, got] of checks) {
      if (want !== undefined && want !== got)
        return `${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)} (${describeCall(call)})`;
    }
  }
  return null;
}

export class FakeUsbTransport implements UsbTransport {
  readonly log: FakeCall[] = [];
  readonly failures: string[] = [];
  private readonly queue: Step[] = [];
  fallback: ((call: FakeCall) => FakeReply) | null = null;
  /** Off for huge scripted runs: keeps memory flat. */
  recordLog = true;
  closed = 0;

  constructor(
    readonly identity: BoardIdentity = makeIdentity('DFU in HS Mode @Device ID /0x500, @Revision ID /0x0000'),
  ) {}

  script(...steps: Step[]): this {
    this.queue.push(...steps);
    return this;
  }

  remaining(): number {
    return this.queue.length;
  }

  assertDone(): void {
    if (this.failures.length > 0) throw new Error(`fake transport: ${this.failures.join('\n')}`);
    if (this.queue.length > 0) {
      throw new Error(
        `fake transport: ${this.queue.length} expected calls not made, next: ${JSON.stringify(this.queue[0]!.expect)}`,
      );
    }
  }

  /** Calls of one kind / request, for assertions. */
  controlCalls(request?: number): Extract<FakeCall, { kind: 'in' | 'out' }>[] {
    return this.log.filter(
      (c): c is Extract<FakeCall, { kind: 'in' | 'out' }> =>
        (c.kind === 'in' || c.kind === 'out') &&
        (request === undefined || (c.setup.requestType === 'class' && c.setup.request === request)),
    );
  }

  private async handle(call: FakeCall, signal: AbortSignal | undefined): Promise<FakeReply> {
    if (this.recordLog) this.log.push(call);
    if (signal?.aborted) throw abortedError(signal);
    const next = this.queue.shift();
    let reply: FakeReply;
    if (next) {
      const problem = mismatch(next.expect, call);
      const timeoutProblem =
        next.timeoutMs !== undefined && next.timeoutMs !== call.timeoutMs
          ? `timeoutMs: expected ${next.timeoutMs}, got ${call.timeoutMs} (${describeCall(call)})`
          : null;
      if (problem ?? timeoutProblem) {
        this.failures.push((problem ?? timeoutProblem)!);
        throw new Error(`fake transport mismatch: ${problem ?? timeoutProblem}`);
      }
      reply = next.reply ?? 'ok';
    } else if (this.fallback) {
      reply = this.fallback(call);
    } else {
      const text = `unexpected call ${describeCall(call)}`;
      this.failures.push(text);
      throw new Error(`fake transport: ${text}`);
    }
    if (reply === 'hang') {
      return new Promise<FakeReply>((_, reject) => {
        signal?.addEventListener('abort', () => reject(abortedError(signal)), { once: true });
      });
    }
    if (typeof reply === 'object' && 'error' in reply) {
      throw new AppError(reply.error, reply.message ?? `fake ${reply.error}`, { os: reply.message ?? null });
    }
    return reply;
  }

  async selectConfiguration(configurationValue: number, options: IoOptions): Promise<void> {
    await this.handle(
      { kind: 'config', value: configurationValue, timeoutMs: options.timeoutMs },
      options.signal,
    );
  }

  async claimInterface(interfaceNumber: number, options: IoOptions): Promise<void> {
    await this.handle({ kind: 'claim', interfaceNumber, timeoutMs: options.timeoutMs }, options.signal);
  }

  async selectAlternate(
    interfaceNumber: number,
    alternate: number,
    options: IoOptions,
  ): Promise<'ok' | 'stall'> {
    const reply = await this.handle(
      { kind: 'alt', interfaceNumber, alternate, timeoutMs: options.timeoutMs },
      options.signal,
    );
    return reply === 'stall' ? 'stall' : 'ok';
  }

  async controlIn(setup: ControlSetup, length: number, options: IoOptions): Promise<ControlInResult> {
    const reply = await this.handle(
      { kind: 'in', setup, length, timeoutMs: options.timeoutMs },
      options.signal,
    );
    if (reply === 'stall') return { status: 'stall' };
    if (typeof reply === 'object' && 'ok' in reply)
      return { status: 'ok', data: reply.ok.subarray(0, length) };
    return { status: 'ok', data: new Uint8Array(0) };
  }

  async controlOut(setup: ControlSetup, data: Uint8Array, options: IoOptions): Promise<ControlOutResult> {
    // Copy only when logging: the big tests pass the same buffer thousands of times.
    const logged = this.recordLog ? data.slice() : data;
    const reply = await this.handle(
      { kind: 'out', setup, data: logged, timeoutMs: options.timeoutMs },
      options.signal,
    );
    if (reply === 'stall') return { status: 'stall' };
    if (typeof reply === 'object' && 'written' in reply) return { status: 'ok', bytesWritten: reply.written };
    return { status: 'ok', bytesWritten: data.length };
  }

  async reset(options: IoOptions): Promise<void> {
    await this.handle({ kind: 'reset', timeoutMs: options.timeoutMs }, options.signal);
  }

  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}
