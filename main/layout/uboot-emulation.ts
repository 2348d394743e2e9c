import type { PartitionDevice, PartitionFlags, UbootVerdict } from '../../shared/domain/flash-plan.js';
import {
  PHASE_LAST_USER,
  parseIdField,
  parseIpField,
  parseNameField,
  parseOffsetField,
  parseOptField,
  parseTypeField,
} from './field-parsers.js';
import type { FieldResult } from './field-parsers.js';
import type { LexedLine } from './layout-lexer.js';
import { ubootPartitionListSize } from './layout-lexer.js';

/** STM32PROG_MAX_DEV in U-Boot. */
export const UBOOT_MAX_DEVICES = 5;
const COLUMN_COUNT = 6;

interface UbootPart {
  flags: PartitionFlags;
  phaseId: number;
  name: string;
  device: PartitionDevice | null;
}

interface PartDraft {
  flags?: PartitionFlags;
  phaseId?: number;
  name?: string;
  device?: PartitionDevice | null;
}

class Stop extends Error {
  constructor(
    readonly line: number | null,
    readonly ubootMessage: string,
  ) {
    super(ubootMessage);
  }
}

/**
 * Replays mainline U-Boot's parse_flash_layout + treat_partition_list over the lexed lines, byte
 * scanner state included (TAB runs, CR, comments, and the trailing-TAB bug that glues a row to the
 * next line), and returns U-Boot's first error exactly as it would print it.
 * `text` is the layout as U-Boot would receive it (BOM included, cut at the first NUL).
 */
export function emulateUboot(text: string, lines: readonly LexedLine[]): UbootVerdict {
  if (text.length === 0) return { result: 'parse-reject', line: null, message: null, rowCount: 0 };
  const listSize = ubootPartitionListSize(text);
  if (listSize > PHASE_LAST_USER) {
    return reject(null, `Layout: too many partition (${listSize})`, 0);
  }
  const parts: UbootPart[] = [];
  try {
    scan(lines, listSize, parts);
  } catch (error) {
    if (error instanceof Stop) return reject(error.line, error.ubootMessage, parts.length);
    throw error;
  }
  if (parts.length === 0) return reject(null, 'Layout: no partition found', 0);
  const semantic = treatPartitionList(parts);
  if (semantic !== null)
    return { result: 'semantic-reject', line: null, message: semantic, rowCount: parts.length };
  return { result: 'accepted', line: null, message: null, rowCount: parts.length };
}

function reject(line: number | null, message: string, rowCount: number): UbootVerdict {
  return { result: 'parse-reject', line, message, rowCount };
}

function scan(lines: readonly LexedLine[], listSize: number, parts: UbootPart[]): void {
  let lineCounter = 1; // U-Boot's `i`: it drifts from the physical line after the trailing-TAB bug
  let column = 0;
  let endOfLine = false;
  let draft: PartDraft = {};
  for (const lexed of lines) {
    for (const field of lexed.fields) {
      const atLineEnd = field.terminator !== 'tab';
      const atEof =
        field.terminator === 'tab-at-eof' ||
        field.terminator === 'newline-at-eof' ||
        field.terminator === 'eof';
      if (column === 0 && field.startsWithHash) {
        lineCounter += 1; // the comment runs to the end of the physical line
        break;
      }
      if (atLineEnd) endOfLine = true;
      if (field.value === '') {
        if (column === 0 && endOfLine) {
          endOfLine = false;
          lineCounter += 1;
        }
        continue;
      }
      if (column < COLUMN_COUNT) applyColumn(draft, column, field.value, lineCounter);
      column += 1;
      if (!endOfLine) continue;
      endOfLine = false;
      if (column < COLUMN_COUNT) throw new Stop(lineCounter, `Layout line ${lineCounter}: no enought column`);
      column = 0;
      parts.push(draft as UbootPart);
      draft = {};
      lineCounter += 1;
      if (parts.length >= listSize && !atEof) {
        throw new Stop(null, `Layout: no enought memory for ${parts.length} part`);
      }
    }
  }
}

function applyColumn(draft: PartDraft, column: number, value: string, lineCounter: number): void {
  const unwrap = <T>(result: FieldResult<T>): T => {
    if (!result.ok) throw new Stop(lineCounter, `Layout line ${lineCounter}: ${result.ubootMessage}`);
    return result.value;
  };
  switch (column) {
    case 0:
      draft.flags = unwrap(parseOptField(value));
      break;
    case 1:
      draft.phaseId = unwrap(parseIdField(value)).phaseId;
      break;
    case 2:
      draft.name = unwrap(parseNameField(value));
      break;
    case 3:
      unwrap(parseTypeField(value));
      break;
    case 4:
      draft.device = unwrap(parseIpField(value));
      break;
    default:
      unwrap(parseOffsetField(value));
  }
}

/** treat_partition_list: only the checks that need no device. Returns U-Boot's message or null. */
function treatPartitionList(parts: readonly UbootPart[]): string | null {
  const devices: PartitionDevice[] = [];
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    const hexId = part.phaseId.toString(16);
    if (part.device === null) {
      if (part.flags.program) return `Layout: selected none phase = 0x${hexId} for part ${part.name}`;
      continue;
    }
    if (part.phaseId === 0 || part.phaseId > PHASE_LAST_USER) {
      return `Layout: invalid phase = 0x${hexId} for part ${part.name}`;
    }
    for (let later = index + 1; later < parts.length; later += 1) {
      const other = parts[later]!;
      if (other.phaseId === part.phaseId) {
        return `Layout: duplicated phase 0x${hexId} for part ${part.name} and ${other.name}`;
      }
    }
    const known = devices.some((device) => sameDevice(device, part.device!));
    if (!known) {
      if (devices.length === UBOOT_MAX_DEVICES) return 'Layout: too many device';
      devices.push(part.device);
    }
  }
  return null;
}

export function sameDevice(a: PartitionDevice, b: PartitionDevice): boolean {
  return a.kind === b.kind && a.instance === b.instance;
}
