/**
 * Things the device did that were survivable but worth recording. The pipeline forwards them into its
 * FlashEvent stream so the journal and the diagnosis can see, for example, that TF-A was found in
 * dfuERROR before a download or that a DETACH "failed" because the board left the bus as intended.
 * Plain JSON-shaped data: no class instances, no Uint8Array.
 */
export type DfuRequestName =
  | 'DETACH'
  | 'DNLOAD'
  | 'UPLOAD'
  | 'GETSTATUS'
  | 'CLRSTATUS'
  | 'GETSTATE'
  | 'ABORT'
  | 'SET_INTERFACE'
  | 'GET_DESCRIPTOR';

export type DfuAnomaly =
  | {
      kind: 'unexpected-state';
      atMs: number;
      /** What the client was doing, e.g. 'ensure-idle', 'after block 12', 'manifestation'. */
      context: string;
      state: number;
      stateName: string;
      expected: string[];
      /** What the client did about it. */
      action: 'abort' | 'poll-again' | 'none';
    }
  | {
      kind: 'status-error-recovered';
      atMs: number;
      context: string;
      status: number;
      statusName: string;
      state: number;
      stateName: string;
    }
  | { kind: 'stall'; atMs: number; request: DfuRequestName; context: string }
  | {
      kind: 'detach-failure-tolerated';
      atMs: number;
      /** The transport's error code ('device-gone', 'transfer-failed') or 'stall'. */
      code: string;
      message: string;
    }
  | { kind: 'poll-timeout-clamped'; atMs: number; context: string; requestedMs: number; usedMs: number }
  | { kind: 'poll-budget-exceeded'; atMs: number; context: string; polls: number; elapsedMs: number }
  | { kind: 'upload-truncated'; atMs: number; context: string; receivedBytes: number; maxBytes: number };

export type DfuAnomalySink = (anomaly: DfuAnomaly) => void;

export const ignoreAnomalies: DfuAnomalySink = () => {};
