import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { SimulatedBoard, SimulatedBus } from '../../main/sim/index.js';
import type { BusEvent, ControlSetup, UsbTransport } from '../../main/transport/usb-transport.js';
import { Ep0Session, type Ep0EventType, type Ep0Reply, type Ep0Setup } from './ffs-ep0.js';
import { buildDescriptorBlob, buildStringsBlob, hex, parseConfiguration } from './ffs-blobs.js';
import type { FrontCounters, Presentation } from './front-protocol.js';
import { findHostDevice, hostAlternateSetting, type ConfigfsGadget } from './gadget-configfs.js';

/**
 * Puts one simulated board on a real USB bus. It is a host of the SimulatedBus (it hears the board's
 * connect/disconnect and talks to it through the same UsbTransport the CLI uses with `--sim`) and a
 * FunctionFS device toward the kernel:
 *  - connect: read the stage's descriptors from the board (standard GET_DESCRIPTOR through the
 *    transport, so the bytes are the board model's own), configure the gadget, write them to ep0, bind;
 *  - disconnect: unbind (the host sees the device leave), close ep0, so the next stage can bring
 *    different descriptors under the same serial and port;
 *  - every class/vendor SETUP FunctionFS delivers is sent to the board as the same control transfer
 *    and its answer (data, ACK or STALL) goes back on ep0;
 *  - ENABLE (SET_INTERFACE / SET_CONFIGURATION) → selectAlternate with the alternate the host side
 *    reports; DISABLE while bound (a port reset) → reset().
 *
 * What the kernel answers by itself (device/configuration/string descriptors, SET_ADDRESS, SET_CONFIG,
 * GET_STATUS …) never reaches the board; the kernel answers from the copy this front gave it.
 */
export type FrontEmit = (event: Record<string, unknown>) => void;

interface Current {
  identity: BoardIdentity;
  transport: UsbTransport;
  session: Ep0Session | null;
  presentation: Presentation;
  closing: boolean;
  altPending: boolean;
  hostDir: string | null;
  vid: number;
  pid: number;
}

const BOARD_TIMEOUT_MS = 30_000;
const LANGID = 0x0409;

export class BoardFront {
  readonly counters: FrontCounters = {
    setups: 0,
    controlIn: 0,
    controlOut: 0,
    stalls: 0,
    stallsAfterData: 0,
    alternateRelays: 0,
    resetRelays: 0,
    ioErrors: 0,
    boardErrors: 0,
  };
  readonly presentations: Presentation[] = [];
  readonly notes: string[] = [];
  private current: Current | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly startMs = performance.now();

