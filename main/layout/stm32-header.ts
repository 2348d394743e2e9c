import type { LayoutSoc, Stm32HeaderVersion } from '../../shared/domain/flash-plan.js';

/**
 * STM32 image headers (protocol doc §6.1; TF-A stm32image / boot_api.h). Pure functions over bytes:
 * callers read only the header from disk and stream the payload for the checksum.
 */
export const STM32_MAGIC = 0x324d5453; // "STM2"
export const STM32_V1_HEADER_BYTES = 0x100;
/** Read this many bytes to parse any header version (v2.3 with its usual padding is 0x240). */
export const STM32_HEADER_PROBE_BYTES = 0x240;

const VERSION_WORDS: Record<Stm32HeaderVersion, number> = {
  v1: 0x00010000,
  'v2.0': 0x00020000,
  'v2.2': 0x00020200,
  'v2.3': 0x00020300,
};

export const STM32_VERSION_FOR_SOC: Record<LayoutSoc, Stm32HeaderVersion> = {
  mp15: 'v1',
  mp13: 'v2.0',
  mp25: 'v2.2',
};

export interface Stm32Header {
  version: Stm32HeaderVersion;
  versionWord: number;
  /** Header size = where the payload starts. */
  headerBytes: number;
  checksum: number;
  imageLengthBytes: number;
  entryPoint: number;
  loadAddress: number;
  imageVersion: number;
  /** v1 option flags, or v2 extension flags. */
  flags: number;
  binaryType: number;
  /** Fields that must be zero and are not, e.g. "reserved1", "padding[0x12]". */
  nonZeroReserved: string[];
  /** v2 only: the extension chain did not add up to the declared length. */
  extensionProblem: string | null;
}

export type Stm32HeaderResult =
  | { ok: true; header: Stm32Header }
  | {
      ok: false;
      reason: 'too-short' | 'bad-magic' | 'unknown-version';
      message: string;
      versionWord: number | null;
    };

/** Field offsets; v2.3 moves everything after the (96-byte) signature by +0x20. */
interface Layout {
  checksum: number;
  version: number;
  length: number;
  entry: number;
  reserved1: number;
  load: number;
  reserved2: number;
  imageVersion: number;
  flags: number;
}

const LAYOUT_V1_V2: Layout = {
  checksum: 0x44,
  version: 0x48,
  length: 0x4c,
  entry: 0x50,
  reserved1: 0x54,
  load: 0x58,
  reserved2: 0x5c,
  imageVersion: 0x60,
  flags: 0x64,
};
const LAYOUT_V23: Layout = {
  checksum: 0x64,
  version: 0x68,
  length: 0x6c,
  entry: 0x70,
  reserved1: 0x74,
  load: 0x78,
  reserved2: 0x7c,
  imageVersion: 0x80,
  flags: 0x84,
};

function u32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);
}

export function parseStm32Header(bytes: Uint8Array): Stm32HeaderResult {
  if (bytes.length < 4) {
    return {
      ok: false,
      reason: 'bad-magic',
      message: `only ${bytes.length} bytes, no "STM2" magic`,
      versionWord: null,
    };
  }
  const magic = u32(bytes, 0);
  if (magic !== STM32_MAGIC) {
    return {
      ok: false,
      reason: 'bad-magic',
      message: `magic is 0x${magic.toString(16).padStart(8, '0')}, not "STM2"`,
      versionWord: null,
    };
  }
  if (bytes.length < STM32_V1_HEADER_BYTES) {
    return {
      ok: false,
      reason: 'too-short',
      message: `only ${bytes.length} bytes, shorter than any STM32 header`,
      versionWord: null,
    };
  }
  const early = u32(bytes, LAYOUT_V1_V2.version);
  const late = bytes.length >= 0x6c ? u32(bytes, LAYOUT_V23.version) : 0;
  const version = (Object.keys(VERSION_WORDS) as Stm32HeaderVersion[]).find((name) =>
    name === 'v2.3' ? late === VERSION_WORDS[name] : early === VERSION_WORDS[name],
  );
  if (version === undefined) {
    return {
      ok: false,
      reason: 'unknown-version',
      message: `header version 0x${early.toString(16).padStart(8, '0')} is not 1.0, 2.0, 2.2 or 2.3`,
      versionWord: early,
    };
  }
  return version === 'v1' ? parseV1(bytes) : parseV2(bytes, version);
}

