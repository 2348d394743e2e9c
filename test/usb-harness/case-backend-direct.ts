import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import { isAppError } from '../../main/core/app-error.js';
import { systemClock } from '../../main/core/clock.js';
import { writeSampleLayout } from '../../main/sample/sample-layout.js';
import type {
  BusEvent,
  ControlInResult,
  ControlSetup,
  UsbTransport,
} from '../../main/transport/usb-transport.js';
import { createUsbBackend, type UsbBackend } from '../../main/usb/usb-backend.js';
import type { UsbBusNote } from '../../main/usb/usb-bus-notes.js';
import { FrontProcess } from './front-process.js';
import type { FrontReport } from './front-protocol.js';

/**
 * Cases that drive the production backend (main/usb over node-usb v3) directly against a simulated
 * board on the guest's real bus. They record what happened; test/usb-harness/usb-harness.test.ts
 * asserts on it on the host.
 */
export interface CaseContext {
  scratchDir: string;
  /** Flash the sample layouts as generated instead of with a trimmed FIP and bootfs. */
  fullSamples: boolean;
}

const IO = { timeoutMs: 5000 };
const SERIAL_MP15 = '003B00213439511334383734';
const SERIAL_MP13 = '0029002A4C4250110038344D';

const std = (value: number, index = 0): ControlSetup => ({
  requestType: 'standard',
  recipient: 'device',
  request: 6,
  value,
  index,
});
const dfu = (request: number, value = 0): ControlSetup => ({
  requestType: 'class',
  recipient: 'interface',
  request,
  value,
  index: 0,
});
const DFU = { detach: 0, dnload: 1, upload: 2, getStatus: 3, abort: 6 } as const;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
/** A control transfer's answer as recorded: the data in hex, or 'stall'. */
const shown = (result: ControlInResult): string => (result.status === 'ok' ? hex(result.data) : 'stall');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export interface RecordedBusEvent {
  type: BusEvent['type'];
  atMs: number;
  identity: BoardIdentity;
}

export type Outcome<T> = { ok: T } | { error: string; code: string | null };

export interface BackendMp15Result {
  listed: BoardIdentity;
  listedAtMs: number;
  rawDevice: string;
  rawConfiguration: string;
  /** iInterface → text, read with GET_DESCRIPTOR through the production transport. */
  strings: Record<string, string | null>;
  functional: string;
  selectVirtual: 'ok' | 'stall';
  statusIdle: string;
  getPhase: string;
  abort: 'ok' | 'stall';
  roundTripsMs: number[];
  selectPartition0: 'ok' | 'stall';
  uploadOnPartition0: 'ok' | 'stall';
  zlpInIdle: 'ok' | 'stall';
  statusAfterStalls: string;
  selectMissing: Outcome<'ok' | 'stall'>;
  disconnect: RecordedBusEvent & { afterMs: number };
  afterGone: Outcome<ControlInResult>;
  connect: RecordedBusEvent & { afterMs: number };
  relisted: BoardIdentity[];
  statusAfterReplug: string;
  busEvents: RecordedBusEvent[];
  busNotes: UsbBusNote[];
  boardBeforeReplug: FrontReport;
  board: FrontReport;
}

export interface BackendMp13Result {
  rom: BoardIdentity;
  fsblBytes: number;
  blocks: number;
  downloadMs: number;
  manifestStates: number[];
  detach: 'ok' | 'stall';
  disconnect: RecordedBusEvent;
  connect: RecordedBusEvent;
  reconnectMs: number;
  afterGone: Outcome<ControlInResult>;
  selectVirtual: 'ok' | 'stall';
  getPhase: string;
  fsblSha256: string;
  busEvents: RecordedBusEvent[];
  busNotes: UsbBusNote[];
  board: FrontReport;
}

interface BusRecorder {
  events: RecordedBusEvent[];
  notes: UsbBusNote[];
  next(type: BusEvent['type'], after: number, timeoutMs: number): Promise<RecordedBusEvent>;
}

function record(backend: UsbBackend, t0: number): BusRecorder {
  const recorder: BusRecorder = {
    events: [],
    notes: [],
    next: (type, after, timeoutMs) =>
      waitUntil(
        () => recorder.events.slice(after).find((e) => e.type === type),
        timeoutMs,
        `a ${type} event`,
      ),
  };
  backend.subscribe((event) =>
    recorder.events.push({ type: event.type, atMs: performance.now() - t0, identity: event.identity }),
  );
  backend.subscribeNotes((note) => recorder.notes.push(note));
  return recorder;
}

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { error: String(error), code: isAppError(error) ? error.code : null };
  }
}

