/**
 * Firmware Image Package table of contents (TF-A include/tools_share/firmware_image_package.h):
 * a 16-byte header (name 0xAA640001, serial, flags) then 40-byte entries (16-byte UUID, u64 offset,
 * u64 size, u64 flags) ending with an all-zero UUID. All little-endian.
 */
export const FIP_TOC_NAME = 0xaa640001;
const TOC_HEADER_BYTES = 16;
const TOC_ENTRY_BYTES = 40;
/** Enough for 100 entries; real FIPs carry fewer than 20. */
export const FIP_PROBE_BYTES = TOC_HEADER_BYTES + 100 * TOC_ENTRY_BYTES;

/**
 * Trusted-board-boot certificate UUIDs, as the bytes appear in the TOC (TF-A
 * firmware_image_package.h, and ST's plat_def_fip_uuid.h for the STM32MP config certificate).
 */
export const TBB_CERTIFICATE_UUIDS: Readonly<Record<string, string>> = {
  '862d1d72-f860-e411-920b-8be762160f24': 'root-of-trust key cert',
  '827ee890-f860-e411-a1b4-777a21b4f94c': 'trusted key cert',
  '1c67873d-5f63-e411-978d-27c0c7148abd': 'non-trusted world key cert',
  '024221a1-f860-e411-8d9b-f33c0e15a014': 'SCP firmware key cert',
  '8ab8becc-f960-e411-9ad0-eb4822d8dcf8': 'SoC firmware key cert',
  '9477d603-fb60-e411-85dd-b7105b8cee04': 'trusted OS firmware key cert',
  '8ad5832a-fb60-e411-8aaf-df30bbc49859': 'non-trusted firmware key cert',
  'd6e269ea-5d63-e411-8d8c-9fbabe9956a5': 'trusted boot firmware cert',
  '44be6f04-5e63-e411-b28b-73d8eaae9656': 'SCP firmware content cert',
  'e2b20c20-5e63-e411-9ce8-abccf92bb666': 'SoC firmware content cert',
  'a49f4411-5e63-e411-8728-3f05722af33d': 'trusted OS firmware content cert',
  '8ec4c1f3-5d63-e411-a7a9-87ee40b23fa7': 'non-trusted firmware content cert',
  '776dfd44-8697-4c3b-91eb-c13e025a2a6f': 'SiP secure partition content cert',
  'ddcbbf4a-cad6-11ea-87d0-0242ac130003': 'platform secure partition content cert',
  '71408ab2-18d6-874c-8b2e-c6dccd50f096': 'trusted firmware-update cert',
  '501d8dd2-8bce-49a5-84eb-559a9f2eaeaf': 'STM32MP config cert',
};

export interface FipTocEntry {
  /** The 16 UUID bytes in TOC order, formatted 4-2-2-2-6. */
  uuid: string;
  offsetBytes: bigint;
  sizeBytes: bigint;
}

export type FipTocResult =
  | { ok: true; serialNumber: number; entries: FipTocEntry[]; certificates: string[]; problem: string | null }
  | { ok: false; message: string };

export function looksLikeFip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && view(bytes).getUint32(0, true) === FIP_TOC_NAME;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function formatUuid(bytes: Uint8Array): string {
  const hexText = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return [
    hexText.slice(0, 8),
    hexText.slice(8, 12),
    hexText.slice(12, 16),
    hexText.slice(16, 20),
    hexText.slice(20),
  ].join('-');
}

/**
 * Parses the TOC from the first bytes of a file. `fileSizeBytes` lets it tell a truncated FIP (an
 * entry pointing past the end). Never throws.
 */
export function parseFipToc(bytes: Uint8Array, fileSizeBytes: number): FipTocResult {
  if (bytes.length < TOC_HEADER_BYTES)
    return { ok: false, message: `only ${bytes.length} bytes, shorter than a FIP TOC header` };
  const data = view(bytes);
  const name = data.getUint32(0, true);
  if (name !== FIP_TOC_NAME) {
    return { ok: false, message: `TOC name is 0x${name.toString(16).padStart(8, '0')}, not 0xaa640001` };
  }
  const serialNumber = data.getUint32(4, true);
  if (serialNumber === 0) return { ok: false, message: 'TOC serial number is 0 (TF-A and U-Boot refuse it)' };
  const entries: FipTocEntry[] = [];
  let problem: string | null = null;
  for (let at = TOC_HEADER_BYTES; at + TOC_ENTRY_BYTES <= bytes.length; at += TOC_ENTRY_BYTES) {
    const uuidBytes = bytes.subarray(at, at + 16);
    if (uuidBytes.every((byte) => byte === 0)) break; // end-of-TOC marker
    const entry: FipTocEntry = {
      uuid: formatUuid(uuidBytes),
      offsetBytes: data.getBigUint64(at + 16, true),
      sizeBytes: data.getBigUint64(at + 24, true),
    };
    entries.push(entry);
    if (problem === null && entry.offsetBytes + entry.sizeBytes > BigInt(fileSizeBytes)) {
      problem = `TOC entry ${entries.length} (${TBB_CERTIFICATE_UUIDS[entry.uuid] ?? entry.uuid}) ends at byte ${entry.offsetBytes + entry.sizeBytes}, past the end of the ${fileSizeBytes}-byte file`;
    }
  }
  const certificates = entries.flatMap((entry) => {
    const name = TBB_CERTIFICATE_UUIDS[entry.uuid];
    return name === undefined ? [] : [name];
  });
  return { ok: true, serialNumber, entries, certificates, problem };
}
