import { payloadChecksum, readStm32Header, isFipToc } from './stm32-image.js';

/**
 * A compact re-implementation of what U-Boot's stm32prog does with phase 0x00 (§5.2, §5.3 and
 * flashlayout-grammar.md §3): byte-scan tokenizer with TAB-run collapsing, CR dropping, `#` comments at
 * the start of a row, 1-based line numbers, the first error only, and the same message texts. Written
 * for the simulator, independent of main/layout.
 */
export type LayoutPartType =
  'Binary' | 'FIP' | 'FWU_MDATA' | 'ENV' | 'System' | 'FileSystem' | 'ESP' | 'RawImage';
export type LayoutTarget = 'none' | 'mmc' | 'nor' | 'nand' | 'spi-nand' | 'ram';

export interface LayoutPart {
  line: number;
  select: boolean;
  empty: boolean;
  delete: boolean;
  id: number;
  name: string;
  type: LayoutPartType;
  /** N of `Binary(N)`; 1 for a plain Binary, 0 otherwise. */
  binaryCopies: number;
  target: LayoutTarget;
  deviceInstance: number;
  /** 1 or 2 for an eMMC `boot1` / `boot2` offset, else 0. */
  hwPartition: 0 | 1 | 2;
  offsetBytes: number;
}

export type LayoutParseResult =
  { ok: true; parts: LayoutPart[]; wrapped: boolean } | { ok: false; message: string };

const PHASE_LAST_USER = 0xf0;
const MAX_DEVICES = 5;
const NAME_MAX = 16;
const SIMPLE_TYPES: readonly LayoutPartType[] = [
  'FIP',
  'FWU_MDATA',
  'ENV',
  'System',
  'FileSystem',
  'ESP',
  'RawImage',
];

class LayoutError extends Error {}

function fail(message: string): never {
  throw new LayoutError(message);
}

/** strict_strtoul(p, 0): `0x` hex, leading `0` octal, else decimal; the whole token; `0x` alone is 0. */
function parseAutoBase(token: string): number | null {
  let digits: string;
  let base: number;
  if (/^0[xX]/.test(token)) {
    digits = token.slice(2);
    base = 16;
    if (digits === '') return 0;
  } else if (token.startsWith('0') && token.length > 1) {
    digits = token.slice(1);
    base = 8;
  } else {
    digits = token;
    base = 10;
  }
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return null;
  return parseInt(digits, base);
}

/** Current mainline offsets: `0x` → hex, otherwise decimal (leading zeros stay decimal), u64. */
function parseOffset(token: string): number | null {
  let digits = token;
  let base = 10;
  if (/^0[xX]/.test(token)) {
    digits = token.slice(2);
    base = 16;
    if (digits === '') return 0;
  }
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/;
  if (digits === '' || !valid.test(digits)) return null;
  return Number(BigInt.asUintN(64, BigInt(base === 16 ? `0x${digits}` : digits)));
}