async function readStrings(
  transport: UsbTransport,
  config: Uint8Array,
): Promise<Record<string, string | null>> {
  const strings: Record<string, string | null> = {};
  for (let o = 9; o + 9 <= config.length; o += config[o]!) {
    if (config[o + 1] !== 4) continue;
    const index = config[o + 8]!;
    const result = await transport.controlIn(std(0x0300 | index, 0x0409), 255, IO);
    strings[index] =
      result.status === 'ok'
        ? Buffer.from(result.data.subarray(2, result.data[0])).toString('utf16le')
        : null;
  }
  return strings;
}

/** MP15 ROM: identity, raw descriptors, class requests, alternates above 2, STALLs, replug. */
export async function backendMp15(_ctx: CaseContext): Promise<BackendMp15Result> {
  const t0 = performance.now();
  const front = FrontProcess.start({ soc: 'mp15', serial: SERIAL_MP15 }, t0);
  const backend = createUsbBackend({ clock: systemClock });
  const bus = record(backend, t0);
  try {
    await front.waitForPresentation(1, 30_000);
    const listed = await waitUntil(
      async () => (await backend.list(IO)).find((b) => b.serial === SERIAL_MP15),
      20_000,
      'the board in list()',
    );
    const listedAtMs = performance.now() - t0;
    const transport = await backend.open(listed.connectionId, IO);

    const device = await transport.controlIn(std(0x0100), 18, IO);
    const header = await transport.controlIn(std(0x0200), 9, IO);
    const total = header.status === 'ok' ? header.data[2]! | (header.data[3]! << 8) : 0;
    const config = await transport.controlIn(std(0x0200), total, IO);
    const configBytes = config.status === 'ok' ? config.data : new Uint8Array(0);
    const strings = await readStrings(transport, configBytes);
    // Class GET_DESCRIPTOR(DFU functional) is the board's to answer: it crosses FunctionFS.
    const functional = await transport.controlIn({ ...dfu(6, 0x2100) }, 9, IO);

    await transport.claimInterface(0, IO);
    const selectVirtual = await transport.selectAlternate(0, 5, IO);
    const statusIdle = await transport.controlIn(dfu(DFU.getStatus), 6, IO);
    const getPhase = await transport.controlIn(dfu(DFU.upload), 9, IO);
    const abort = await transport.controlOut(dfu(DFU.abort), new Uint8Array(0), IO);

    const roundTripsMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      await transport.controlIn(dfu(DFU.getStatus), 6, IO);
      roundTripsMs.push(performance.now() - start);
    }

    const selectPartition0 = await transport.selectAlternate(0, 0, IO);
    const uploadOnPartition0 = await transport.controlIn(dfu(DFU.upload), 9, IO);
    const zlpInIdle = await transport.controlOut(dfu(DFU.dnload), new Uint8Array(0), IO);
    const statusAfterStalls = await transport.controlIn(dfu(DFU.getStatus), 6, IO);
    const selectMissing = await outcome(() => transport.selectAlternate(0, 6, IO));
    const boardBeforeReplug = await front.report();

    const before = bus.events.length;
    const unplugAt = performance.now();
    await front.request('unplug');
    const disconnect = await bus.next('disconnect', before, 15_000);
    const disconnectMs = performance.now() - unplugAt;
    const afterGone = await outcome(() => transport.controlIn(dfu(DFU.getStatus), 6, IO));
    await transport.close();
    const plugAt = performance.now();
    await front.request('plug');
    const connect = await bus.next('connect', before, 30_000);
    const reconnectMs = performance.now() - plugAt;
    const relisted = await backend.list(IO);
    const reopened = await backend.open(connect.identity.connectionId, IO);
    const statusAfterReplug = await reopened.controlIn(dfu(DFU.getStatus), 6, IO);
    await reopened.close();

    return {
      listed,
      listedAtMs,
      rawDevice: shown(device),
      rawConfiguration: hex(configBytes),
      strings,
      functional: shown(functional),
      selectVirtual,
      statusIdle: shown(statusIdle),
      getPhase: shown(getPhase),
      abort: abort.status,
      roundTripsMs,
      selectPartition0,
      uploadOnPartition0: uploadOnPartition0.status,
      zlpInIdle: zlpInIdle.status,
      statusAfterStalls: shown(statusAfterStalls),
      selectMissing,
      disconnect: { ...disconnect, afterMs: disconnectMs },
      afterGone,
      connect: { ...connect, afterMs: reconnectMs },
      relisted,
      statusAfterReplug: shown(statusAfterReplug),
      busEvents: bus.events,
      busNotes: bus.notes,
      boardBeforeReplug,
      board: await front.report(),
    };
  } finally {
    await backend.close();
    await front.stop();
  }
}