function common(
  bytes: Uint8Array,
  layout: Layout,
  version: Stm32HeaderVersion,
): Omit<Stm32Header, 'headerBytes' | 'binaryType' | 'extensionProblem'> {
  const nonZeroReserved: string[] = [];
  if (u32(bytes, layout.reserved1) !== 0) nonZeroReserved.push('reserved1');
  if (u32(bytes, layout.reserved2) !== 0) nonZeroReserved.push('reserved2');
  return {
    version,
    versionWord: VERSION_WORDS[version],
    checksum: u32(bytes, layout.checksum),
    imageLengthBytes: u32(bytes, layout.length),
    entryPoint: u32(bytes, layout.entry),
    loadAddress: u32(bytes, layout.load),
    imageVersion: u32(bytes, layout.imageVersion),
    flags: u32(bytes, layout.flags),
    nonZeroReserved,
  };
}

function checkZero(bytes: Uint8Array, from: number, to: number, into: string[]): void {
  for (let offset = from; offset < to; offset += 1) {
    if (bytes[offset] !== 0) {
      into.push(`padding[0x${offset.toString(16)}]`);
      return;
    }
  }
}

function parseV1(bytes: Uint8Array): Stm32HeaderResult {
  const header = common(bytes, LAYOUT_V1_V2, 'v1');
  // 83 bytes of padding U-Boot insists on, then the binary type in the last byte
  checkZero(bytes, 0xac, 0xff, header.nonZeroReserved);
  return {
    ok: true,
    header: {
      ...header,
      headerBytes: STM32_V1_HEADER_BYTES,
      binaryType: bytes[0xff] ?? 0,
      extensionProblem: null,
    },
  };
}

function parseV2(bytes: Uint8Array, version: Stm32HeaderVersion): Stm32HeaderResult {
  const v23 = version === 'v2.3';
  const layout = v23 ? LAYOUT_V23 : LAYOUT_V1_V2;
  const extensionsAt = v23 ? 0xa0 : 0x80;
  if (bytes.length < extensionsAt) {
    return {
      ok: false,
      reason: 'too-short',
      message: `only ${bytes.length} bytes, shorter than a ${version} header`,
      versionWord: null,
    };
  }
  const header = common(bytes, layout, version);
  const extensionLength = u32(bytes, layout.flags + 4);
  const binaryType = u32(bytes, layout.flags + 8);
  if (v23) checkZero(bytes, 0x90, 0x98, header.nonZeroReserved);
  else checkZero(bytes, 0x70, 0x80, header.nonZeroReserved);
  return {
    ok: true,
    header: {
      ...header,
      headerBytes: extensionsAt + extensionLength,
      binaryType,
      extensionProblem: checkExtensions(bytes, extensionsAt, extensionLength),
    },
  };
}

/** Walks the `type, length` extension headers; they must tile the declared extension length exactly. */
function checkExtensions(bytes: Uint8Array, start: number, totalLength: number): string | null {
  if (totalLength > 0x10000) return `extension length 0x${totalLength.toString(16)} is implausible`;
  let offset = start;
  const end = start + totalLength;
  while (offset < end) {
    if (offset + 8 > bytes.length) return null; // not enough bytes read to follow the chain; not an error
    const length = u32(bytes, offset + 4);
    if (length < 8 || offset + length > end) {
      return `extension at 0x${offset.toString(16)} has length 0x${length.toString(16)}, which does not fit the declared 0x${totalLength.toString(16)}`;
    }
    offset += length;
  }
  return null;
}

/** The checksum U-Boot and the ROM check: 32-bit wrapping sum of the payload bytes. */
export function stm32PayloadChecksum(payload: Uint8Array, seed = 0): number {
  let sum = seed;
  for (const byte of payload) sum += byte;
  return sum >>> 0;
}

/**
 * A 256-byte STM32 v1 header for `payload` as ST's PRG-TOOLBOX builds it for the layout (phase 0x00):
 * magic, byte-sum checksum, version 0x00010000, length, option flags 1 (no signature), all else 0.
 */
export function buildStm32HeaderV1(payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(STM32_V1_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0x00, STM32_MAGIC, true);
  view.setUint32(LAYOUT_V1_V2.checksum, stm32PayloadChecksum(payload), true);
  view.setUint32(LAYOUT_V1_V2.version, VERSION_WORDS.v1, true);
  view.setUint32(LAYOUT_V1_V2.length, payload.length, true);
  view.setUint32(LAYOUT_V1_V2.flags, 1, true);
  return header;
}

/** Header + payload, ready to download. */
export function wrapStm32V1(payload: Uint8Array): Uint8Array {
  const wrapped = new Uint8Array(STM32_V1_HEADER_BYTES + payload.length);
  wrapped.set(buildStm32HeaderV1(payload), 0);
  wrapped.set(payload, STM32_V1_HEADER_BYTES);
  return wrapped;
}
