import type { FlashEvent } from '../../shared/domain/flash-event.js';
import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import type { FlashingStage } from '../../shared/domain/station.js';

/** The FlashLayout itself (phase 0x00) is a few hundred bytes: left out of the percentage. */
const LAYOUT_PHASE_ID = 0x00;

/**
 * One number for a slot card: the bytes sent over the bytes the layout sends (the FSBL and FIP the
 * ROM and TF-A load plus every partition written), capped at 99 % until the outcome, since the end
 * of the last partition is not the end of the flash (U-Boot still has to report 0xFE).
 */
export class UnitProgress {
  stage: FlashingStage = 'preflight';
  partition: string | null = null;
  private readonly totalBytes: number;
  private doneBytes = 0;
  private currentBytes = 0;

  constructor(plan: FlashPlan) {
    this.totalBytes = plan.partitions
      .filter((p) => (p.status === 'boot-load' || p.status === 'program') && p.file !== null)
      .reduce((sum, p) => sum + (p.file?.sizeBytes ?? 0), 0);
  }

  get percent(): number {
    if (this.totalBytes === 0) return 0;
    return Math.min(99, Math.floor(((this.doneBytes + this.currentBytes) / this.totalBytes) * 100));
  }

  /** True when the card should be redrawn. */
  apply(event: FlashEvent): boolean {
    switch (event.type) {
      case 'stage':
        this.stage = event.phase;
        return true;
      case 'partition-start':
        if (event.phaseId === LAYOUT_PHASE_ID) return false;
        this.partition = event.name;
        this.currentBytes = 0;
        return true;
      case 'partition-progress':
        if (event.phaseId === LAYOUT_PHASE_ID) return false;
        this.currentBytes = event.bytesSent;
        return true;
      case 'partition-end':
        if (event.phaseId === LAYOUT_PHASE_ID) return false;
        if (event.ok) this.doneBytes += event.bytesSent;
        this.currentBytes = 0;
        return true;
      default:
        return false;
    }
  }
}
