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
  controlTransferIn(setup: ControlSetup, length: number): Promise<{ status: string }>;
}

/**
 * The same request straight through the `usb` package's WebUSB object, nothing of ours in between: what
 * the package itself costs per request here (its native threads hand each transfer back to the event
 * loop), the floor any Node program using it has.
 */
export async function packageRoundTripMs(count: number): Promise<number> {
  // The bench measures the package itself: the one place outside main/usb that loads it.
  const { usb } = (await import('usb')) as unknown as { usb: { getDevices(): Promise<RawDevice[]> } };
  const device = (await usb.getDevices()).find((d) => d.vendorId === 0x0483);
  if (!device) throw new Error('no 0483 device for the package round-trip measurement');
  await device.open();
  try {
    await device.claimInterface(0);
    return await timeEach(count, async () => {
      const result = await device.controlTransferIn(GETSTATUS, 6);
      if (result.status !== 'ok') throw new Error('GETSTATUS stalled');
    });
  } finally {
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
