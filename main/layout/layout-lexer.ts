import { parse } from 'csv-parse/sync';

/**
 * How one field of a physical line ends, as U-Boot's byte scanner sees it. `tab-at-eof` and
 * `newline-at-eof` matter because U-Boot treats "the separator is the last byte" like end of line.
 */
export type FieldTerminator = 'tab' | 'tab-at-eof' | 'newline' | 'newline-at-eof' | 'eof';

export interface LexedField {
  /** The text up to the first CR: U-Boot turns a CR into NUL, which ends the field for strlen(). */
  value: string;
  /** Starts with '#': a comment when it is the first column of a row. */
  startsWithHash: boolean;
  terminator: FieldTerminator;
}

export interface LexedLine {
  /** 1-based physical line number. */
  line: number;
  fields: LexedField[];
}

const CSV_OPTIONS = {
  delimiter: '\t',
  // LF only: a CR is data for U-Boot (it ends the field, not the line), so it must stay in the field
  record_delimiter: '\n',
  quote: false,
  relax_column_count: true,
  skip_empty_lines: false,
  bom: false,
  trim: false,
} as const;

/**
 * Splits a layout into physical lines and TAB-separated fields with csv-parse, keeping every empty
 * field (U-Boot's TAB-run collapsing and its trailing-TAB bug are decided from them later).
 */
export function lexLayout(text: string): LexedLine[] {
  const records = splitRecords(text);
  const endsWithNewline = text.endsWith('\n');
  return records.map((record, index) => {
    const isLast = index === records.length - 1;
    const lineEnd: FieldTerminator = !isLast ? 'newline' : endsWithNewline ? 'newline-at-eof' : 'eof';
    let raw = record.length === 0 ? [''] : record;
    let lastTerminator: FieldTerminator = lineEnd;
    // "…\t" as the very last bytes: the final TAB ends the scan, the empty field after it never exists
    if (lineEnd === 'eof' && raw.length >= 2 && raw[raw.length - 1] === '') {
      raw = raw.slice(0, -1);
      lastTerminator = 'tab-at-eof';
    }
    const fields = raw.map((value, fieldIndex): LexedField => {
      const crAt = value.indexOf('\r');
      return {
        value: crAt === -1 ? value : value.slice(0, crAt),
        startsWithHash: value.startsWith('#'),
        terminator: fieldIndex === raw.length - 1 ? lastTerminator : 'tab',
      };
    });
    return { line: index + 1, fields };
  });
}

function splitRecords(text: string): string[][] {
  if (text.length === 0) return [];
  try {
    const records: unknown = parse(text, CSV_OPTIONS);
    if (Array.isArray(records) && records.every(isStringArray)) return records;
  } catch {
    // csv-parse has no failure mode with quoting off; fall through rather than let untrusted input throw
  }
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((line) => line.split('\t'));
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * U-Boot's pre-count of possible rows (parse_flash_layout): 1 + newlines − newlines followed by '#'.
 * Blank lines and a comment on line 1 count; the limit is PHASE_LAST_USER (240).
 */
export function ubootPartitionListSize(text: string): number {
  let size = 1;
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '\n') {
      size += 1;
      if (text[index + 1] === '#') size -= 1;
    }
  }
  return size;
}