/** MP13 ROM → TF-A: an FSBL download by hand, DETACH, and the new stage found again by port path. */
export async function backendMp13Reenumeration(ctx: CaseContext): Promise<BackendMp13Result> {
  const t0 = performance.now();
  const sample = await writeSampleLayout(path.join(ctx.scratchDir, 'mp13-sample'), {
    soc: 'mp13',
    rootfsBytes: 4096,
  });
  const fsblName = sample.files.find((f) => f.name.endsWith('-usb.stm32'))!.name;
  const fsbl = await readFile(path.join(path.dirname(sample.layoutPath), fsblName));
  const front = FrontProcess.start({ soc: 'mp13', serial: SERIAL_MP13 }, t0);
  const backend = createUsbBackend({ clock: systemClock });
  const bus = record(backend, t0);
  try {
    await front.waitForPresentation(1, 30_000);
    const rom = await waitUntil(
      async () => (await backend.list(IO)).find((b) => b.serial === SERIAL_MP13),
      20_000,
      'the ROM in list()',
    );
    const transport = await backend.open(rom.connectionId, IO);
    await transport.claimInterface(0, IO);
    const fsblAlt = rom.alts.findIndex((a) => a.name?.startsWith('@FSBL'));
    await transport.selectAlternate(0, fsblAlt, IO);

    const downloadStart = performance.now();
    const states: number[] = [];
    let blocks = 0;
    for (let offset = 0; offset < fsbl.length; offset += 1024) {
      const block = fsbl.subarray(offset, offset + 1024);
      const sent = await transport.controlOut(dfu(DFU.dnload, blocks++), block, IO);
      if (sent.status !== 'ok') throw new Error(`DNLOAD block ${blocks - 1} stalled`);
      for (;;) {
        const status = await transport.controlIn(dfu(DFU.getStatus), 6, IO);
        if (status.status !== 'ok') throw new Error('GETSTATUS stalled');
        const state = status.data[4]!;
        if (state === 5) break;
        if (state !== 3 && state !== 4)
          throw new Error(`unexpected state ${state} after block ${blocks - 1}`);
      }
    }
    const downloadMs = performance.now() - downloadStart;
    await transport.controlOut(dfu(DFU.dnload, blocks), new Uint8Array(0), IO);
    for (let i = 0; i < 10; i++) {
      const status = await transport.controlIn(dfu(DFU.getStatus), 6, IO);
      if (status.status !== 'ok') break;
      states.push(status.data[4]!);
      if (status.data[4] === 2 || status.data[4] === 10) break;
      await sleep(status.data[1]! | (status.data[2]! << 8));
    }
    const before = bus.events.length;
    const detachAt = performance.now();
    const detach = await transport.controlOut(dfu(DFU.detach, 255), new Uint8Array(0), IO);
    const disconnect = await bus.next('disconnect', before, 15_000);
    const connect = await bus.next('connect', before, 30_000);
    const reconnectMs = performance.now() - detachAt;
    const afterGone = await outcome(() => transport.controlIn(dfu(DFU.getStatus), 6, IO));
    await transport.close();

    const tfa = await backend.open(connect.identity.connectionId, IO);
    await tfa.claimInterface(0, IO);
    const virtualAlt = connect.identity.alts.findIndex((a) => a.name?.startsWith('@virtual'));
    const selectVirtual = await tfa.selectAlternate(0, virtualAlt, IO);
    const getPhase = await tfa.controlIn(dfu(DFU.upload), 9, IO);
    await tfa.close();
    const board = await front.report();
    return {
      rom,
      fsblBytes: fsbl.length,
      blocks,
      downloadMs,
      manifestStates: states,
      detach: detach.status,
      disconnect,
      connect,
      reconnectMs,
      afterGone,
      selectVirtual,
      getPhase: shown(getPhase),
      fsblSha256: createHash('sha256').update(fsbl).digest('hex'),
      busEvents: bus.events,
      busNotes: bus.notes,
      board,
    };
  } finally {
    await backend.close();
    await front.stop();
  }
}
