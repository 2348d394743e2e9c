/**
 * The simulator's own reading of the STM32 image header (§6.1, §6.2) and the FIP table of contents
 * (§6.3). Independent of main/layout on purpose.
 */
export const STM32_MAGIC = 0x324d5453; // "STM2"
export const FIP_TOC_NAME = 0xaa640001;
export const UBOOT_LEGACY_IMAGE_MAGIC = 0x27051956;

export interface Stm32Header {
  version: number;
  headerSizeBytes: number;
  imageLengthBytes: number;
  checksum: number;
  /** v1 option flags (bit0 = no signature) or v2 extension flags (bit0 = authentication). */
  flags: number;
}

export type FsblCheck = { ok: true; header: Stm32Header } | { ok: false; reason: string };

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** 32-bit wrapping sum of the payload bytes (§6.1 checksum). */
export function payloadChecksum(bytes: Uint8Array, start: number, length: number): number {
  let sum = 0;
  const end = Math.min(bytes.length, start + length);
  for (let i = start; i < end; i++) sum = (sum + (bytes[i] ?? 0)) >>> 0;
  return sum;
}

/** Reads the common fields of a v1 / v2.0 / v2.2 header without judging them. */
export function readStm32Header(bytes: Uint8Array): Stm32Header | null {
  if (bytes.length < 0x80) return null;
  const v = view(bytes);
  if (v.getUint32(0, true) !== STM32_MAGIC) return null;
  const version = v.getUint32(0x48, true);
  const major = (version >>> 16) & 0xff;
  const headerSizeBytes = major === 1 ? 0x100 : 0x80 + v.getUint32(0x68, true);
  return {
    version,
    headerSizeBytes,
    imageLengthBytes: v.getUint32(0x4c, true),
    checksum: v.getUint32(0x44, true),
    flags: v.getUint32(0x64, true),
  };
}

/**
 * What the ROM checks before starting the FSBL, in the order of §6.2. A secure-closed part also needs a
 * signature; the simulator only checks that the image claims one (no ECDSA).
 */
export function checkFsblImage(
  bytes: Uint8Array,
  rules: { expectedVersion: number; maxPayloadBytes: number; secureClosed: boolean },
): FsblCheck {
  if (bytes.length < 0x100) return { ok: false, reason: 'image shorter than the header' };
  const v = view(bytes);
  if (v.getUint32(0, true) !== STM32_MAGIC) return { ok: false, reason: 'bad magic' };
  const header = readStm32Header(bytes);
  if (!header) return { ok: false, reason: 'bad header' };
  if (header.version !== rules.expectedVersion) {
    return { ok: false, reason: `header version 0x${header.version.toString(16)} not for this SoC` };
  }
  if (v.getUint32(0x54, true) !== 0 || v.getUint32(0x5c, true) !== 0) {
    return { ok: false, reason: 'reserved fields not zero' };
  }
  if (header.headerSizeBytes > bytes.length) return { ok: false, reason: 'image shorter than the header' };
  if (header.headerSizeBytes + header.imageLengthBytes > bytes.length) {
    return { ok: false, reason: 'image_length beyond the file' };
  }
  const sum = payloadChecksum(bytes, header.headerSizeBytes, header.imageLengthBytes);
  if (sum !== header.checksum) return { ok: false, reason: 'checksum mismatch' };
  if (header.imageLengthBytes > rules.maxPayloadBytes)
    return { ok: false, reason: 'payload above the ROM limit' };
  if (rules.secureClosed) {
    const isV1 = header.version === 0x00010000;
    const unsigned = isV1 ? (header.flags & 1) === 1 : (header.flags & 1) === 0;
    if (unsigned) return { ok: false, reason: 'unsigned image on a secure-closed part' };
  }
  return { ok: true, header };
}

/**
 * U-Boot's header recognition (§6.1): magic, version exactly 0x00010000 or 0x00020000, reserved fields
 * and padding zero. v2.2 (MP25) is not recognised by current stm32prog.
 */
export function ubootRecognizedHeader(bytes: Uint8Array): Stm32Header | null {
  const header = readStm32Header(bytes);
  if (!header || bytes.length < 0x100) return null;
  const v = view(bytes);
  if (v.getUint32(0x54, true) !== 0 || v.getUint32(0x5c, true) !== 0) return null;
  if (header.version === 0x00010000) {
    for (let i = 0xac; i < 0xff; i++) if (bytes[i] !== 0) return null;
    return header;
  }
  if (header.version === 0x00020000) {
    for (let i = 0x70; i < 0x80; i++) if (bytes[i] !== 0) return null;
    // U-Boot sizes a v2 header as 256 + extension length (§6.1 note), an overestimate kept on purpose.
    return { ...header, headerSizeBytes: 0x100 + v.getUint32(0x68, true) };
  }
  return null;
}

/** FIP TOC (§6.3): name 0xAA640001 and a non-zero serial number. */
export function isFipToc(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  const v = view(bytes);
  return v.getUint32(0, true) === FIP_TOC_NAME && v.getUint32(4, true) !== 0;
}

/** A legacy `mkimage -T script` image (§5.2): treated by U-Boot as a script, not a layout. */
export function isLegacyUbootImage(bytes: Uint8Array): boolean {
  return bytes.length >= 64 && view(bytes).getUint32(0, false) === UBOOT_LEGACY_IMAGE_MAGIC;
}
