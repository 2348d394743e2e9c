import { createHash } from 'node:crypto';

/**
 * Hand-made images for the simulator tests: STM32 headers (§6.1), FIP TOC (§6.3) and layouts (§5).
 */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) >>> 0;
  return sum;
}

export type HeaderVersion = 'v1' | 'v2.0' | 'v2.2';

/** An unsigned STM32 image: v1 256-byte header, or v2.x 512-byte header with one padding extension. */
export function stm32Image(
  payload: Uint8Array,
  version: HeaderVersion,
  options: { corruptChecksum?: boolean } = {},
): Uint8Array {
  const headerSize = version === 'v1' ? 0x100 : 0x200;
  const out = new Uint8Array(headerSize + payload.length);
  const view = new DataView(out.buffer);
  out.set([0x53, 0x54, 0x4d, 0x32], 0);
  view.setUint32(0x44, (checksum(payload) + (options.corruptChecksum ? 1 : 0)) >>> 0, true);
  view.setUint32(0x48, version === 'v1' ? 0x00010000 : version === 'v2.0' ? 0x00020000 : 0x00020200, true);
  view.setUint32(0x4c, payload.length, true);
  view.setUint32(0x50, 0x2ffc2500, true);
  view.setUint32(0x58, 0x2ffc2400, true);
  if (version === 'v1') {
    view.setUint32(0x64, 1, true);
    out[0xff] = 0x10;
  } else {
    view.setUint32(0x64, 0x80000000, true);
    view.setUint32(0x68, 0x180, true);
    view.setUint32(0x6c, 0x10, true);
    view.setUint32(0x80, 0xffff5453, true);
    view.setUint32(0x84, 0x180, true);
  }
  out.set(payload, headerSize);
  return out;
}

export const FSBL_VERSION: Record<'mp15' | 'mp13' | 'mp25', HeaderVersion> = {
  mp15: 'v1',
  mp13: 'v2.0',
  mp25: 'v2.2',
};

export function fsblImage(soc: 'mp15' | 'mp13' | 'mp25', payloadBytes = 20_000, seed = 1): Uint8Array {
  return stm32Image(pseudoRandomBytes(payloadBytes, seed), FSBL_VERSION[soc]);
}

/** A FIP: TOC name 0xAA640001, non-zero serial, then arbitrary content. */
export function fipImage(totalBytes = 40_000, seed = 2, serial = 0x12345678): Uint8Array {
  const out = pseudoRandomBytes(totalBytes, seed);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xaa640001, true);
  view.setUint32(4, serial, true);
  view.setBigUint64(8, 0n, true);
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** STM32 v1 wrapping of a layout, as P1 does (§5.6). */
export function wrapLayout(tsv: string): Uint8Array {
  const payload = ascii(tsv);
  const out = new Uint8Array(0x100 + payload.length);
  const view = new DataView(out.buffer);
  out.set([0x53, 0x54, 0x4d, 0x32], 0);
  view.setUint32(0x44, checksum(payload), true);
  view.setUint32(0x48, 0x00010000, true);
  view.setUint32(0x4c, payload.length, true);
  view.setUint32(0x64, 1, true);
  out.set(payload, 0x100);
  return out;
}

export function tsv(rows: string[][]): string {
  return ['#Opt\tId\tName\tType\tIP\tOffset\tBinary', ...rows.map((r) => r.join('\t'))].join('\n') + '\n';
}

/** A short digest for comparing large buffers (vitest's deep equality is slow on big typed arrays). */
export function digest(bytes: Uint8Array | null | undefined): string {
  if (!bytes) return 'none';
  return `${bytes.length}:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}
