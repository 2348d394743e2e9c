/**
 * Alternate-setting names, ST MPU style (protocol §2.4): DfuSe UM0424 syntax reused with the phase ID
 * in the address field, in two spellings:
 *   ROM / TF-A:  `@FSBL /0x01/1*128Ke`, `@DDR FIP /0x02/1*32Ke` (space before '/', uppercase hex)
 *   U-Boot:      `@fsbl1/0x04/1*256Ke`, `@virtual/0xf1/1*512Be` (no space, lowercase hex)
 * Grammar: '@' NAME [spaces] '/' '0x' HEX '/' COUNT '*' SIZE [MULT] TYPE [',' segment]… with
 * MULT ∈ B K M G (G is ST's extension) and TYPE ∈ a..g, access bits = TYPE & 7.
 * Never throws: a string that is not this shape is `null`.
 */

export interface AltAccess {
  readable: boolean;
  erasable: boolean;
  writable: boolean;
}

export type AltKind =
  | 'readable'
  | 'erasable'
  | 'readable-erasable'
  | 'writable'
  | 'readable-writable'
  | 'erasable-writable'
  | 'readable-erasable-writable'
  | 'mixed';

export interface AltSegment {
  count: number;
  /** SIZE × MULT of one unit. */
  unitBytes: number;
  /** count × unitBytes. */
  sizeBytes: number;
  typeLetter: string;
  access: AltAccess;
}

export interface ParsedAltName {
  raw: string;
  /** Trimmed; may contain spaces (`DDR FIP`). */
  name: string;
  phaseId: number;
  /**
   * Sum of the segments. U-Boot truncates when it prints (1.5 GiB shows as `1*1Ge`), so this is a
   * lower bound. Null when the ID parsed but the segment list did not (still mappable by phase).
   */
  sizeBytes: number | null;
  /** ST uses `e` for a partition the host may write and `a` for read-only ones. Null when unparsed. */
  kind: AltKind | null;
  segments: AltSegment[];
}

const MULTIPLIERS: Record<string, number> = { '': 1, ' ': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

const KIND_BY_BITS: Record<number, Exclude<AltKind, 'mixed'>> = {
  1: 'readable',
  2: 'erasable',
  3: 'readable-erasable',
  4: 'writable',
  5: 'readable-writable',
  6: 'erasable-writable',
  7: 'readable-erasable-writable',
};

const HEADER = /^@([^/]*)\/\s*0[xX]([0-9A-Fa-f]{1,8})\s*\/(.*)$/s;
const SEGMENT = /^\s*(\d+)\s*\*\s*(\d+)\s*([BKMG ]?)\s*([a-g])\s*$/;

export function accessFromTypeLetter(letter: string): AltAccess {
  const bits = letter.charCodeAt(0) & 7;
  return { readable: (bits & 1) !== 0, erasable: (bits & 2) !== 0, writable: (bits & 4) !== 0 };
}

function kindOf(letter: string): Exclude<AltKind, 'mixed'> {
  return KIND_BY_BITS[letter.charCodeAt(0) & 7] ?? 'readable';
}

function parseSegments(text: string): AltSegment[] | null {
  // Only the first address group matters on ST parts; DfuSe allows more after another '/'.
  const group = text.split('/')[0] ?? '';
  const segments: AltSegment[] = [];
  for (const part of group.split(',')) {
    const match = SEGMENT.exec(part);
    if (!match) return null;
    const count = Number.parseInt(match[1]!, 10);
    const unitBytes = Number.parseInt(match[2]!, 10) * MULTIPLIERS[match[3]!]!;
    const typeLetter = match[4]!;
    segments.push({
      count,
      unitBytes,
      sizeBytes: count * unitBytes,
      typeLetter,
      access: accessFromTypeLetter(typeLetter),
    });
  }
  return segments.length > 0 ? segments : null;
}

export function parseAltName(raw: string | null | undefined): ParsedAltName | null {
  if (typeof raw !== 'string') return null;
  const match = HEADER.exec(raw.trim());
  if (!match) return null;
  const name = match[1]!.trim();
  const id = Number.parseInt(match[2]!, 16);
  // A DfuSe memory address (0x08000000) is not an ST phase.
  if (name.length === 0 || id > 0xff) return null;
  const segments = parseSegments(match[3]!);
  if (!segments) return { raw, name, phaseId: id, sizeBytes: null, kind: null, segments: [] };
  const kinds = new Set(segments.map((s) => kindOf(s.typeLetter)));
  return {
    raw,
    name,
    phaseId: id,
    sizeBytes: segments.reduce((sum, s) => sum + s.sizeBytes, 0),
    kind: kinds.size === 1 ? [...kinds][0]! : 'mixed',
    segments,
  };
}
