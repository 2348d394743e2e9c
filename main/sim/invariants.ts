import type { SimStage } from './stage-types.js';
import type { TransferLogEntry } from './transfer-log.js';

/**
 * Protocol rules a well-behaved host keeps. A simulated board records a violation whenever a request
 * breaks one; tests assert `board.invariantViolations()` is empty after a run.
 */
export const INVARIANT_RULES = {
  'dnload-outside-idle':
    'DNLOAD only in dfuIDLE or dfuDNLOAD-IDLE; a ZLP only in dfuDNLOAD-IDLE (§3.2, §3.3)',
  'block-sequence': 'U-Boot wants wValue 0, 1, 2 … per transaction, wrapping at 0xFFFF, ZLP included (§3.2)',
  'request-after-gone': 'no request on a handle whose device left or re-enumerated',
  'wlength-above-transfer-size': 'no DNLOAD / UPLOAD longer than the stage wTransferSize (§2.2, §3.2)',
  'clrstatus-outside-error': 'no CLRSTATUS to TF-A outside dfuERROR: it puts TF-A in dfuERROR (§3.3)',
  'reset-after-uboot-detach': 'no USB reset after DETACH to U-Boot: it reboots the board (§3.2, §7 #11)',
  'detach-outside-idle': 'DETACH to U-Boot only in dfuIDLE (§3.2, §7 #10)',
  'upload-wlength-too-small': 'U-Boot answers UPLOAD from its 4096-byte buffer: ask for wTransferSize (§4.2)',
  'download-to-wrong-phase': 'TF-A accepts a download only on the alt of its current phase (§3.3, §7 #13)',
  'dnload-before-status': 'after a DNLOAD block, GETSTATUS until dfuDNLOAD-IDLE before the next block (§3.5)',
  'poll-timeout-ignored': 'wait bwPollTimeout before the next GETSTATUS (§3.1); opt-in check',
} as const;

export type InvariantRule = keyof typeof INVARIANT_RULES;

export interface InvariantViolation {
  rule: InvariantRule;
  atMs: number;
  connectionId: string | null;
  stage: SimStage | null;
  message: string;
  /** The transfer-log entry that broke the rule, when there is one. */
  logSeq: number | null;
}

export interface InvariantQuery {
  /** Rules the test deliberately breaks (e.g. 'reset-after-uboot-detach' for a reboot test). */
  allow?: readonly InvariantRule[];
  /**
   * Also check bwPollTimeout spacing between GETSTATUS requests. Only meaningful when host and simulator
   * share one clock, hence opt-in.
   */
  checkPollTimeout?: boolean;
}

/** Spacing check over the log: a GETSTATUS sooner than the previous reply's bwPollTimeout. */
export function pollTimeoutViolations(entries: readonly TransferLogEntry[]): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  // bwPollTimeout spaces a GETSTATUS from the GETSTATUS right before it; any other request in between
  // (the next DNLOAD after dfuDNLOAD-IDLE) starts a new exchange.
  const previousByConnection = new Map<string, TransferLogEntry>();
  for (const entry of entries) {
    const previous = previousByConnection.get(entry.connectionId);
    previousByConnection.set(entry.connectionId, entry);
    if (entry.request !== 'GETSTATUS' || previous?.request !== 'GETSTATUS') continue;
    const pollMs = previous.pollTimeoutMs ?? 0;
    if (previous.outcome !== 'ok' || previous.endMs === null || pollMs <= 0) continue;
    const gapMs = entry.atMs - previous.endMs;
    if (gapMs + 1e-9 < pollMs) {
      out.push({
        rule: 'poll-timeout-ignored',
        atMs: entry.atMs,
        connectionId: entry.connectionId,
        stage: entry.stage,
        message: `GETSTATUS ${gapMs.toFixed(3)} ms after a reply asking for ${pollMs} ms`,
        logSeq: entry.seq,
      });
    }
  }
  return out;
}

export function filterViolations(
  recorded: readonly InvariantViolation[],
  entries: readonly TransferLogEntry[],
  query: InvariantQuery = {},
): InvariantViolation[] {
  const allowed = new Set(query.allow ?? []);
  const all = [...recorded, ...(query.checkPollTimeout ? pollTimeoutViolations(entries) : [])];
  return all.filter((v) => !allowed.has(v.rule)).sort((a, b) => a.atMs - b.atMs);
}
