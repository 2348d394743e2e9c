import type {
  DeviceKind,
  PartitionDevice,
  PartitionFlags,
  PartitionType,
} from '../../shared/domain/flash-plan.js';
import type { LayoutProblemCode } from '../../shared/domain/layout-problem.js';

/**
 * One function per FlashLayout column, each a port of the matching U-Boot parse_* function
 * (arch/arm/mach-stm32mp/cmd_stm32prog/stm32prog.c, mainline). A failure carries both U-Boot's own
 * message (for the verdict emulation) and this tool's problem code and advice.
 */
export type FieldResult<T> =
  | { ok: true; value: T }
  | { ok: false; ubootMessage: string; code: LayoutProblemCode; message: string; hint: string };

/** Ids above this are reserved phases (0xF1 CMD, 0xF2 OTP, 0xFE END, 0xFF RESET). */
export const PHASE_LAST_USER = 0xf0;

const encoder = new TextEncoder();

/** U-Boot measures with strlen(): bytes, not characters. */
export function utf8ByteLength(text: string): number {
  return encoder.encode(text).length;
}

/** How U-Boot prints one `%c` of a string: the first byte of a non-ASCII character shows as \xNN. */
function cChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return char;
  return `\\x${(encoder.encode(char)[0] ?? 0).toString(16)}`;
}

function fail<T>(
  ubootMessage: string,
  code: LayoutProblemCode,
  message: string,
  hint: string,
): FieldResult<T> {
  return { ok: false, ubootMessage, code, message, hint };
}

export function parseOptField(text: string): FieldResult<PartitionFlags> {
  const flags: PartitionFlags = { program: false, empty: false, delete: false };
  if (text === '-') return { ok: true, value: flags };
  for (const char of text) {
    if (char === 'P') flags.program = true;
    else if (char === 'E') flags.empty = true;
    else if (char === 'D') flags.delete = true;
    else {
      return fail(
        `invalid option '${cChar(char)}' in ${text})`,
        'unknown-opt',
        `Opt '${text}' has '${char}': expected '-' or the letters P, E, D (upper case).`,
        "Use '-' (leave alone), P (program), PE (create empty), PD (erase then program) or PED (erase).",
      );
    }
  }
  if (!flags.program) {
    return fail(
      `missing 'P' in option ${text}`,
      'opt-missing-p',
      `Opt '${text}' has no P: E and D only make sense on a selected row.`,
      `Write 'P${text}' to select the row, or '-' to leave it alone.`,
    );
  }
  return { ok: true, value: flags };
}

function hexDigitValue(char: string): number | null {
  const code = char.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return null;
}

/**
 * U-Boot's simple_strtoull with _parse_integer_fixup_radix: a 0x/0X prefix always means hex; with
 * base 0 a leading 0 means octal. Returns the value and how many characters were consumed. BigInt
 * because offsets are u64.
 */
export function ubootStrtoull(text: string, base: 0 | 10): { value: bigint; consumed: number } {
  let radix: number = base;
  let index = 0;
  if (text[0] === '0') {
    if (text[1] === 'x' || text[1] === 'X') {
      radix = 16;
      index = 2;
    } else if (radix === 0) {
      radix = 8;
      index = 1;
    }
  }
  if (radix === 0) radix = 10;
  let value = 0n;
  while (index < text.length) {
    const digit = hexDigitValue(text[index] ?? '');
    if (digit === null || digit >= radix) break;
    value = value * BigInt(radix) + BigInt(digit);
    index += 1;
  }
  return { value, consumed: index };
}

export interface ParsedId {
  phaseId: number;
  /** Set when a leading 0 made U-Boot read the Id as octal. */
  octal: boolean;
}

export function parseIdField(text: string): FieldResult<ParsedId> {
  const { value, consumed } = ubootStrtoull(text, 0);
  const ubootMessage = `invalid phase value = ${text}`;
  if (consumed === 0 || consumed !== text.length) {
    return fail(
      ubootMessage,
      'invalid-id',
      `Id '${text}' is not a number.`,
      'Write the Id as 0x followed by two hex digits, e.g. 0x04.',
    );
  }
  if (value > BigInt(PHASE_LAST_USER)) {
    return fail(
      ubootMessage,
      'id-out-of-range',
      `Id '${text}' is 0x${value.toString(16).toUpperCase()}, above 0xF0.`,
      'Ids 0xF1-0xFF are reserved phases (CMD, OTP, PMIC, END, RESET); use 0x10-0xF0 for user partitions.',
    );
  }
  return { ok: true, value: { phaseId: Number(value), octal: /^0[0-7]+$/.test(text) } };
}