function parseColumn(column: number, line: number, text: string, part: LayoutPart): void {
  switch (column) {
    case 0: {
      part.select = part.empty = part.delete = false;
      if (text === '-') return;
      for (const c of text) {
        if (c === 'P') part.select = true;
        else if (c === 'E') part.empty = true;
        else if (c === 'D') part.delete = true;
        else fail(`Layout line ${line}: invalid option '${c}' in ${text})`);
      }
      if (!part.select) fail(`Layout line ${line}: missing 'P' in option ${text}`);
      return;
    }
    case 1: {
      const value = parseAutoBase(text);
      if (value === null || value > PHASE_LAST_USER)
        fail(`Layout line ${line}: invalid phase value = ${text}`);
      part.id = value;
      return;
    }
    case 2:
      if (text.length > NAME_MAX)
        fail(`Layout line ${line}: partition name too long [${text.length}]: ${text}`);
      part.name = text;
      return;
    case 3: {
      part.binaryCopies = 0;
      if (text.startsWith('Binary')) {
        part.type = 'Binary';
        part.binaryCopies = 1;
        if (text.length > 6) {
          if (text.length < 8 || text[6] !== '(' || !text.endsWith(')'))
            fail(`Layout line ${line}: type parsing error : '${text}'`);
          const n = /^[0-9]*/.exec(text.slice(7))?.[0] ?? '';
          part.binaryCopies = n === '' ? 0 : parseInt(n, 10);
        }
        return;
      }
      const type = SIMPLE_TYPES.find((t) => t === text);
      if (!type) fail(`Layout line ${line}: type parsing error : '${text}'`);
      part.type = type;
      return;
    }
    case 4: {
      part.deviceInstance = 0;
      let prefix = '';
      if (text === 'none') part.target = 'none';
      else if (text.startsWith('mmc')) [part.target, prefix] = ['mmc', 'mmc'];
      else if (text.startsWith('nor')) [part.target, prefix] = ['nor', 'nor'];
      else if (text.startsWith('nand')) [part.target, prefix] = ['nand', 'nand'];
      else if (text.startsWith('spi-nand')) [part.target, prefix] = ['spi-nand', 'spi-nand'];
      else if (text.startsWith('ram')) part.target = 'ram';
      else fail(`Layout line ${line}: ip parsing error: '${text}'`);
      if (prefix !== '') {
        // Exactly one digit (§5.3).
        const digit = text.slice(prefix.length);
        if (!/^[0-9]$/.test(digit)) fail(`Layout line ${line}: ip parsing error: '${text}'`);
        part.deviceInstance = Number(digit);
      }
      return;
    }
    case 5: {
      part.hwPartition = 0;
      part.offsetBytes = 0;
      if (text.startsWith('boot')) {
        if (text === 'boot1') part.hwPartition = 1;
        else if (text === 'boot2') part.hwPartition = 2;
        else fail(`Layout line ${line}: invalid part '${text}'`);
        return;
      }
      const value = parseOffset(text);
      if (value === null) fail(`Layout line ${line}: invalid offset '${text}'`);
      part.offsetBytes = value;
      return;
    }
  }
}

function emptyPart(): LayoutPart {
  return {
    line: 0,
    select: false,
    empty: false,
    delete: false,
    id: 0,
    name: '',
    type: 'Binary',
    binaryCopies: 0,
    target: 'none',
    deviceInstance: 0,
    hwPartition: 0,
    offsetBytes: 0,
  };
}

function readCString(buf: Uint8Array, start: number): string {
  let end = start;
  while (end < buf.length && buf[end] !== 0) end++;
  return String.fromCharCode(...buf.subarray(start, end));
}

/** The tokenizer and per-column checks (parse_flash_layout). */
function tokenize(buf: Uint8Array, size: number): LayoutPart[] {
  const CR = 0x0d;
  const LF = 0x0a;
  const TAB = 0x09;
  const HASH = 0x23;
  // Expected number of rows: lines, minus lines that start with '#' (the first one always counts).
  let partListSize = 1;
  for (let p = 0; p < size && buf[p] !== 0;) {
    if (buf[p++] === LF) {
      partListSize++;
      if (p < size && buf[p] === HASH) partListSize--;
    }
  }
  if (partListSize > PHASE_LAST_USER) fail(`Layout: too many partition (${partListSize})`);

  const parts: LayoutPart[] = [];
  let part = emptyPart();
  let line = 1;
  let eof = false;
  let p = 0;
  let col = 0;
  let column = 0;
  let endOfLine = false;
  while (!eof) {
    const c = p <= size ? (buf[p] ?? 0) : 0;
    if (c === CR) {
      buf[p] = 0;
      p++;
      continue;
    }
    if (c === 0) {
      endOfLine = true;
      eof = true;
    } else if (c === LF) {
      endOfLine = true;
    } else if (c === HASH && column === 0 && p === col) {
      // A comment runs to the end of the line.
      while (p < size && buf[p] !== 0) if (buf[p++] === LF) break;
      col = p;
      line++;
      if (p >= size || buf[p] === 0) {
        eof = true;
        endOfLine = true;
      }
      continue;
    } else if (c !== TAB) {
      p++;
      continue;
    }
    buf[p] = 0;
    p++;
    if (p >= size) {
      eof = true;
      endOfLine = true;
    }
    const field = readCString(buf, col);
    if (field.length === 0) {
      // Runs of TABs and empty lines; a trailing TAB leaves the row open (grammar §3 "trailing TAB bug").
      col = p;
      if (column === 0 && endOfLine) {
        endOfLine = false;
        line++;
      }
      continue;
    }
    if (column === 0) part.line = line;
    if (column < 6) parseColumn(column, line, field, part);
    column++;
    col = p;
    if (!endOfLine) continue;
    endOfLine = false;
    if (column < 6) fail(`Layout line ${line}: no enought column`);
    column = 0;
    parts.push(part);
    part = emptyPart();
    line++;
    if (parts.length >= partListSize && !eof) fail(`Layout: no enought memory for ${parts.length} part`);
  }
  if (parts.length === 0) fail('Layout: no partition found');
  return parts;
}

