import { step, DFU, type FakeUsbTransport, type Step } from './fake-usb-transport.js';

/** Small builders shared by the download tests. */
export function bytes(length: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

export async function* chunksOf(data: Uint8Array, chunkBytes: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += chunkBytes)
    yield await Promise.resolve(data.subarray(i, i + chunkBytes));
}

/** DNLOAD of each size, each followed by the same GETSTATUS replies. */
export function blockSteps(sizes: number[], after: Step[]): Step[] {
  return sizes.flatMap((size, i) => [step.dnload(i, size), ...after]);
}

export function dnloadValues(fake: FakeUsbTransport): number[] {
  return fake.controlCalls(DFU.DNLOAD).map((c) => c.setup.value);
}
