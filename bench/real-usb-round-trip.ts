import { systemClock } from '../main/core/clock.js';
import { createUsbBackend } from '../main/usb/usb-backend.js';
import type { ControlSetup } from '../main/transport/usb-transport.js';
import { median } from './bench-stats.js';

const GETSTATUS: ControlSetup = {
  requestType: 'class',
  recipient: 'interface',
  request: 3,
  value: 0,
  index: 0,
};
const IO = { timeoutMs: 5_000 };

/** Median milliseconds of one GETSTATUS round trip through our production transport (main/usb). */
export async function oursRoundTripMs(count: number): Promise<number> {
  const bus = createUsbBackend({ clock: systemClock });
  try {
    const [identity] = await bus.list(IO);
    if (!identity) throw new Error('no board on the bus for the round-trip measurement');
    const transport = await bus.open(identity.connectionId, IO);
    try {
      return await timeEach(count, async () => {
        const result = await transport.controlIn(GETSTATUS, 6, IO);
        if (result.status !== 'ok') throw new Error('GETSTATUS stalled');
      });
    } finally {
      await transport.close();
    }
  } finally {
    await bus.close();
  }
}

interface RawDevice {
  vendorId: number;
  open(): Promise<void>;
  close(): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  controlTransferIn(setup: ControlSetup, length: number): Promise<{ status: string }>;
}

/**
 * The same request straight through the `usb` package's WebUSB object, nothing of ours in between: what
 * the package itself costs per request here (its native threads hand each transfer back to the event
 * loop), the floor any Node program using it has.
 */
export async function packageRoundTripMs(count: number): Promise<number> {
  return withPackageDevice<RawDevice, number>('package round-trip measurement', (device) =>
    timeEach(count, async () => {
      const result = await device.controlTransferIn(GETSTATUS, 6);
      if (result.status !== 'ok') throw new Error('GETSTATUS stalled');
    }),
  );
}

/** Opens the first 0483 device through the `usb` package alone and claims interface 0 for `use`. */
async function withPackageDevice<D extends RawDevice, T>(
  what: string,
  use: (device: D) => Promise<T>,
): Promise<T> {
  // The bench measures the package itself: the one place outside main/usb that loads it.
  const { usb } = (await import('usb')) as unknown as { usb: { getDevices(): Promise<D[]> } };
  const device = (await usb.getDevices()).find((d) => d.vendorId === 0x0483);
  if (!device) throw new Error(`no 0483 device for the ${what}`);
  await device.open();
  try {
    await device.claimInterface(0);
    return await use(device);
  } finally {
    // node-usb keeps a claimed interface past close(): the next program would find the device busy.
    await device.releaseInterface(0).catch(() => undefined);
    await device.close();
  }
}

async function timeEach(count: number, once: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  return median(times);
}

interface RawDfuDevice extends RawDevice {
  selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void>;
  controlTransferIn(setup: ControlSetup, length: number): Promise<{ status: string; data?: DataView }>;
  controlTransferOut(setup: ControlSetup, data: Uint8Array): Promise<{ status: string }>;
}

const DNLOAD = 1;
const STATE_ERROR = 10;
const MAX_POLLS = 1000;
const STATE_DNLOAD_IDLE = 5;
const STATE_IDLE = 2;

/**
 * The whole download as the plainest Node program over the `usb` package would do it (DNLOAD a block,
 * GETSTATUS until dfuDNLOAD-IDLE, the zero-length DNLOAD, GETSTATUS until dfuIDLE), nothing of ours in
 * between: the floor for any host written on this package, to set against our CLI's own transfer time.
 */
export async function packageDownloadS(
  alt: number,
  payload: Uint8Array,
  blockBytes: number,
): Promise<number> {
  return withPackageDevice<RawDfuDevice, number>('package download measurement', async (device) => {
    await device.selectAlternateInterface(0, alt);
    const waitFor = async (wanted: number): Promise<void> => {
      for (let poll = 0; poll < MAX_POLLS; poll++) {
        const result = await device.controlTransferIn(GETSTATUS, 6);
        if (result.status !== 'ok' || !result.data) throw new Error('GETSTATUS stalled');
        const state = result.data.getUint8(4);
        if (state === wanted) return;
        if (state === STATE_ERROR) throw new Error(`the device went to dfuERROR waiting for state ${wanted}`);
      }
      throw new Error(`no state ${wanted} after ${MAX_POLLS} GETSTATUS`);
    };
    const dnload = async (block: number, data: Uint8Array): Promise<void> => {
      const setup = { ...GETSTATUS, request: DNLOAD, value: block & 0xffff };
      if ((await device.controlTransferOut(setup, data)).status !== 'ok') throw new Error('DNLOAD stalled');
    };
    const start = performance.now();
    let block = 0;
    for (let offset = 0; offset < payload.length; offset += blockBytes, block++) {
      await dnload(block, payload.subarray(offset, offset + blockBytes));
      await waitFor(STATE_DNLOAD_IDLE);
    }
    await dnload(block, new Uint8Array(0));
    await waitFor(STATE_IDLE);
    return (performance.now() - start) / 1000;
  });
}
