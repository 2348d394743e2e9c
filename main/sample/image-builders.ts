/**
 * Builders for images of the right kind (STM32-header FSBLs, FIP containers), used by the sample
 * generator (`stm32mp-flash sample`), tests and benchmarks. Formats: protocol document §6.
 */

export type Stm32HeaderVersion = 'v1' | 'v2.0' | 'v2.2';

export const STM32_HEADER_BYTES: Record<Stm32HeaderVersion, number> = {
  v1: 0x100,
  'v2.0': 0x200,
  'v2.2': 0x200,
};

const VERSION_WORD: Record<Stm32HeaderVersion, number> = {
  v1: 0x00010000,
  'v2.0': 0x00020000,
  'v2.2': 0x00020200,
};

export function stm32Checksum(payload: Uint8Array): number {
  let sum = 0;
  for (const byte of payload) sum = (sum + byte) >>> 0;
  return sum;
}

export interface Stm32HeaderOptions {
  version: Stm32HeaderVersion;
  entryPoint?: number;
  loadAddress?: number;
  /** 0x10 = TF-A (§6.1 binary type). */
  binaryType?: number;
}

/** An unsigned STM32 header as stm32image writes it: option flags "no signature", padding extension on v2. */
export function buildStm32Header(payload: Uint8Array, options: Stm32HeaderOptions): Uint8Array {
  const size = STM32_HEADER_BYTES[options.version];
  const header = new Uint8Array(size);
  const view = new DataView(header.buffer);
  header.set([0x53, 0x54, 0x4d, 0x32], 0); // "STM2"
  view.setUint32(0x44, stm32Checksum(payload), true);
  view.setUint32(0x48, VERSION_WORD[options.version], true);
  view.setUint32(0x4c, payload.length, true);
  view.setUint32(0x50, options.entryPoint ?? 0, true);
  view.setUint32(0x58, options.loadAddress ?? 0, true);
  const binaryType = options.binaryType ?? 0x10;
  if (options.version === 'v1') {
    view.setUint32(0x64, 1, true);
    header[0xff] = binaryType;
  } else {
    view.setUint32(0x64, 0x80000000, true); // bit31: a padding extension follows
    view.setUint32(0x68, size - 0x80, true);
    view.setUint32(0x6c, binaryType, true);
    view.setUint32(0x80, 0xffff5453, true); // 'ST\xFF\xFF' padding extension
    view.setUint32(0x84, size - 0x80, true);
  }
  return header;
}

export function wrapWithStm32Header(payload: Uint8Array, options: Stm32HeaderOptions): Uint8Array {
  const header = buildStm32Header(payload, options);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  return out;
}

export const FIP_TOC_NAME = 0xaa640001;

/** UUIDs of FIP entries (TF-A include/tools_share/firmware_image_package.h). */
export const FIP_UUIDS = {
  bl33: '4f51d6d7-a81a-4ee6-8b9c-a43dcc7c1ac8',
  bl32: '05d0e189-53dc-1347-8d2b-500a4b7a3e38',
  hwConfig: '08b8f1d9-c9cf-9349-a962-6fbc6b7265cc',
  trustedKeyCert: '827ee890-f860-e411-a1b4-777a21b4f94c',
  nonTrustedFwContentCert: '8ec4c1f3-5d63-e411-a7a9-87ee40b23fa7',
} as const;

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export interface FipEntry {
  uuid: string;
  payload: Uint8Array;
}

/** A FIP: TOC header (name, non-zero serial, flags), entries, the zero-UUID end marker, payloads. */
export function buildFip(entries: readonly FipEntry[], serial = 0x12345678): Uint8Array {
  const tocBytes = 16 + (entries.length + 1) * 40;
  const total = tocBytes + entries.reduce((n, e) => n + e.payload.length, 0);
  const fip = new Uint8Array(total);
  const view = new DataView(fip.buffer);
  view.setUint32(0, FIP_TOC_NAME, true);
  view.setUint32(4, serial, true);
  let dataOffset = tocBytes;
  entries.forEach((entry, i) => {
    const at = 16 + i * 40;
    fip.set(uuidBytes(entry.uuid), at);
    view.setBigUint64(at + 16, BigInt(dataOffset), true);
    view.setBigUint64(at + 24, BigInt(entry.payload.length), true);
    fip.set(entry.payload, dataOffset);
    dataOffset += entry.payload.length;
  });
  view.setBigUint64(16 + entries.length * 40 + 16, BigInt(total), true);
  return fip;
}

/** Deterministic pseudo-random bytes (xorshift32) so generated images are reproducible. */
export function patternBytes(sizeBytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(sizeBytes);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < sizeBytes; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
