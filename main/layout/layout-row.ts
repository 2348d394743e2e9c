import type {
  PartitionDevice,
  PartitionFlags,
  PartitionType,
  UbootVerdict,
} from '../../shared/domain/flash-plan.js';
import type { LayoutProblem } from '../../shared/domain/layout-problem.js';

/** One data row of a layout as the user wrote it (one physical line), with what could be parsed. */
export interface LayoutRow {
  line: number;
  /** Non-empty fields in order, CR removed: what U-Boot sees once TAB runs collapse. */
  fields: string[];
  opt: string;
  id: string | null;
  name: string | null;
  type: string | null;
  ip: string | null;
  offset: string | null;
  /** 7th field; null when the row has only 6. */
  binary: string | null;
  /** All six U-Boot columns parsed. */
  valid: boolean;
  flags: PartitionFlags | null;
  phaseId: number | null;
  partType: PartitionType | null;
  binaryCopies: number | null;
  /** true for IP none, null when IP did not parse. */
  isNone: boolean | null;
  device: PartitionDevice | null;
  /** null when unparsable or above Number.MAX_SAFE_INTEGER. */
  offsetBytes: number | null;
  bootPartition: 1 | 2 | null;
  /** Room up to the next partition of the same device, null when unknown. */
  roomBytes: number | null;
}

/** The pure result of parsing layout text: rows in file order, problems, and U-Boot's verdict. */
export interface ParsedLayout {
  rows: LayoutRow[];
  problems: LayoutProblem[];
  uboot: UbootVerdict;
  /** Physical lines in the text (the range problem lines fall in). */
  lineCount: number;
}

export function deviceLabel(device: PartitionDevice | null): string {
  if (device === null) return 'none';
  return device.kind === 'ram' ? 'ram' : `${device.kind}${device.instance}`;
}

export function hex(value: number, width = 2): string {
  return `0x${value.toString(16).toUpperCase().padStart(width, '0')}`;
}

export function rowLabel(row: Pick<LayoutRow, 'line' | 'name'>): string {
  return row.name === null ? `line ${row.line}` : `line ${row.line} (${row.name})`;
}
