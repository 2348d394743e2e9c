import type { Clock } from '../../../../main/core/clock.js';
import type { BoardIdentity } from '../../../../shared/domain/board-identity.js';
import type { BusEvent, UsbTransport } from '../../../../main/transport/usb-transport.js';
import type { SimulatedBoard, SimulatedBus } from '../../../../main/sim/index.js';
import {
  IO,
  altIndexForPhase,
  detach,
  dnload,
  getPhase,
  getStatus,
  selectAlt,
  type DfuStatus,
} from './raw-dfu.js';

/**
 * A minimal host for the simulator's own tests, following the §4.3 decision loop with raw requests.
 * It is not the product's host (main/flash); it only drives boards through their stages.
 */
export class EventRecorder {
  readonly events: BusEvent[] = [];
  private cursor = 0;
  private waiter: { pred: (e: BusEvent) => boolean; resolve: (e: BusEvent) => void } | null = null;
  private readonly unsubscribe: () => void;

  constructor(bus: SimulatedBus) {
    this.unsubscribe = bus.subscribe((event) => {
      this.events.push(event);
      this.poll();
    });
  }

  private poll(): void {
    if (!this.waiter) return;
    for (let i = this.cursor; i < this.events.length; i++) {
      if (this.waiter.pred(this.events[i]!)) {
        this.cursor = i + 1;
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(this.events[i]!);
        return;
      }
    }
  }

