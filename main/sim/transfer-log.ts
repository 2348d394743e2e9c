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
  private readonly list: TransferLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly nowMs: () => number) {}

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

  entries(): readonly TransferLogEntry[] {
    return this.list;
  }
}