  constructor(
    private readonly bus: SimulatedBus,
    private readonly board: SimulatedBoard,
    private readonly gadget: ConfigfsGadget,
    private readonly emit: FrontEmit,
    private readonly trace = false,
    /** Where notes also go as they happen (the daemon's stderr), so a dying front leaves a trail. */
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Bus listener: connect/disconnect are handled strictly in order. */
  readonly onBusEvent = (event: BusEvent): void => {
    this.queue = this.queue
      .then(() => (event.type === 'connect' ? this.present(event.identity) : this.withdraw(event.identity)))
      .catch((error: unknown) => {
        this.note(`${event.type} of ${event.identity.connectionId} failed: ${String(error)}`);
        // A stage that left before it could be put on the bus is the board's business, not a failure.
        if (event.type === 'connect' && this.board.identity()?.connectionId !== event.identity.connectionId)
          return;
        this.emit({ type: 'front-error', message: String(error) });
      });
  };

  /** Waits for pending connect/disconnect handling, then takes the device off the bus. */
  async stop(): Promise<void> {
    await this.queue;
    if (this.current) await this.withdraw(this.current.identity);
  }

  private nowMs(): number {
    return Math.round(performance.now() - this.startMs);
  }

  private note(text: string): void {
    const line = `${this.nowMs()} ms: ${text}`;
    this.notes.push(line);
    if (this.notes.length > 500) this.notes.splice(0, 100);
    this.log(line);
  }

  private async present(identity: BoardIdentity): Promise<void> {
    if (this.current) await this.withdraw(this.current.identity);
    const connectAtMs = this.nowMs();
    const io = { timeoutMs: BOARD_TIMEOUT_MS };
    const transport = await this.bus.open(identity.connectionId, io);
    const get = async (value: number, index: number, length: number): Promise<Uint8Array | null> => {
      const setup: ControlSetup = { requestType: 'standard', recipient: 'device', request: 6, value, index };
      const result = await transport.controlIn(setup, length, io);
      return result.status === 'ok' ? result.data : null;
    };
    const device = await get(0x0100, 0, 18);
    const configuration = await get(0x0200, 0, 0xffff);
    if (!device || device.length !== 18 || !configuration) {
      throw new Error(`the board gave no device/configuration descriptor for ${identity.connectionId}`);
    }
    const config = parseConfiguration(configuration);
    const strings: Record<string, string | null> = {};
    const readString = async (index: number): Promise<string | null> => {
      if (index === 0) return null;
      if (!(index in strings)) {
        const bytes = await get(0x0300 | index, LANGID, 255);
        strings[index] = bytes ? Buffer.from(bytes.subarray(2, bytes[0])).toString('utf16le') : null;
      }
      return strings[index] ?? null;
    };
    const [manufacturer, product, serial] = [
      await readString(device[14]!),
      await readString(device[15]!),
      await readString(device[16]!),
    ];
    // configfs numbers: 1..3 device strings, 4 configuration, 5.. function strings (ffs-blobs.ts).
    const used = config.interfaceStrings.filter((i) => i !== 0);
    const first = used.length > 0 ? Math.min(...used) : 5;
    const last = used.length > 0 ? Math.max(...used) : 4;
    let shift = 4;
    if (first < 5) {
      shift = first - 1;
      this.note(`board strings start at ${first}: interface strings renumbered (${first} → 5)`);
    }
    const local: string[] = [];
    for (let g = shift + 1; g <= last; g++) local.push((await readString(g)) ?? '');
    const configurationString = shift === 4 ? await readString(4) : null;
    const body = Buffer.from(config.body);
    if (shift !== 4) {
      for (let o = 0; o < body.length; o += body[o]!) {
        if (body[o + 1] === 4 && body[o + 8]! !== 0) body[o + 8] = body[o + 8]! - shift + 4;
      }
    }

    const alts: (string | null)[] = [];
    for (const index of config.interfaceStrings) alts.push(await readString(index));
    const presentation: Presentation = {
      connectionId: identity.connectionId,
      stage: this.board.status().stage,
      product,
      serial,
      alts,
      connectAtMs,
      boundAtMs: null,
      withdrawnAtMs: null,
      simDevice: hex(device),
      simConfiguration: hex(configuration),
      simStrings: strings,
    };
    const vid = device[8]! | (device[9]! << 8);
    const pid = device[10]! | (device[11]! << 8);
    this.gadget.setIdentity({
      vid,
      pid,
      bcdDevice: device[12]! | (device[13]! << 8),
      manufacturer,
      product,
      serial,
      configuration: configurationString,
      maxPowerUnits: config.maxPowerUnits,
      attributes: config.attributes,
    });
    const current: Current = {
      identity,
      transport,
      session: null,
      presentation,
      closing: false,
      altPending: false,
      hostDir: null,
      vid,
      pid,
    };
    current.session = Ep0Session.open(
      this.gadget.ep0Path,
      buildDescriptorBlob(body),
      buildStringsBlob(local),
    );
    this.current = current;
    current.session.start({
      onSetup: (setup, reply) => this.onSetup(current, setup, reply),
      onEvent: (type) => this.onEp0Event(current, type),
      onIoError: (what, error) => {
        this.counters.ioErrors++;
        this.note(`ep0 ${what}: ${String(error)}`);
      },
    });
    // FunctionFS must have its descriptors before the UDC is bound (else: failed to start g1: -19).
    this.gadget.bind();
    presentation.boundAtMs = this.nowMs();
    this.presentations.push(presentation);
    this.note(`presented ${identity.connectionId} (${presentation.stage}, ${config.alternateCount} alts)`);
    this.emit({ type: 'presented', presentation });
  }

  private async withdraw(identity: BoardIdentity): Promise<void> {
    const current = this.current;
    if (!current || current.identity.connectionId !== identity.connectionId) return;
    current.closing = true;
    this.gadget.unbind();
    await current.session?.close();
    await current.transport.close();
    current.presentation.withdrawnAtMs = this.nowMs();
    this.current = null;
    this.note(`withdrew ${identity.connectionId}`);
    this.emit({ type: 'withdrawn', connectionId: identity.connectionId });
  }

  private onEp0Event(current: Current, type: Ep0EventType): void {
    if (this.trace) this.note(`ep0 event ${type}`);
    if (current.closing) return;
    if (type === 'enable') current.altPending = true;
    if (type === 'disable' && this.isBoardStillOn(current)) {
      // Bound and not unbinding: the host reset the port (or unconfigured the device).
      this.counters.resetRelays++;
      this.note(`DISABLE while bound: USB reset relayed to ${current.identity.connectionId}`);
      current.transport.reset({ timeoutMs: BOARD_TIMEOUT_MS }).catch((error: unknown) => {
        this.counters.boardErrors++;
        this.note(`reset relay: ${String(error)}`);
      });
    }
  }

  private isBoardStillOn(current: Current): boolean {
    return this.board.identity()?.connectionId === current.identity.connectionId;
  }

  private async relayAlternate(current: Current): Promise<void> {
    current.hostDir ??= findHostDevice({
      vid: current.vid,
      pid: current.pid,
      serial: current.presentation.serial,
    });
    const alt = current.hostDir ? hostAlternateSetting(current.hostDir) : null;
    if (alt === null) {
      this.note('ENABLE seen but the host-side bAlternateSetting is unreadable; alternate not relayed');
      return;
    }
    this.counters.alternateRelays++;
    if (this.trace) this.note(`SET_INTERFACE alt ${alt} relayed`);
    const result = await current.transport.selectAlternate(0, alt, { timeoutMs: BOARD_TIMEOUT_MS });
    if (result !== 'ok') this.note(`the board refused alternate ${alt} the host had already selected`);
  }

  private async onSetup(current: Current, setup: Ep0Setup, reply: Ep0Reply): Promise<void> {
    this.counters.setups++;
    const isIn = (setup.bmRequestType & 0x80) !== 0;
    let dataStageDone = false;
    const stall = (why: string | null): void => {
      this.counters.stalls++;
      if (why) this.note(why);
      reply.stall();
    };
    try {
      if (current.altPending) {
        current.altPending = false;
        await this.relayAlternate(current);
      }
      if (current.closing || !this.isBoardStillOn(current)) {
        // The board already left; the unbind that tells the host is on its way.
        stall(
          `request 0x${setup.bRequest.toString(16)} after the board left ${current.identity.connectionId}`,
        );
        return;
      }
      const control: ControlSetup = {
        requestType: (['standard', 'class', 'vendor'] as const)[(setup.bmRequestType >> 5) & 3] ?? 'vendor',
        recipient:
          (['device', 'interface', 'endpoint', 'other'] as const)[setup.bmRequestType & 0x1f] ?? 'other',
        request: setup.bRequest,
        value: setup.wValue,
        index: setup.wIndex,
      };
      const io = { timeoutMs: BOARD_TIMEOUT_MS };
      if (this.trace) this.note(`SETUP ${JSON.stringify(setup)}`);
      if (isIn) {
        this.counters.controlIn++;
        const result = await current.transport.controlIn(control, setup.wLength, io);
        if (result.status === 'ok') reply.sendIn(result.data);
        else stall(this.trace ? `STALL IN request 0x${setup.bRequest.toString(16)}` : null);
        return;
      }
      this.counters.controlOut++;
      if (setup.wLength === 0) {
        const result = await current.transport.controlOut(control, new Uint8Array(0), io);
        if (result.status === 'ok') reply.ack();
        else stall(this.trace ? `STALL OUT request 0x${setup.bRequest.toString(16)}` : null);
        return;
      }
      // The data stage completes the transfer for the host; the board decides afterwards.
      const data = reply.receiveOut();
      dataStageDone = true;
      const result = await current.transport.controlOut(control, data, io);
      if (result.status === 'stall') {
        this.counters.stallsAfterData++;
        this.note(
          `the board stalled OUT request 0x${setup.bRequest.toString(16)} (${data.length} bytes) after its data stage; the host saw success`,
        );
      }
    } catch (error) {
      this.counters.boardErrors++;
      this.note(`request 0x${setup.bRequest.toString(16)}: ${String(error)}`);
      if (!dataStageDone) reply.stall();
    }
  }
}
