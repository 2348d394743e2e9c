import { hex } from './dfu-codes.js';

/**
 * Per-SoC facts the simulated boards need: identities (§2.3), alternate lists (§2.4), buffers and
 * addresses (§1.1, §4.2, §6.1). Everything here is quoted from the protocol document; where the document
 * says UNCERTAIN the choice is named in a comment.
 */
export type SimSoc = 'mp15' | 'mp13' | 'mp25';

export interface SocProfile {
  soc: SimSoc;
  /** `@Device ID` (§2.3). */
  deviceId: number;
  /** Revision TF-A and U-Boot report by default (the silicon revision / MP25 OTP REVID). */
  defaultRevisionId: number;
  defaultPartNumber: string;
  revisionLetters: Readonly<Record<number, string>>;
  /** OTP words holding the UID that becomes the serial (§2.3 serial derivation). */
  uidOtpWords: readonly [number, number, number];
  /** STM32 header version the ROM accepts for the FSBL (§6.1, §6.2 #3). */
  fsblHeaderVersion: number;
  /** FSBL payload limit at the ROM (§3.4; MP25 UNCERTAIN: the alt advertises 256 KiB, used here). */
  fsblMaxPayloadBytes: number;
  romAlts: readonly string[];
  romFsblAlt: number;
  romVirtualAlt: number;
  /** Where the ROM says it loads the FSBL in its GetPhase reply (§9.1; content UNCERTAIN). */
  sysramBase: number;
  /** U-Boot `CONFIG_SYS_LOAD_ADDR`, the phase-0 address in GetPhase (§4.2). */
  ubootLoadAddress: number;
  dramBase: number;
  /** TF-A FIP buffer (§1.1, §6.3, T5). */
  fipBufferBase: number;
  fipBufferSizeBytes: number;
  /** MP2 DDR-FIP buffer in SYSRAM (§1.1). */
  ddrFipBufferBase: number | null;
  ddrFipBufferSizeBytes: number;
  /** Current TF-A alternates (§2.4); MP15 TF-A keeps the ROM configuration. */
  tfaAlts: readonly string[];
  /** TF-A alt index → phase it accepts (§3.3). */
  tfaAltPhases: Readonly<Record<number, number>>;
  /** U-Boot OTP alt size when an OTP service exists (§2.4 notes). */
  otpAltSizeBytes: number;
  /** Whether U-Boot shows the PMIC NVM alt by default (STPMIC1 boards). */
  pmicAltByDefault: boolean;
}

const MP15_ROM_ALTS = [
  '@Partition0 /0x00/1*256Ke',
  '@FSBL /0x01/1*1Me',
  '@Partition2 /0x02/1*1Me',
  '@Partition3 /0x03/1*16Me',
  '@Partition4 /0x04/1*16Me',
  '@virtual /0xF1/1*512Ba',
] as const;

export const SOC_PROFILES: Readonly<Record<SimSoc, SocProfile>> = {
  mp15: {
    soc: 'mp15',
    deviceId: 0x500,
    defaultRevisionId: 0x2000,
    defaultPartNumber: 'STM32MP157CAA',
    revisionLetters: { 0x1000: 'A', 0x2000: 'B', 0x2001: 'Z', 0x2003: 'Y' },
    uidOtpWords: [13, 14, 15],
    fsblHeaderVersion: 0x00010000,
    fsblMaxPayloadBytes: 247 * 1024,
    romAlts: MP15_ROM_ALTS,
    romFsblAlt: 1,
    romVirtualAlt: 5,
    sysramBase: 0x2ffc0000,
    ubootLoadAddress: 0xc2000000,
    dramBase: 0xc0000000,
    fipBufferBase: 0xc7000000,
    fipBufferSizeBytes: 0x01000000,
    ddrFipBufferBase: null,
    ddrFipBufferSizeBytes: 0,
    tfaAlts: MP15_ROM_ALTS,
    // alt 0 (Partition0) only takes phase 0x00 in the legacy flow (§4.3); see tfa-stage.ts.
    tfaAltPhases: { 3: 0x03, 5: 0xf1 },
    otpAltSizeBytes: 776,
    pmicAltByDefault: true,
  },
  mp13: {
    soc: 'mp13',
    deviceId: 0x501,
    defaultRevisionId: 0x1003,
    defaultPartNumber: 'STM32MP135FAF',
    // The document gives the ROM values 0x1001/0x1003 and "Rev.Y" for a TF-A of that era; the letter map
    // follows the MP15 pattern (UNCERTAIN).
    revisionLetters: { 0x1000: 'A', 0x1001: 'Z', 0x1003: 'Y' },
    uidOtpWords: [13, 14, 15],
    fsblHeaderVersion: 0x00020000,
    fsblMaxPayloadBytes: 128 * 1024,
    // The alt after FSBL is "probably @virtual" (§2.4, UNCERTAIN): modelled at index 1.
    romAlts: ['@FSBL /0x01/1*128Ke', '@virtual /0xF1/1*512Ba'],
    romFsblAlt: 0,
    romVirtualAlt: 1,
    sysramBase: 0x2ffe0000,
    ubootLoadAddress: 0xc2000000,
    dramBase: 0xc0000000,
    fipBufferBase: 0xc7000000,
    fipBufferSizeBytes: 0x01000000,
    ddrFipBufferBase: null,
    ddrFipBufferSizeBytes: 0,
    tfaAlts: ['@SSBL /0x03/1*16Me', '@virtual /0xF1/1*512Ba'],
    tfaAltPhases: { 0: 0x03, 1: 0xf1 },
    otpAltSizeBytes: 776,
    pmicAltByDefault: true,
  },
  mp25: {
    soc: 'mp25',
    deviceId: 0x505,
    defaultRevisionId: 0x0011,
    defaultPartNumber: 'STM32MP257FAI',
    revisionLetters: { 0x08: 'A', 0x09: 'Z', 0x10: 'B', 0x11: 'Y', 0x12: 'X' },
    uidOtpWords: [5, 6, 7],
    fsblHeaderVersion: 0x00020200,
    fsblMaxPayloadBytes: 256 * 1024,
    // Position of the virtual alt UNCERTAIN (§2.4): modelled at index 1.
    romAlts: ['@FSBL /0x01/1*256Ke', '@virtual /0xF1/1*512Ba'],
    romFsblAlt: 0,
    romVirtualAlt: 1,
    sysramBase: 0x0e000000,
    ubootLoadAddress: 0x84000000,
    dramBase: 0x80000000,
    fipBufferBase: 0x87000000,
    fipBufferSizeBytes: 0x01000000,
    ddrFipBufferBase: 0x0e000000,
    ddrFipBufferSizeBytes: 0xa000,
    tfaAlts: ['@DDR FIP /0x02/1*32Ke', '@FIP /0x03/1*16Me', '@virtual /0xF1/1*512Ba'],
    tfaAltPhases: { 0: 0x02, 1: 0x03, 2: 0xf1 },
    otpAltSizeBytes: 2952,
    pmicAltByDefault: false,
  },
};

