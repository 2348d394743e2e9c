import type { ControlSetup } from '../transport/usb-transport.js';
import type { SimStage } from './stage-types.js';

/**
 * Every request a host made to a simulated board, with what the board did. Tests read it to assert
 * protocol behaviour; the invariant checks are computed partly from it.
 */
export type TransferKind =
  | 'control-in'
  | 'control-out'
  | 'set-alternate'
  | 'select-configuration'
  | 'claim-interface'
  | 'usb-reset'
  | 'open';

export type TransferOutcome =
  | 'pending'
  | 'ok'
  | 'stall'
  | 'device-gone'
  | 'timeout'
  | 'aborted'
  | 'transfer-failed'
  | 'permission-denied';

export interface TransferLogEntry {
  seq: number;
  atMs: number;
  endMs: number | null;
  connectionId: string;
  /** The stage answering when the request arrived; null when the handle was already stale. */
  stage: SimStage | null;
  kind: TransferKind;
  setup: ControlSetup | null;
  /** Readable request name: `DNLOAD`, `GETSTATUS`, `GET_DESCRIPTOR(string 2)`, `SET_INTERFACE` … */
  request: string;
  /** wLength for IN, payload length for OUT. */
  lengthBytes: number;
  alt: number | null;
  stateBefore: number | null;
  stateAfter: number | null;
  outcome: TransferOutcome;
  replyBytes: number | null;
  /** bwPollTimeout of a GETSTATUS reply. */
  pollTimeoutMs: number | null;
  note: string | null;
}

export type TransferLogStart = Pick<
  TransferLogEntry,
  'connectionId' | 'stage' | 'kind' | 'setup' | 'request' | 'lengthBytes'
> &
  Partial<Pick<TransferLogEntry, 'alt' | 'stateBefore' | 'note'>>;

export class TransferLog {
  private list: TransferLogEntry[] = [];
  private nextSeq = 1;
  private dropped = 0;

  constructor(
    private readonly nowMs: () => number,
    /** Keep only the newest entries (a 4 GiB image is 2 million requests); default: all. */
    private readonly maxEntries = Number.POSITIVE_INFINITY,
  ) {}

  begin(start: TransferLogStart): TransferLogEntry {
    const entry: TransferLogEntry = {
      seq: this.nextSeq++,
      atMs: this.nowMs(),
      endMs: null,
      alt: null,
      stateBefore: null,
      stateAfter: null,
      outcome: 'pending',
      replyBytes: null,
      pollTimeoutMs: null,
      note: null,
      ...start,
    };
    this.list.push(entry);
    // Trimmed in batches, so the cost per request stays constant.
    if (this.list.length >= 2 * this.maxEntries) {
      const drop = this.list.length - this.maxEntries;
      this.list = this.list.slice(drop);
      this.dropped += drop;
    }
    return entry;
  }

  finish(
    entry: TransferLogEntry,
    outcome: TransferOutcome,
    extra: Partial<
      Pick<TransferLogEntry, 'stateAfter' | 'replyBytes' | 'pollTimeoutMs' | 'note' | 'alt'>
    > = {},
  ): void {
    if (entry.outcome !== 'pending') return;
    entry.outcome = outcome;
    entry.endMs = this.nowMs();
    Object.assign(entry, extra);
  }

  /** The kept entries, oldest first (between maxEntries and 2 × maxEntries of them once trimming starts). */
  entries(): readonly TransferLogEntry[] {
    return this.list;
  }

  /** Entries dropped by the limit: the first kept entry's seq is this + 1. */
  droppedCount(): number {
    return this.dropped;
  }
}
