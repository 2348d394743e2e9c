// Builds STM32 images and FIPs byte by byte from the protocol document (§6), independently of the
// code under test, so a test of the checker is not a test of the checker against itself.

export type BuiltHeaderVersion = 'v1' | 'v2.0' | 'v2.2' | 'v2.3';

export interface Stm32ImageOptions {
  magic?: number;
  versionWord?: number;
  checksum?: number;
  imageLength?: number;
  entryPoint?: number;
  loadAddress?: number;
  reserved1?: number;
  /** Sets one byte inside the must-be-zero padding. */
  dirtyPadding?: boolean;
  /** Drop this many bytes from the end of the file. */
  truncateBytes?: number;
}

const VERSION_WORD: Record<BuiltHeaderVersion, number> = {
  v1: 0x00010000,
  'v2.0': 0x00020000,
  'v2.2': 0x00020200,
  'v2.3': 0x00020300,
};

export function byteSum(payload: Uint8Array): number {
  let sum = 0;
  for (const byte of payload) sum = (sum + byte) >>> 0;
  return sum;
}

export function stm32Image(
  version: BuiltHeaderVersion,
  payload: Uint8Array,
  options: Stm32ImageOptions = {},
): Uint8Array {
  const v23 = version === 'v2.3';
  const headerBytes = version === 'v1' ? 0x100 : v23 ? 0x240 : 0x200;
  const shift = v23 ? 0x20 : 0;
  const image = new Uint8Array(headerBytes + payload.length);
  const view = new DataView(image.buffer);
  const load = options.loadAddress ?? 0x2ffc2500;
  view.setUint32(0x00, options.magic ?? 0x324d5453, true);
  view.setUint32(0x44 + shift, options.checksum ?? byteSum(payload), true);
  view.setUint32(0x48 + shift, options.versionWord ?? VERSION_WORD[version], true);
  view.setUint32(0x4c + shift, options.imageLength ?? payload.length, true);
  view.setUint32(0x50 + shift, options.entryPoint ?? load, true);
  view.setUint32(0x54 + shift, options.reserved1 ?? 0, true);
  view.setUint32(0x58 + shift, load, true);
  if (version === 'v1') {
    view.setUint32(0x64, 1, true); // option flags: no signature
    image[0xff] = 0x10; // TF-A
    if (options.dirtyPadding) image[0xc0] = 0x5a;
  } else {
    const extensionsAt = v23 ? 0xa0 : 0x80;
    view.setUint32(0x64 + shift, 0x80000000, true); // padding extension present
    view.setUint32(0x68 + shift, headerBytes - extensionsAt, true);
    view.setUint32(0x6c + shift, 0x10, true);
    view.setUint32(extensionsAt, 0xffff5453, true);
    view.setUint32(extensionsAt + 4, headerBytes - extensionsAt, true);
    if (options.dirtyPadding) image[v23 ? 0x92 : 0x74] = 0x5a;
  }
  image.set(payload, headerBytes);
  return image.subarray(0, image.length - (options.truncateBytes ?? 0));
}

/** UUID bytes of TF-A's trusted key certificate and BL31, as they sit in a TOC. */
export const UUID_TRUSTED_KEY_CERT = [
  0x82, 0x7e, 0xe8, 0x90, 0xf8, 0x60, 0xe4, 0x11, 0xa1, 0xb4, 0x77, 0x7a, 0x21, 0xb4, 0xf9, 0x4c,
];
export const UUID_BL31 = [
  0x47, 0xd4, 0x08, 0x6d, 0x4c, 0xfe, 0x98, 0x46, 0x9b, 0x95, 0x29, 0x50, 0xcb, 0xbd, 0x5a, 0x00,
];

export interface FipOptions {
  name?: number;
  serial?: number;
  entries?: { uuid: readonly number[]; sizeBytes: number }[];
  truncateBytes?: number;
}

export function fipImage(options: FipOptions = {}): Uint8Array {
  const entries = options.entries ?? [{ uuid: UUID_BL31, sizeBytes: 64 }];
  const tocBytes = 16 + (entries.length + 1) * 40;
  const total = tocBytes + entries.reduce((sum, entry) => sum + entry.sizeBytes, 0);
  const image = new Uint8Array(total);
  const view = new DataView(image.buffer);
  view.setUint32(0, options.name ?? 0xaa640001, true);
  view.setUint32(4, options.serial ?? 0x12345678, true);
  let offset = tocBytes;
  entries.forEach((entry, index) => {
    const at = 16 + index * 40;
    image.set(entry.uuid, at);
    view.setBigUint64(at + 16, BigInt(offset), true);
    view.setBigUint64(at + 24, BigInt(entry.sizeBytes), true);
    image.fill(0xa5, offset, offset + entry.sizeBytes);
    offset += entry.sizeBytes;
  });
  return image.subarray(0, total - (options.truncateBytes ?? 0));
}

export function asciiPayload(text: string, sizeBytes: number): Uint8Array {
  const payload = new Uint8Array(sizeBytes).fill(0x11);
  payload.set(new TextEncoder().encode(text), Math.min(100, Math.max(sizeBytes - text.length, 0)));
  return payload;
}