  waitFor(pred: (e: BusEvent) => boolean, clock: Clock, timeoutMs = 30_000): Promise<BusEvent> {
    return new Promise<BusEvent>((resolve, reject) => {
      const cancel = clock.setTimer(() => {
        this.waiter = null;
        reject(new Error(`no matching bus event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        pred,
        resolve: (e) => {
          cancel();
          resolve(e);
        },
      };
      this.poll();
    });
  }

  connectOn(portPath: string, clock: Clock, timeoutMs = 30_000): Promise<BoardIdentity> {
    return this.waitFor(
      (e) => e.type === 'connect' && e.identity.portPath === portPath,
      clock,
      timeoutMs,
    ).then((e) => e.identity);
  }

  stop(): void {
    this.unsubscribe();
  }
}

export class DfuFailure extends Error {
  constructor(readonly lastStatus: DfuStatus) {
    super(`DFU error status 0x${lastStatus.status.toString(16)} state ${lastStatus.state}`);
  }
}

/** §3.5: SET_INTERFACE, blocks with GETSTATUS until dfuDNLOAD-IDLE, ZLP, GETSTATUS until dfuIDLE. */
export async function downloadRaw(
  t: UsbTransport,
  clock: Clock,
  alt: number,
  data: Uint8Array,
  blockSize: number,
): Promise<DfuStatus[]> {
  const seen: DfuStatus[] = [];
  await selectAlt(t, alt);
  let block = 0;
  const poll = async (until: number): Promise<void> => {
    for (;;) {
      const s = await getStatus(t);
      seen.push(s);
      if (s.state === until) return;
      if (s.state === 10) throw new DfuFailure(s);
      if (s.pollMs > 0) await clock.sleep(s.pollMs);
    }
  };
  for (let offset = 0; offset < data.length; offset += blockSize) {
    if ((await dnload(t, block, data.subarray(offset, offset + blockSize))) === 'stall')
      throw new Error(`DNLOAD ${block} stalled`);
    await poll(5);
    block = (block + 1) & 0xffff;
  }
  if ((await dnload(t, block, new Uint8Array(0))) === 'stall') throw new Error('ZLP stalled');
  await poll(2);
  return seen;
}

export interface FlashFiles {
  fsbl: Uint8Array;
  fip: Uint8Array;
  ddrFip?: Uint8Array;
  layout: Uint8Array;
  partitions: Map<number, Uint8Array>;
}

export interface FlashTrace {
  identities: BoardIdentity[];
  transport: UsbTransport;
}

export function isUboot(identity: BoardIdentity): boolean {
  return identity.product?.startsWith('USB download gadget') ?? false;
}

/** Plugs the board in and drives it to GetPhase 0xFE. */
export async function flashBoard(
  bus: SimulatedBus,
  clock: Clock,
  board: SimulatedBoard,
  files: FlashFiles,
): Promise<FlashTrace> {
  const rec = new EventRecorder(bus);
  try {
    bus.plug(board);
    const port = board.portPath!;
    let identity = await rec.connectOn(port, clock);
    const identities = [identity];
    let t = await bus.open(identity.connectionId, IO);
    const reconnect = async (): Promise<void> => {
      await detach(t).catch(() => 'ok');
      identity = await rec.connectOn(port, clock);
      identities.push(identity);
      t = await bus.open(identity.connectionId, IO);
    };
    await downloadRaw(t, clock, altIndexForPhase(t, 0x01), files.fsbl, 1024);
    if (board.soc !== 'mp15') await reconnect();
    for (;;) {
      const p = await getPhase(t);
      const blockSize = isUboot(identity) ? 4096 : 1024;
      if (p.phase === 0 && p.needDetach === 1) {
        await reconnect();
        continue;
      }
      if (p.phase === 0) {
        await downloadRaw(t, clock, altIndexForPhase(t, 0), files.layout, blockSize);
        continue;
      }
      if (p.phase === 0xfe) break;
      if (p.phase === 0xff) throw new Error(`board reported: ${p.error}`);
      const file = isUboot(identity)
        ? files.partitions.get(p.phase)
        : p.phase === 2
          ? files.ddrFip
          : files.fip;
      if (!file) throw new Error(`no file for phase 0x${p.phase.toString(16)}`);
      await downloadRaw(t, clock, altIndexForPhase(t, p.phase), file, blockSize);
    }
    return { identities, transport: t };
  } finally {
    rec.stop();
  }
}

export interface Driven {
  t: UsbTransport;
  identity: BoardIdentity;
  rec: EventRecorder;
  identities: BoardIdentity[];
  /** DETACH (errors ignored), wait for the next enumeration on the same port, open it. */
  reconnect(): Promise<void>;
}

/** Plugs the board in and stops once it answers as `target` (files as in flashBoard). */
export async function bringTo(
  bus: SimulatedBus,
  clock: Clock,
  board: SimulatedBoard,
  target: 'rom' | 'tfa' | 'uboot-layout' | 'uboot-flash',
  files: Omit<FlashFiles, 'partitions'>,
): Promise<Driven> {
  const rec = new EventRecorder(bus);
  bus.plug(board);
  const port = board.portPath!;
  const identity = await rec.connectOn(port, clock);
  const d: Driven = {
    t: await bus.open(identity.connectionId, IO),
    identity,
    rec,
    identities: [identity],
    reconnect: async () => {
      await detach(d.t).catch(() => 'ok');
      d.identity = await rec.connectOn(port, clock);
      d.identities.push(d.identity);
      d.t = await bus.open(d.identity.connectionId, IO);
    },
  };
  if (target === 'rom') return d;
  await downloadRaw(d.t, clock, altIndexForPhase(d.t, 0x01), files.fsbl, 1024);
  if (board.soc !== 'mp15') await d.reconnect();
  if (target === 'tfa') return d;
  while (!isUboot(d.identity)) {
    const p = await getPhase(d.t);
    if (p.phase === 0 && p.needDetach === 1) await d.reconnect();
    else if (p.phase === 2 && files.ddrFip)
      await downloadRaw(d.t, clock, altIndexForPhase(d.t, 2), files.ddrFip, 1024);
    else if (p.phase === 3) await downloadRaw(d.t, clock, altIndexForPhase(d.t, 3), files.fip, 1024);
    else throw new Error(`unexpected TF-A phase 0x${p.phase.toString(16)}`);
  }
  if (target === 'uboot-layout') return d;
  await downloadRaw(d.t, clock, altIndexForPhase(d.t, 0), files.layout, 4096);
  const p = await getPhase(d.t);
  if (p.phase !== 0 || p.needDetach !== 1) throw new Error(`layout not accepted: ${p.error ?? p.phase}`);
  await d.reconnect();
  return d;
}
