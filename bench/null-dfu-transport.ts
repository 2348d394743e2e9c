import type { BoardIdentity } from '../shared/domain/board-identity.js';
import { buildDescriptorSet } from '../main/sim/descriptors.js';
import type {
  ControlInResult,
  ControlOutResult,
  ControlSetup,
  IoOptions,
  UsbTransport,
} from '../main/transport/usb-transport.js';

const GET_DESCRIPTOR = 6;
const DNLOAD = 1;
const GETSTATUS = 3;
const DFU_IDLE = 2;
const DNLOAD_IDLE = 5;
const MANIFEST_SYNC = 6;

/**
 * A DFU device that costs nothing: one U-Boot-shaped alt with wTransferSize 4096, DNLOAD answered at
 * once, GETSTATUS from a two-line state machine, no copy of the data, no log. Flashing through it
 * measures the host's own cost per block (the DFU client, the block cutting, the file reads) with the
 * simulator's own work taken out.
 */
export class NullDfuTransport implements UsbTransport {
  readonly identity: BoardIdentity;
  bytesReceived = 0;
  requests = 0;
  private state = DFU_IDLE;
  private readonly configuration = buildDescriptorSet({
    style: 'uboot',
    vid: 0x0483,
    pid: 0xdf11,
    bcdDevice: 0x0200,
    manufacturer: 'bench',
    product: 'null DFU device',
    serial: '000000000000000000000000',
    altNames: ['@null /0x01/1*4Ge'],
  }).configuration;
  private readonly statusReplies = new Map<number, Uint8Array>(
    [DFU_IDLE, DNLOAD_IDLE].map((state) => [state, Uint8Array.of(0, 0, 0, 0, state, 0)]),
  );

  constructor(identity: BoardIdentity) {
    this.identity = identity;
  }

  selectConfiguration(_value: number, _options: IoOptions): Promise<void> {
    return Promise.resolve();
  }

  claimInterface(_interfaceNumber: number, _options: IoOptions): Promise<void> {
    return Promise.resolve();
  }

  selectAlternate(
    _interfaceNumber: number,
    _alternate: number,
    _options: IoOptions,
  ): Promise<'ok' | 'stall'> {
    this.state = DFU_IDLE;
    return Promise.resolve('ok');
  }

  controlIn(setup: ControlSetup, length: number, _options: IoOptions): Promise<ControlInResult> {
    this.requests++;
    if (setup.requestType === 'standard' && setup.request === GET_DESCRIPTOR && setup.value >> 8 === 2) {
      return Promise.resolve({ status: 'ok', data: this.configuration.subarray(0, length) });
    }
    if (setup.requestType === 'class' && setup.request === GETSTATUS) {
      // dfuMANIFEST-SYNC after the ZLP → dfuIDLE on the next status (manifestation-tolerant).
      if (this.state === MANIFEST_SYNC) this.state = DFU_IDLE;
      return Promise.resolve({ status: 'ok', data: this.statusReplies.get(this.state)! });
    }
    return Promise.resolve({ status: 'stall' });
  }

  controlOut(setup: ControlSetup, data: Uint8Array, _options: IoOptions): Promise<ControlOutResult> {
    this.requests++;
    if (setup.requestType === 'class' && setup.request === DNLOAD) {
      this.bytesReceived += data.length;
      this.state = data.length === 0 ? MANIFEST_SYNC : DNLOAD_IDLE;
      return Promise.resolve({ status: 'ok', bytesWritten: data.length });
    }
    return Promise.resolve({ status: 'ok', bytesWritten: data.length });
  }

  reset(_options: IoOptions): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