export function parseNameField(text: string): FieldResult<string> {
  const length = utf8ByteLength(text);
  if (length > 16) {
    return fail(
      `partition name too long [${length}]: ${text}`,
      'name-too-long',
      `Name '${text}' is ${length} bytes; GPT names hold at most 16.`,
      'Shorten the name to 16 characters or fewer.',
    );
  }
  return { ok: true, value: text };
}

export interface ParsedType {
  partType: PartitionType;
  binaryCopies: number;
}

const EXACT_TYPES: readonly PartitionType[] = [
  'FIP',
  'FWU_MDATA',
  'ENV',
  'System',
  'ESP',
  'FileSystem',
  'RawImage',
];

export function parseTypeField(text: string): FieldResult<ParsedType> {
  if (text.startsWith('Binary')) {
    const length = utf8ByteLength(text);
    if (length === 6) return { ok: true, value: { partType: 'Binary', binaryCopies: 1 } };
    if (length >= 8 && text[6] === '(' && text.endsWith(')')) {
      // dectoul(): decimal digits up to the first non-digit, 0 when none (Binary() and Binary(x) pass)
      const { value } = ubootStrtoull(text.slice(7), 10);
      return { ok: true, value: { partType: 'Binary', binaryCopies: Number(value & 0xffffffffn) } };
    }
  } else if ((EXACT_TYPES as readonly string[]).includes(text)) {
    return { ok: true, value: { partType: text as PartitionType, binaryCopies: 1 } };
  }
  return fail(
    `type parsing error : '${text}'`,
    'unknown-type',
    `Type '${text}' is not known to U-Boot.`,
    'Use one of Binary, Binary(N), FIP, FWU_MDATA, ENV, System, FileSystem, ESP, RawImage (case matters).',
  );
}

/** null = IP `none`: a row for the ROM/TF-A, not on a flash device. */
export function parseIpField(text: string): FieldResult<PartitionDevice | null> {
  if (text === 'none') return { ok: true, value: null };
  const prefixes: readonly [string, DeviceKind][] = [
    ['mmc', 'mmc'],
    ['nor', 'nor'],
    ['nand', 'nand'],
    ['spi-nand', 'spi-nand'],
  ];
  for (const [prefix, kind] of prefixes) {
    if (!text.startsWith(prefix)) continue;
    const digit = text.slice(prefix.length);
    if (/^[0-9]$/.test(digit)) return { ok: true, value: { kind, instance: Number(digit) } };
    return ipFailure(text);
  }
  // any suffix is accepted after "ram" and the instance is always 0
  if (text.startsWith('ram')) return { ok: true, value: { kind: 'ram', instance: 0 } };
  return ipFailure(text);
}

function ipFailure(text: string): FieldResult<PartitionDevice | null> {
  return fail(
    `ip parsing error: '${text}'`,
    'unknown-ip',
    `IP '${text}' is not a device U-Boot knows.`,
    'Use none (loaded by ROM/TF-A), mmcN, norN, nandN, spi-nandN with one digit N, or ram0.',
  );
}

export interface ParsedOffset {
  /** 0 for boot1/boot2. */
  offset: bigint;
  bootPartition: 1 | 2 | null;
}

export function parseOffsetField(text: string): FieldResult<ParsedOffset> {
  if (text.startsWith('boot')) {
    if (text === 'boot1' || text === 'boot2') {
      return { ok: true, value: { offset: 0n, bootPartition: text === 'boot1' ? 1 : 2 } };
    }
    return fail(
      `invalid part '${text}'`,
      'invalid-offset',
      `Offset '${text}' is not an eMMC hardware boot partition.`,
      'eMMC boot partitions are written boot1 and boot2 exactly.',
    );
  }
  // base 10, but U-Boot's radix fix-up still turns a 0x prefix into hex; leading zeros stay decimal
  const { value, consumed } = ubootStrtoull(text, 10);
  if (consumed === 0 || consumed !== text.length) {
    const hint =
      text === 'none'
        ? "U-Boot refuses 'none' as an offset: write 0x0 (also on IP none rows)."
        : 'Write the offset as 0x-prefixed hex (e.g. 0x00004400), decimal, boot1 or boot2.';
    return fail(`invalid offset '${text}'`, 'invalid-offset', `Offset '${text}' is not a number.`, hint);
  }
  return { ok: true, value: { offset: value, bootPartition: null } };
}

/** U-Boot versions that first accept a Type, for the `type-needs-recent-uboot` note. */
export const TYPE_SINCE: Partial<Record<PartitionType, string>> = {
  FIP: 'mainline v2022.07 (ST v2021.10-stm32mp)',
  FWU_MDATA: 'mainline v2023.07 (ST v2022.10-stm32mp)',
  ENV: 'mainline v2023.07 (ST v2022.10-stm32mp)',
  ESP: 'mainline v2023.07 (ST v2022.10-stm32mp)',
};
