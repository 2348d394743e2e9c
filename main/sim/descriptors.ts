/**
 * USB descriptors per stage, byte for byte as §2.1–§2.3 give them. ROM and TF-A share one shape (T3,
 * T4: TF-A copies the ROM); U-Boot is a composite gadget with its own string-id allocation (S5, S8).
 */
export type DescriptorStyle = 'st-firmware' | 'uboot';

export interface DescriptorInput {
  style: DescriptorStyle;
  vid: number;
  pid: number;
  bcdDevice: number;
  manufacturer: string | null;
  product: string;
  serial: string | null;
  altNames: readonly string[];
}

export interface DescriptorSet {
  style: DescriptorStyle;
  device: Uint8Array;
  /** The whole configuration: config + N interface alts + one DFU functional descriptor (§2.2). */
  configuration: Uint8Array;
  functional: Uint8Array;
  qualifier: Uint8Array;
  /** String index → text; index 0 (LANGID) is answered separately. */
  strings: ReadonlyMap<number, string>;
  altNames: readonly string[];
  manufacturer: string | null;
  product: string;
  serial: string | null;
  transferSizeBytes: number;
  vid: number;
  pid: number;
  bcdDevice: number;
}

export const LANGID_DESCRIPTOR = Uint8Array.of(0x04, 0x03, 0x09, 0x04);

const ST_TRANSFER_SIZE = 1024;
const UBOOT_TRANSFER_SIZE = 4096;

function u16(value: number): [number, number] {
  return [value & 0xff, (value >> 8) & 0xff];
}

/** UTF-16LE string descriptor, bLength = 2 + 2·len (§2.3). */
export function stringDescriptor(text: string): Uint8Array {
  const units = Array.from(text.slice(0, 126), (c) => c.charCodeAt(0));
  const out = new Uint8Array(2 + units.length * 2);
  out[0] = out.length;
  out[1] = 0x03;
  units.forEach((unit, i) => {
    out[2 + i * 2] = unit & 0xff;
    out[3 + i * 2] = (unit >> 8) & 0xff;
  });
  return out;
}

export function buildDescriptorSet(input: DescriptorInput): DescriptorSet {
  const strings = new Map<number, string>();
  let iManufacturer = 0;
  let iProduct: number;
  let iSerial = 0;
  let firstAltString: number;
  if (input.style === 'st-firmware') {
    // Fixed table (T3): 4 "DFU Config" exists but is not referenced, alts start at 6.
    iManufacturer = 1;
    iProduct = 2;
    iSerial = input.serial === null ? 0 : 3;
    strings.set(1, input.manufacturer ?? '');
    strings.set(2, input.product);
    if (input.serial !== null) strings.set(3, input.serial);
    strings.set(4, 'DFU Config');
    strings.set(5, 'DFU Interface');
    firstAltString = 6;
  } else {
    // Allocation order (§2.2): manufacturer, product, serial (only when serial# is set), the DFU
    // function name, then one string per alt.
    let next = 1;
    if (input.manufacturer !== null) {
      iManufacturer = next;
      strings.set(next++, input.manufacturer);
    }
    iProduct = next;
    strings.set(next++, input.product);
    if (input.serial !== null) {
      iSerial = next;
      strings.set(next++, input.serial);
    }
    strings.set(next++, 'Device Firmware Upgrade');
    firstAltString = next;
  }
  input.altNames.forEach((name, n) => strings.set(firstAltString + n, name));

  const device = Uint8Array.of(
    0x12,
    0x01,
    ...u16(0x0200),
    0x00,
    0x00,
    0x00,
    0x40,
    ...u16(input.vid),
    ...u16(input.pid),
    ...u16(input.bcdDevice),
    iManufacturer,
    iProduct,
    iSerial,
    0x01,
  );

  const transferSize = input.style === 'st-firmware' ? ST_TRANSFER_SIZE : UBOOT_TRANSFER_SIZE;
  const functional =
    input.style === 'st-firmware'
      ? Uint8Array.of(0x09, 0x21, 0x0f, 0xff, 0x00, ...u16(transferSize), 0x10, 0x01)
      : Uint8Array.of(0x09, 0x21, 0x0f, 0x00, 0x00, ...u16(transferSize), 0x10, 0x01);

  const altCount = input.altNames.length;
  const totalLength = 9 * (altCount + 2);
  // bMaxPower: 0x32 (100 mA) on ROM/TF-A, VBUS_DRAW/2 = 1 on U-Boot (§2.2).
  const maxPower = input.style === 'st-firmware' ? 0x32 : 0x01;
  const configuration = new Uint8Array(totalLength);
  configuration.set([0x09, 0x02, ...u16(totalLength), 0x01, 0x01, 0x02, 0xc0, maxPower], 0);
  for (let n = 0; n < altCount; n++) {
    configuration.set([0x09, 0x04, 0x00, n, 0x00, 0xfe, 0x01, 0x02, firstAltString + n], 9 + n * 9);
  }
  configuration.set(functional, 9 + altCount * 9);

  return {
    style: input.style,
    device,
    configuration,
    functional,
    qualifier: Uint8Array.of(0x0a, 0x06, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00),
    strings,
    altNames: [...input.altNames],
    manufacturer: input.manufacturer,
    product: input.product,
    serial: input.serial,
    transferSizeBytes: transferSize,
    vid: input.vid,
    pid: input.pid,
    bcdDevice: input.bcdDevice,
  };
}
