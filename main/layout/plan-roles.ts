import type { BootRequester, PartitionStatus } from '../../shared/domain/flash-plan.js';
import type { LayoutRow } from './layout-row.js';
import { PLACEHOLDER_PATTERN } from './row-syntax.js';

export interface RowRole {
  status: PartitionStatus;
  requestedBy: BootRequester[];
}

/** The boot stage that asks for each ROM/TF-A phase over USB (protocol §5.7-5.8). */
export const BOOT_PHASE_REQUESTER: Readonly<Record<number, BootRequester>> = {
  0x01: 'rom',
  0x02: 'tfa',
  0x03: 'tfa',
};

/**
 * Decides what the host does with each row. ROM/TF-A phases come from IP none rows; when a layout
 * has no none row for a phase (the 2019 "P 0x01 fsbl1 … mmc0" style), the device row with that Id is
 * sent to the boot stage too, as ST's tools do.
 */
export function assignRoles(rows: readonly LayoutRow[]): Map<LayoutRow, RowRole> {
  const roles = new Map<LayoutRow, RowRole>();
  const servedPhases = new Set<number>();
  for (const row of rows) {
    if (!row.valid || !row.isNone || row.phaseId === null) continue;
    const requester = BOOT_PHASE_REQUESTER[row.phaseId];
    if (requester !== undefined && !servedPhases.has(row.phaseId)) {
      servedPhases.add(row.phaseId);
      roles.set(row, { status: 'boot-load', requestedBy: [requester] });
    } else {
      roles.set(row, { status: 'unused', requestedBy: [] });
    }
  }
  for (const row of rows) {
    if (roles.has(row)) continue;
    if (!row.valid || row.flags === null || row.phaseId === null) {
      roles.set(row, { status: 'invalid', requestedBy: [] });
      continue;
    }
    const requestedBy: BootRequester[] = [];
    const requester = BOOT_PHASE_REQUESTER[row.phaseId];
    if (requester !== undefined && !servedPhases.has(row.phaseId)) {
      servedPhases.add(row.phaseId);
      requestedBy.push(requester);
    }
    if (!row.flags.program) {
      roles.set(row, { status: 'skip', requestedBy });
    } else if (row.flags.empty || !namesFile(row.binary)) {
      roles.set(row, { status: 'empty', requestedBy });
    } else {
      roles.set(row, { status: 'program', requestedBy: [...requestedBy, 'uboot'] });
    }
  }
  return roles;
}

/** Binary column names a file (it may still be a template placeholder). */
export function namesFile(binary: string | null): binary is string {
  return binary !== null && binary !== 'none';
}

export function isTemplateBinary(binary: string | null): boolean {
  return binary !== null && PLACEHOLDER_PATTERN.test(binary);
}

export function needsFile(role: RowRole): boolean {
  return role.requestedBy.length > 0;
}
