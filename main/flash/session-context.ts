import type { BootStage, FlashEventBody, FlashPhase } from '../../shared/domain/flash-event.js';
import type { FlashPlan, PlannedPartition } from '../../shared/domain/flash-plan.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import type { LayoutPayload } from './layout-payload.js';
import type { StageTimeouts } from './stage-timeouts.js';

/** State one flash session shares between its stage runners. */
export interface SessionContext {
  plan: FlashPlan;
  layout: LayoutPayload;
  clock: Clock;
  timeouts: StageTimeouts;
  signal: AbortSignal;
  emit: (event: FlashEventBody) => void;
  detachAtEnd: boolean;
  /** Where the session is, for error events and the diagnosis. */
  phase: FlashPhase;
  /** Phases already downloaded, per stage: a board that asks again is looping. */
  done: Map<BootStage, Set<number>>;
  /** The last phase TF-A asked for (0x02 → the next detach is MP2's DDR re-init, not U-Boot). */
  lastTfaPhase: number | null;
  layoutSent: boolean;
  partitionsWritten: number;
  bytesWritten: number;
}

/** The row whose file a stage asks for. */
export function partitionFor(
  context: SessionContext,
  phaseId: number,
  requester: 'rom' | 'tfa' | 'uboot',
): PlannedPartition {
  const candidates = context.plan.partitions.filter((p) => p.phaseId === phaseId && p.status !== 'invalid');
  const row =
    candidates.find((p) => p.requestedBy.includes(requester)) ?? candidates.find((p) => p.file !== null);
  if (!row) {
    throw new AppError(
      'layout-invalid',
      `The board asks for phase 0x${phaseId.toString(16).padStart(2, '0')}, which the layout does not have.`,
      { phaseId, requester },
      requester === 'rom'
        ? 'Add the FSBL line: -  0x01  fsbl-boot  Binary  none  0x0  <tf-a-…-usb.stm32>'
        : requester === 'tfa'
          ? 'Add the FIP line: -  0x03  fip-boot  FIP  none  0x0  <fip.bin> (and 0x02 fip-ddr on MP2).'
          : 'The board and the layout disagree: was the layout edited after it was sent?',
    );
  }
  if (!row.file) {
    throw new AppError(
      'layout-invalid',
      `Line ${row.line}: the board asks for ${row.name ?? 'this partition'} (phase ${row.id ?? '?'}) but the line has no file (${row.binary ?? 'none'}).`,
      { line: row.line, phaseId },
      'Give the line a binary, or mark it E (empty) or - (skip).',
    );
  }
  return row;
}

/** Records a download of `phaseId` at `stage`; a second request for the same phase means a loop. */
export function markDone(context: SessionContext, stage: BootStage, phaseId: number): void {
  const set = context.done.get(stage) ?? new Set<number>();
  if (set.has(phaseId)) {
    throw new AppError(
      'dfu-protocol',
      `The board asks for phase 0x${phaseId.toString(16).padStart(2, '0')} again after it was downloaded; stopping instead of looping.`,
      { stage, phaseId },
    );
  }
  set.add(phaseId);
  context.done.set(stage, set);
}
