/**
 * Problems found in a FlashLayout and its binaries. Every problem is located (line + field, or null for
 * the whole file) and says what was expected and what to do. The catalogue below is the one list of
 * codes; the README table is generated from it.
 */
export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Column of the row a problem points at; `row` = the row as a whole. */
export type LayoutField = 'opt' | 'id' | 'name' | 'type' | 'ip' | 'offset' | 'binary' | 'row';

/**
 * Which check found it. `syntax` and `semantic` mirror U-Boot's parse_flash_layout and
 * treat_partition_list exactly (a `syntax` error means U-Boot refuses the file while parsing);
 * `device` mirrors U-Boot's init_device checks that need no real device; `host` are this tool's own
 * rules; `file` is about the bytes of the layout; `image` about the binaries.
 */
export type ProblemPass = 'file' | 'syntax' | 'semantic' | 'device' | 'host' | 'image';

export interface LayoutProblem {
  severity: ProblemSeverity;
  code: LayoutProblemCode;
  /** 1-based physical line of the layout (comments and blank lines count), null for the whole file. */
  line: number | null;
  field: LayoutField | null;
  message: string;
  hint: string | null;
}

interface CatalogueEntry {
  severity: ProblemSeverity;
  pass: ProblemPass;
  meaning: string;
}

export const LAYOUT_PROBLEM_CATALOGUE = {
  // file
  'not-text': {
    severity: 'error',
    pass: 'file',
    meaning: 'The layout has a NUL or control byte, or is not UTF-8.',
  },
  'layout-wrapped': {
    severity: 'info',
    pass: 'file',
    meaning: 'The layout is wrapped in an STM32 v1 header; the payload was unwrapped.',
  },
  // syntax (U-Boot parse_flash_layout)
  'empty-file': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'The layout is 0 bytes; U-Boot refuses it (-EINVAL).',
  },
  bom: {
    severity: 'error',
    pass: 'syntax',
    meaning: 'UTF-8 byte-order mark at the start; U-Boot reads it as data.',
  },
  'too-many-partitions': {
    severity: 'error',
    pass: 'syntax',
    meaning: "More than 240 possible rows by U-Boot's line count ('too many partition').",
  },
  'no-partition': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'No data row at all (U-Boot: "no partition found").',
  },
  'header-not-comment': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'A header or comment line that does not start with "#" as its first byte, so it is data.',
  },
  'space-instead-of-tab': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'A space inside Opt/Id/Type/IP/Offset: columns are separated by TAB only.',
  },
  'template-placeholder': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'An unsubstituted @@VAR@@ / %VAR% placeholder in a column U-Boot parses.',
  },
  'too-few-fields': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'Fewer than 6 columns (U-Boot: "no enought column").',
  },
  'unknown-opt': { severity: 'error', pass: 'syntax', meaning: 'Opt is neither "-" nor letters from P/E/D.' },
  'opt-missing-p': { severity: 'error', pass: 'syntax', meaning: 'Opt has E or D letters without P.' },
  'invalid-id': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'Id is not a number (0x hex, 0 octal, decimal).',
  },
  'id-out-of-range': { severity: 'error', pass: 'syntax', meaning: 'Id is above 0xF0 (reserved phases).' },
  'name-too-long': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'Name is longer than 16 bytes (GPT limit).',
  },
  'unknown-type': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'Type is not one U-Boot knows (case-sensitive).',
  },
  'unknown-ip': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'IP is not none, mmcN, norN, nandN, spi-nandN (one digit) or ram…',
  },
  'invalid-offset': {
    severity: 'error',
    pass: 'syntax',
    meaning: 'Offset is not boot1/boot2, 0x-hex or decimal (none is not accepted).',
  },
  'trailing-tab': {
    severity: 'warning',
    pass: 'syntax',
    meaning:
      'Row ends with a TAB: U-Boot would misparse/drop it if sent verbatim (this tool sends a cleaned copy).',
  },
  'too-many-fields': {
    severity: 'warning',
    pass: 'syntax',
    meaning: 'More than 7 columns; the extra ones are ignored.',
  },
  'id-octal': {
    severity: 'warning',
    pass: 'syntax',
    meaning: 'Id with a leading 0 is octal for U-Boot (010 = 0x08).',
  },
  'type-needs-recent-uboot': {
    severity: 'info',
    pass: 'syntax',
    meaning: 'Type FIP/FWU_MDATA/ENV/ESP is refused by older U-Boot versions.',
  },
  // semantic (U-Boot treat_partition_list)
  'selected-none-phase': {
    severity: 'warning',
    pass: 'semantic',
    meaning: 'P on an IP none row: fine for STM32CubeProgrammer, refused by U-Boot.',
  },
  'invalid-phase': {
    severity: 'error',
    pass: 'semantic',
    meaning: 'Id 0x00 on a device row (0x00 is the layout).',
  },
  'duplicate-id': {
    severity: 'error',
    pass: 'semantic',
    meaning: 'A device row shares its Id with a later row.',
  },
  'too-many-devices': { severity: 'error', pass: 'semantic', meaning: 'More than 5 distinct devices.' },
  // device (U-Boot init_device rules that need no real device)
  'offset-overlap': {
    severity: 'error',
    pass: 'device',
    meaning: 'Two rows at the same offset on one device (U-Boot: "same address").',
  },
  'offset-below-gpt': {
    severity: 'error',
    pass: 'device',
    meaning: 'MMC offset below 0x4400, inside the GPT (U-Boot: "invalid address").',
  },
  'offset-misaligned': {
    severity: 'error',
    pass: 'device',
    meaning: 'MMC offset not a multiple of 512 bytes (U-Boot: "not aligned address").',
  },
  'boot-partition-not-mmc': {
    severity: 'error',
    pass: 'device',
    meaning: 'boot1/boot2 on a device that is not MMC.',
  },
  'binary-copies-unsupported': {
    severity: 'error',
    pass: 'device',
    meaning: 'Binary(N>1) outside NAND/SPI-NAND fsbl* rows with Id < 0x10.',
  },
  'partial-update': {
    severity: 'info',
    pass: 'device',
    meaning: 'A device has unselected rows: U-Boot requires its existing partition table to match.',
  },
  // host (this tool's rules)
  'value-too-large': {
    severity: 'error',
    pass: 'host',
    meaning: 'A number above 2^53-1 (Number.MAX_SAFE_INTEGER) cannot be handled exactly.',
  },
  'duplicate-boot-id': {
    severity: 'warning',
    pass: 'host',
    meaning: 'Two IP none rows share an Id; the first one is used.',
  },
  'missing-fsbl': { severity: 'error', pass: 'host', meaning: 'No 0x01 row: nothing to give the ROM.' },
  'missing-fip': {
    severity: 'error',
    pass: 'host',
    meaning: 'Device rows but no 0x03 row: nothing loads U-Boot to write them.',
  },
  'missing-ddr-fip': {
    severity: 'warning',
    pass: 'host',
    meaning: 'STM32MP2 layout without the 0x02 DDR FIP row.',
  },
  'unused-row': {
    severity: 'info',
    pass: 'host',
    meaning: 'An IP none row whose Id no boot stage asks for.',
  },
  'missing-binary': {
    severity: 'error',
    pass: 'host',
    meaning: 'A row that must be downloaded has no file, or its file does not exist.',
  },
  'template-binary': {
    severity: 'error',
    pass: 'host',
    meaning: 'Binary still holds an @@VAR@@ / %VAR% placeholder (a template).',
  },
  'binary-not-a-file': {
    severity: 'error',
    pass: 'host',
    meaning: 'Binary names a directory or special file.',
  },
  'binary-unreadable': {
    severity: 'error',
    pass: 'host',
    meaning: 'Binary exists but cannot be opened or read.',
  },
  'no-binary': {
    severity: 'warning',
    pass: 'host',
    meaning: 'A P row with Binary none: the partition stays unwritten.',
  },
  'binary-too-large': {
    severity: 'error',
    pass: 'host',
    meaning: 'Binary is larger than the room before the next partition on the device.',
  },
  'soc-conflict': {
    severity: 'warning',
    pass: 'host',
    meaning: 'Layout and images point at different SoCs.',
  },
  // image (STM32 header, FIP)
  'stm32-bad-magic': {
    severity: 'error',
    pass: 'image',
    meaning: 'Image that must carry an STM32 header does not.',
  },
  'stm32-unknown-version': {
    severity: 'error',
    pass: 'image',
    meaning: 'STM32 header version is not 1, 2.0, 2.2 or 2.3.',
  },
  'stm32-version-mismatch': {
    severity: 'error',
    pass: 'image',
    meaning: 'STM32 header version does not match the SoC given.',
  },
  'stm32-reserved-nonzero': {
    severity: 'error',
    pass: 'image',
    meaning: 'Reserved/padding header fields are not 0, or the v2 extension headers do not add up.',
  },
  'stm32-truncated': {
    severity: 'error',
    pass: 'image',
    meaning: 'File shorter than header + image_length.',
  },
  'stm32-checksum': {
    severity: 'error',
    pass: 'image',
    meaning: 'Payload byte sum differs from the header checksum.',
  },
  'stm32-entry-suspicious': {
    severity: 'warning',
    pass: 'image',
    meaning: 'Entry point is 0 or outside [load address, load address + length).',
  },
  'fsbl-too-large': {
    severity: 'error',
    pass: 'image',
    meaning: "FSBL payload above the ROM's limit for the SoC.",
  },
  'fsbl-not-usb': {
    severity: 'warning',
    pass: 'image',
    meaning: "The 0x01 FSBL does not look like TF-A's USB/programmer build.",
  },
  'fip-invalid': {
    severity: 'error',
    pass: 'image',
    meaning: 'FIP expected but TOC magic/serial wrong or entries past end of file.',
  },
  'fip-tbb': {
    severity: 'info',
    pass: 'image',
    meaning: 'FIP carries trusted-board-boot certificates (signed boot chain).',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type LayoutProblemCode = keyof typeof LAYOUT_PROBLEM_CATALOGUE;

export const LAYOUT_PROBLEM_CODES = Object.keys(LAYOUT_PROBLEM_CATALOGUE) as LayoutProblemCode[];

export function isLayoutProblemCode(value: unknown): value is LayoutProblemCode {
  return typeof value === 'string' && Object.hasOwn(LAYOUT_PROBLEM_CATALOGUE, value);
}

/** Builds a problem with the catalogue's severity, so a code can never carry two severities. */
export function layoutProblem(
  code: LayoutProblemCode,
  line: number | null,
  field: LayoutField | null,
  message: string,
  hint: string | null = null,
): LayoutProblem {
  return { severity: LAYOUT_PROBLEM_CATALOGUE[code].severity, code, line, field, message, hint };
}

export function countBySeverity(problems: readonly LayoutProblem[]): Record<ProblemSeverity, number> {
  const counts: Record<ProblemSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const problem of problems) counts[problem.severity] += 1;
  return counts;
}
