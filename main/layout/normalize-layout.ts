import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import { AppError } from '../core/app-error.js';
import { hex } from './layout-row.js';
import type { ParsedLayout } from './layout-row.js';
import { wrapStm32V1 } from './stm32-header.js';

interface NormalizableRow {
  line: number;
  opt: string;
  phaseId: number | null;
  name: string | null;
  type: string | null;
  ip: string | null;
  offset: string | null;
  usable: boolean;
}

function rowsOf(input: FlashPlan | ParsedLayout): NormalizableRow[] {
  if ('partitions' in input) {
    return input.partitions.map((partition) => ({ ...partition, usable: partition.status !== 'invalid' }));
  }
  return input.rows.map((row) => ({ ...row, usable: row.valid }));
}

/**
 * The layout as the host sends it for phase 0x00, the way ST's PRG-TOOLBOX regenerates it (§5.6):
 * rows in file order, 6 TAB-separated columns, Id as 0x%02X, LF line ends, no comments, no Binary
 * column. This also removes what U-Boot's tokenizer trips on (BOM, CR, TAB runs, trailing TABs).
 * Throws AppError('layout-invalid') when a row did not parse: there is nothing faithful to send.
 */
export function normalizeLayoutForDevice(input: FlashPlan | ParsedLayout): Uint8Array {
  const rows = rowsOf(input).sort((a, b) => a.line - b.line);
  const broken = rows.find((row) => !row.usable || row.phaseId === null);
  if (rows.length === 0 || broken !== undefined) {
    throw new AppError(
      'layout-invalid',
      broken === undefined
        ? 'The layout has no rows to send.'
        : `Line ${broken.line} of the layout did not parse; it cannot be sent.`,
      { line: broken?.line ?? null },
      'Fix the problems reported for the layout first.',
    );
  }
  const text = rows
    .map((row) => [row.opt, hex(row.phaseId ?? 0), row.name, row.type, row.ip, row.offset].join('\t'))
    .join('\n');
  return new TextEncoder().encode(`${text}\n`);
}

/** The normalized layout wrapped in a 256-byte STM32 v1 header: what to download for phase 0x00. */
export function layoutPhaseBytes(input: FlashPlan | ParsedLayout): Uint8Array {
  return wrapStm32V1(normalizeLayoutForDevice(input));
}
