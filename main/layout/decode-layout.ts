import type { LayoutProblem } from '../../shared/domain/layout-problem.js';
import { layoutProblem } from '../../shared/domain/layout-problem.js';
import type { ParsedLayout } from './layout-row.js';
import { parseFlashLayoutText, sortProblems } from './parse-flash-layout.js';
import { STM32_V1_HEADER_BYTES, parseStm32Header, stm32PayloadChecksum } from './stm32-header.js';

export interface NonTextByte {
  /** Byte offset in the buffer. */
  index: number;
  line: number;
  description: string;
}

/**
 * First byte that makes a buffer "not text": NUL, a C0 control other than TAB/LF/CR, DEL, a UTF-16
 * byte-order mark, or invalid UTF-8. With `prefix`, an incomplete UTF-8 sequence at the very end is
 * not held against it (the sniffed prefix may cut a character in two).
 */
export function findNonTextByte(bytes: Uint8Array, prefix = false): NonTextByte | null {
  const at = (index: number, description: string): NonTextByte => ({
    index,
    line: lineAt(bytes, index),
    description,
  });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return at(0, 'a UTF-16 byte-order mark (the file is UTF-16, not UTF-8)');
  }
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    if (byte < 0x80) {
      if (byte === 0) return at(index, 'a NUL byte');
      if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) {
        return at(index, `control byte 0x${byte.toString(16).padStart(2, '0')}`);
      }
      index += 1;
      continue;
    }
    const length = utf8SequenceLength(bytes, index);
    if (length === 0) {
      if (prefix && bytes.length - index < 4 && isTruncatedSequence(bytes, index)) return null;
      return at(index, `byte 0x${byte.toString(16)} that is not valid UTF-8`);
    }
    index += length;
  }
  return null;
}

function utf8SequenceLength(bytes: Uint8Array, index: number): number {
  const lead = bytes[index]!;
  const [length, min, max] =
    lead >= 0xc2 && lead <= 0xdf
      ? [2, 0x80, 0xbf]
      : lead === 0xe0
        ? [3, 0xa0, 0xbf]
        : lead === 0xed
          ? [3, 0x80, 0x9f]
          : lead >= 0xe1 && lead <= 0xef
            ? [3, 0x80, 0xbf]
            : lead === 0xf0
              ? [4, 0x90, 0xbf]
              : lead === 0xf4
                ? [4, 0x80, 0x8f]
                : lead >= 0xf1 && lead <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : [0, 0, 0];
  if (length === 0 || index + length > bytes.length) return 0;
  const second = bytes[index + 1]!;
  if (second < min || second > max) return 0;
  for (let offset = 2; offset < length; offset += 1) {
    const next = bytes[index + offset]!;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}

function isTruncatedSequence(bytes: Uint8Array, index: number): boolean {
  const lead = bytes[index]!;
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
  if (needed === 0 || index + needed <= bytes.length) return false;
  return bytes.subarray(index + 1).every((byte) => byte >= 0x80 && byte <= 0xbf);
}

function lineAt(bytes: Uint8Array, index: number): number {
  let line = 1;
  for (let at = 0; at < index; at += 1) if (bytes[at] === 0x0a) line += 1;
  return line;
}

/**
 * Parses layout bytes: unwraps an STM32 v1 header as U-Boot does (checksum checked), refuses bytes
 * that are not text with a located `not-text` problem (still parsing what can be decoded), then
 * hands the text to parseFlashLayoutText. Pure and total, like the text parser.
 */
export function parseFlashLayoutBytes(input: Uint8Array): ParsedLayout {
  const wrapped = unwrapStm32(input);
  const bytes = wrapped?.payload ?? input;
  // a NUL is reported (and honoured) by the text parser; other non-text bytes only here
  const bad = findNonTextByte(bytes);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const parsed = parseFlashLayoutText(text);
  const extra: LayoutProblem[] = [];
  if (wrapped !== null) {
    extra.push(
      layoutProblem(
        'layout-wrapped',
        null,
        null,
        `The layout is wrapped in an STM32 v1 header (${wrapped.payload.length}-byte payload); line numbers count from the payload.`,
      ),
    );
    if (wrapped.checksumError !== null) {
      extra.push(
        layoutProblem('stm32-checksum', null, null, wrapped.checksumError, 'Re-create the wrapped layout.'),
      );
      parsed.uboot = {
        result: 'parse-reject',
        line: null,
        message: `Layout: ${wrapped.checksumError}`,
        rowCount: 0,
      };
    }
  }
  if (bad !== null && bad.description !== 'a NUL byte') {
    extra.push(
      layoutProblem(
        'not-text',
        bad.line,
        null,
        `Line ${bad.line} has ${bad.description}: this is not a plain-text FlashLayout.`,
        'Save the layout as plain UTF-8 (or ASCII) text with TAB-separated columns.',
      ),
    );
  }
  return { ...parsed, problems: sortProblems([...extra, ...parsed.problems]) };
}

function unwrapStm32(bytes: Uint8Array): { payload: Uint8Array; checksumError: string | null } | null {
  const header = parseStm32Header(bytes.subarray(0, STM32_V1_HEADER_BYTES));
  // U-Boot only unwraps a v1 header it fully recognises (magic, version, zero reserved and padding)
  if (!header.ok || header.header.version !== 'v1' || header.header.nonZeroReserved.length > 0) return null;
  const payload = bytes.subarray(
    STM32_V1_HEADER_BYTES,
    STM32_V1_HEADER_BYTES + header.header.imageLengthBytes,
  );
  const sum = stm32PayloadChecksum(payload);
  const checksumError =
    sum === header.header.checksum && payload.length === header.header.imageLengthBytes
      ? null
      : `invalid checksum : 0x${sum.toString(16)} expected 0x${header.header.checksum.toString(16)}`;
  return { payload, checksumError };
}
