import { AppError } from '../core/app-error.js';
import type { CallOptions, DfuClient } from '../dfu/dfu-client.js';
import { requireAltForPhase, type PhaseAltMap } from './alt-map.js';
import { formatPhaseId, PHASE } from './phase-ids.js';

/**
 * Read-only access to U-Boot's virtual partitions (protocol §2.4, §9.3): OTP (0xF2) and PMIC NVM
 * (0xF4). Present only in U-Boot, and OTP only when the chip is not closed and an OTP service exists.
 * The content format (W4) is out of scope: bytes, plus the OTP as 32-bit little-endian words.
 */
export interface VirtualPartitionRead {
  phaseId: number;
  alternate: number;
  /** The size the alt string declares (OTP: 1024, 776 or 2952; PMIC: 8), if it parsed. */
  declaredSizeBytes: number | null;
  bytes: Uint8Array;
}

export interface OtpRead extends VirtualPartitionRead {
  /** The bytes as u32 little-endian words; a trailing partial word is dropped. */
  words: number[];
}

async function readVirtual(
  client: DfuClient,
  altMap: PhaseAltMap,
  phaseId: number,
  call: CallOptions,
): Promise<VirtualPartitionRead> {
  const alternate = requireAltForPhase(altMap, phaseId);
  const parsed = altMap.alts.find((a) => a.index === alternate)?.parsed ?? null;
  const declaredSizeBytes = parsed?.sizeBytes ?? null;
  if (parsed && parsed.segments.length > 0 && !parsed.segments.some((s) => s.access.readable)) {
    throw new AppError('bad-input', `Alt ${alternate} (${formatPhaseId(phaseId)}) is not readable.`, {
      alternate,
      phaseId,
    });
  }
  // wLength = wTransferSize (U-Boot fills replies from a 4096-byte buffer whatever wLength says, §4.2);
  // the declared size bounds a device that never sends a short packet.
  const bytes = await client.upload({
    alternate,
    maxBytes: declaredSizeBytes ?? undefined,
    signal: call.signal,
    timeoutMs: call.timeoutMs,
    context: `read ${formatPhaseId(phaseId)}`,
  });
  return { phaseId, alternate, declaredSizeBytes, bytes };
}

export function otpWords(bytes: Uint8Array): number[] {
  const words: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    words.push((bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0);
  }
  return words;
}

export async function readOtp(
  client: DfuClient,
  altMap: PhaseAltMap,
  call: CallOptions = {},
): Promise<OtpRead> {
  const read = await readVirtual(client, altMap, PHASE.otp, call);
  return { ...read, words: otpWords(read.bytes) };
}

export function readPmicNvm(
  client: DfuClient,
  altMap: PhaseAltMap,
  call: CallOptions = {},
): Promise<VirtualPartitionRead> {
  return readVirtual(client, altMap, PHASE.pmic, call);
}
