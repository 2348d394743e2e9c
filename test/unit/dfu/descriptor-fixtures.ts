import { DfuClient, type DfuClientOptions } from '../../../main/dfu/dfu-client.js';
import { VirtualClock } from '../../../main/core/clock.js';
import type { DfuAnomaly } from '../../../main/dfu/dfu-anomaly.js';
import { step, type FakeUsbTransport, type Step } from './fake-usb-transport.js';

/** Byte images of ST descriptor sets, built the way protocol §2.2 describes them. */
export interface FunctionalFields {
  attributes?: number;
  detachTimeoutMs?: number;
  transferSizeBytes: number;
  bcdDFUVersion?: number;
}

export function functionalDescriptor(f: FunctionalFields): number[] {
  const bcd = f.bcdDFUVersion ?? 0x0110;
  const detach = f.detachTimeoutMs ?? 0;
  return [
    9,
    0x21,
    f.attributes ?? 0x0f,
    detach & 0xff,
    detach >> 8,
    f.transferSizeBytes & 0xff,
    f.transferSizeBytes >> 8,
    bcd & 0xff,
    bcd >> 8,
  ];
}

export function configDescriptor(options: {
  altCount: number;
  functional: FunctionalFields | null;
  iInterfaceBase: number;
  maxPower?: number;
}): Uint8Array {
  const body: number[] = [];
  for (let n = 0; n < options.altCount; n++) body.push(9, 4, 0, n, 0, 0xfe, 1, 2, options.iInterfaceBase + n);
  if (options.functional) body.push(...functionalDescriptor(options.functional));
  const total = 9 + body.length;
  return Uint8Array.from([9, 2, total & 0xff, total >> 8, 1, 1, 2, 0xc0, options.maxPower ?? 0x32, ...body]);
}

/** ROM/TF-A: functional `09 21 0F FF 00 00 04 10 01` (1024 bytes, 255 ms). */
export const ROM_FUNCTIONAL: FunctionalFields = {
  attributes: 0x0f,
  detachTimeoutMs: 255,
  transferSizeBytes: 1024,
};
/** U-Boot: functional `09 21 0F 00 00 00 10 10 01` (4096 bytes, 0 ms). */
export const UBOOT_FUNCTIONAL: FunctionalFields = {
  attributes: 0x0f,
  detachTimeoutMs: 0,
  transferSizeBytes: 4096,
};

export function stringDescriptor(text: string): Uint8Array {
  const out = [2 + 2 * text.length, 3];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out.push(code & 0xff, code >> 8);
  }
  return Uint8Array.from(out);
}

/** The calls DfuClient.open() makes, answered with `config`. */
export function openSteps(config: Uint8Array): Step[] {
  return [
    { expect: { kind: 'config', value: 1 } },
    { expect: { kind: 'claim', interfaceNumber: 0 } },
    step.getDescriptor(2, 0, 9, config.subarray(0, 9)),
    step.getDescriptor(2, 0, config.length, config),
  ];
}

export interface OpenedClient {
  client: DfuClient;
  clock: VirtualClock;
  anomalies: DfuAnomaly[];
}

/** Opens a DfuClient on `fake` with an auto-advancing VirtualClock and an anomaly recorder. */
export async function openClient(
  fake: FakeUsbTransport,
  config: Uint8Array,
  options: Partial<DfuClientOptions> = {},
): Promise<OpenedClient> {
  const clock = new VirtualClock({ autoAdvance: true });
  const anomalies: DfuAnomaly[] = [];
  fake.script(...openSteps(config));
  const client = await DfuClient.open(fake, { clock, onAnomaly: (a) => anomalies.push(a), ...options });
  return { client, clock, anomalies };
}