/** The revision the ROM prints: MP15 always 0x0000, MP25 0x2000, MP13 the real one (§2.3). */
export function romRevisionId(profile: SocProfile, revisionId: number): number {
  if (profile.soc === 'mp15') return 0x0000;
  if (profile.soc === 'mp25') return 0x2000;
  return revisionId;
}

/** `@Name` value: `STM32MP157CAA Rev.B`; a closed MP15 reports `SEC/C` with no revision (§2.3). */
export function socName(
  profile: SocProfile,
  partNumber: string,
  revisionId: number,
  closed: boolean,
): string {
  if (closed && profile.soc === 'mp15') return `${partNumber} SEC/C`;
  const letter = profile.revisionLetters[revisionId] ?? '?';
  return `${partNumber} Rev.${letter}`;
}

export function romProduct(profile: SocProfile, revisionId: number, fullSpeed: boolean): string {
  const mode = fullSpeed ? 'FS' : 'HS';
  return `DFU in ${mode} Mode @Device ID /0x${hex(profile.deviceId, 3)}, @Revision ID /0x${hex(romRevisionId(profile, revisionId), 4)}`;
}

export function tfaProduct(profile: SocProfile, revisionId: number, name: string): string {
  return `DFU @Device ID /0x${hex(profile.deviceId, 3)}, @Revision ID /0x${hex(revisionId, 4)}, @Name /${name},`;
}

/** No space before `@Device`, trailing comma (§2.3, S2). */
export function ubootProduct(profile: SocProfile, revisionId: number, name: string): string {
  return `USB download gadget@Device ID /0x${hex(profile.deviceId, 3)}, @Revision ID /0x${hex(revisionId, 4)}, @Name /${name},`;
}

/** `%08X%08X%08X` of the three UID words, in word order (§2.3). */
export function serialFromUid(uidWords: readonly [number, number, number]): string {
  return uidWords.map((w) => hex(w >>> 0, 8)).join('');
}

/**
 * U-Boot's alt size text (§2.4): strict comparisons and truncating division, so it is a lower bound.
 */
export function ubootSizeText(sizeBytes: number): string {
  const KiB = 1024;
  const MiB = KiB * 1024;
  const GiB = MiB * 1024;
  if (sizeBytes > GiB) return `${Math.floor(sizeBytes / GiB)}G`;
  if (sizeBytes > MiB) return `${Math.floor(sizeBytes / MiB)}M`;
  if (sizeBytes > KiB) return `${Math.floor(sizeBytes / KiB)}K`;
  return `${sizeBytes}B`;
}

/** `@name/0xid/1*<size><mult><e|a>`, lowercase two-digit id, at most 31 characters (§2.4, S6). */
export function ubootAltString(name: string, phaseId: number, sizeBytes: number, writable: boolean): string {
  const text = `@${name}/0x${phaseId.toString(16).padStart(2, '0')}/1*${ubootSizeText(sizeBytes)}${writable ? 'e' : 'a'}`;
  return text.slice(0, 31);
}

export function ubootVirtualAlt(name: string, phaseId: number, sizeBytes: number): string {
  return `@${name}/0x${phaseId.toString(16).padStart(2, '0')}/1*${sizeBytes}Be`;
}
