import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import { parseAltName } from './alt-name.js';
import { isPartitionPhase, PHASE } from './phase-ids.js';

/**
 * Which firmware answers, on which SoC, from one BoardIdentity snapshot (protocol §2.3 "host stage
 * detection"). Classification is by product-string prefix, never by PID or bcdDevice (U-Boot boards
 * without ST's fixup show PID 0x5720, vendor U-Boots change the manufacturer).
 */
export type StageId = 'rom' | 'tf-a' | 'u-boot-layout' | 'u-boot-partitions';
export type SocFamily = 'stm32mp15' | 'stm32mp13' | 'stm32mp2';
export type SocId = 'stm32mp15' | 'stm32mp13' | 'stm32mp21' | 'stm32mp23' | 'stm32mp25';

export interface StageDetection {
  stage: StageId | 'unknown';
  family: SocFamily | null;
  /** Set when the SoC is known exactly; 0x505 without `@Name` is MP25 or MP23. */
  soc: SocId | null;
  socCandidates: SocId[];
  deviceId: number | null;
  revisionId: number | null;
  /** `@Name /…` (TF-A and U-Boot ≥ v2020.10), e.g. `STM32MP157CAA Rev.B`. */
  socName: string | null;
  /** ROM only: `DFU in HS Mode` / `DFU in FS Mode`. FS on a ROM means a cable/hub/port problem. */
  romUsbMode: 'HS' | 'FS' | null;
  /** Things the caller must keep in mind (ambiguities that only GetPhase or history can settle). */
  notes: string[];
}

const SOC_BY_DEVICE_ID: Record<number, { family: SocFamily; candidates: SocId[] }> = {
  0x500: { family: 'stm32mp15', candidates: ['stm32mp15'] },
  0x501: { family: 'stm32mp13', candidates: ['stm32mp13'] },
  0x503: { family: 'stm32mp2', candidates: ['stm32mp21'] },
  0x505: { family: 'stm32mp2', candidates: ['stm32mp25', 'stm32mp23'] },
};

export interface ProductFields {
  deviceId: number | null;
  revisionId: number | null;
  socName: string | null;
}

/** Parses `@Device ID /0x…`, `@Revision ID /0x…` and `@Name /…,` out of a product string. */
export function parseProductFields(product: string): ProductFields {
  const device = /@Device ID\s*\/\s*0x([0-9A-Fa-f]+)/.exec(product);
  const revision = /@Revision ID\s*\/\s*0x([0-9A-Fa-f]+)/.exec(product);
  // F2 shows a TF-A string with a bare ", /STM32MP257FAI Rev.Y," (probably forum markup); accept both.
  const name =
    /@Name\s*\/([^,]*)/.exec(product) ?? /@Revision ID\s*\/\s*0x[0-9A-Fa-f]+\s*,\s*\/([^,]*)/.exec(product);
  const socName = name?.[1]?.trim() ?? '';
  return {
    deviceId: device ? Number.parseInt(device[1]!, 16) : null,
    revisionId: revision ? Number.parseInt(revision[1]!, 16) : null,
    socName: socName.length > 0 ? socName : null,
  };
}

function classifyProduct(
  product: string,
): { stage: 'rom' | 'tf-a' | 'u-boot'; romUsbMode: 'HS' | 'FS' | null } | null {
  const text = product.trimStart();
  if (text.startsWith('DFU in HS Mode')) return { stage: 'rom', romUsbMode: 'HS' };
  if (text.startsWith('DFU in FS Mode')) return { stage: 'rom', romUsbMode: 'FS' };
  if (text.startsWith('DFU @Device ID')) return { stage: 'tf-a', romUsbMode: null };
  if (text.startsWith('USB download gadget')) return { stage: 'u-boot', romUsbMode: null };
  return null;
}

/**
 * U-Boot 1st vs 2nd enumeration from the alt list (§2.4): the 1st has FlashLayout (0x00) plus the
 * virtual/OTP/PMIC alts only; the 2nd has one alt per layout partition (0x01–0xF0).
 */
export function classifyUbootAlts(alts: BoardIdentity['alts']): 'u-boot-layout' | 'u-boot-partitions' | null {
  const phases = alts.map((a) => parseAltName(a.name)?.phaseId).filter((p): p is number => p !== undefined);
  if (phases.some(isPartitionPhase)) return 'u-boot-partitions';
  if (phases.includes(PHASE.flashLayout)) return 'u-boot-layout';
  return null;
}

function socFrom(deviceId: number | null, socName: string | null) {
  const entry = deviceId === null ? undefined : SOC_BY_DEVICE_ID[deviceId];
  if (!entry) return { family: null, candidates: [] as SocId[] };
  let candidates = entry.candidates;
  if (candidates.length > 1 && socName) {
    const named = candidates.filter((c) => socName.toUpperCase().startsWith(c.toUpperCase()));
    if (named.length > 0) candidates = named;
  }
  return { family: entry.family, candidates };
}

export function detectStage(identity: Pick<BoardIdentity, 'product' | 'alts'>): StageDetection {
  const product = identity.product ?? '';
  const fields = parseProductFields(product);
  const { family, candidates } = socFrom(fields.deviceId, fields.socName);
  const notes: string[] = [];
  const base = {
    family,
    soc: candidates.length === 1 ? candidates[0]! : null,
    socCandidates: candidates,
    ...fields,
  };
  if (fields.deviceId !== null && family === null)
    notes.push(`unknown device ID 0x${fields.deviceId.toString(16)}`);
  const classified = classifyProduct(product);
  if (!classified) {
    notes.push(
      identity.product === null ? 'no product string' : 'product string is not an STM32MP DFU stage',
    );
    return { ...base, stage: 'unknown', romUsbMode: null, notes };
  }
  if (classified.stage === 'rom') {
    if (classified.romUsbMode === 'FS')
      notes.push('the ROM enumerated at full speed: check the cable, hub and port');
    if (family === 'stm32mp15') {
      notes.push(
        'ST TF-A ≤ v2.2 uses this same product string, and current TF-A keeps the ROM enumeration on MP15: after an FSBL download only GetPhase tells ROM and TF-A apart',
      );
    }
    return { ...base, stage: 'rom', romUsbMode: classified.romUsbMode, notes };
  }
  if (classified.stage === 'tf-a') return { ...base, stage: 'tf-a', romUsbMode: null, notes };

  const enumeration = classifyUbootAlts(identity.alts);
  if (enumeration === 'u-boot-layout') {
    notes.push(
      'a device-init error in the 2nd enumeration also shows only FlashLayout/virtual alts: GetPhase decides (0xFF = error)',
    );
  }
  if (enumeration === null) {
    notes.push('U-Boot alt list has neither a FlashLayout nor a partition alt; treating as the layout stage');
  }
  return { ...base, stage: enumeration ?? 'u-boot-layout', romUsbMode: null, notes };
}