/**
 * The semantic pass that runs before the devices are touched (treat_partition_list): `none` lines must
 * be unselected, device-line ids in 1..0xF0 and unique against every later line, at most 5 devices.
 */
export function checkPartitionList(parts: readonly LayoutPart[]): string | null {
  const devices: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.target === 'none') {
      if (part.select) return `Layout: selected none phase = 0x${part.id.toString(16)} for part ${part.name}`;
      continue;
    }
    if (part.id === 0 || part.id > PHASE_LAST_USER) {
      return `Layout: invalid phase = 0x${part.id.toString(16)} for part ${part.name}`;
    }
    for (let j = i + 1; j < parts.length; j++) {
      const later = parts[j]!;
      if (later.id === part.id) {
        return `Layout: duplicated phase 0x${part.id.toString(16)} for part ${part.name} and ${later.name}`;
      }
    }
    const key = layoutDeviceName(part);
    if (!devices.includes(key)) {
      if (devices.length >= MAX_DEVICES) return 'Layout: too many device';
      devices.push(key);
    }
  }
  return null;
}

/** `mmc1`, `nor0`, `ram0` … (RAM instance fixed to 0, §5.3). */
export function layoutDeviceName(part: Pick<LayoutPart, 'target' | 'deviceInstance'>): string {
  return part.target === 'ram' ? 'ram0' : `${part.target}${part.deviceInstance}`;
}

/**
 * Parses phase 0x00 as U-Boot does: an STM32 v1 header is unwrapped after its checksum is checked (a
 * FIP TOC or v2 header is not unwrapped); an empty payload fails with U-Boot's generic message.
 */
export function parseUbootLayout(received: Uint8Array): LayoutParseResult {
  let payload = received;
  let wrapped = false;
  const header = isFipToc(received) ? null : readStm32Header(received);
  if (header && header.version === 0x00010000 && received.length >= 0x100) {
    payload = received.subarray(0x100, 0x100 + header.imageLengthBytes);
    wrapped = true;
    const sum = payloadChecksum(received, 0x100, header.imageLengthBytes);
    if (sum !== header.checksum) {
      return {
        ok: false,
        message: `Layout: invalid checksum : 0x${sum.toString(16)} expected 0x${header.checksum.toString(16)}`,
      };
    }
  }
  if (payload.length === 0) return { ok: false, message: 'Layout: invalid FlashLayout' };
  const buf = new Uint8Array(payload.length + 1);
  buf.set(payload);
  try {
    const parts = tokenize(buf, payload.length);
    return { ok: true, parts, wrapped };
  } catch (error) {
    if (error instanceof LayoutError) return { ok: false, message: error.message };
    throw error;
  }
}

export { MAX_DEVICES as LAYOUT_MAX_DEVICES };
