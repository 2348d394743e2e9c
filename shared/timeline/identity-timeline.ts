import type { BoardIdentity } from '../domain/board-identity.js';
import { SYMPTOMS, type SymptomCode } from '../domain/diagnosis.js';
import type { BootStage, FlashEvent, FlashPhase, StageInfo, WaitAfter } from '../domain/flash-event.js';

/**
 * The USB identity timeline of one flash session: every enumeration of the target board (ROM → TF-A →
 * U-Boot → U-Boot 2nd), the gaps between them, the DFU transfers and GetPhase answers on each, and the
 * point of failure. A pure reduction of the FlashEvent stream, so the GUI, the support report and
 * tests all draw the same picture from the same events.
 */
export type IdentityStage = StageInfo['stage'];

export interface TimelineSegment {
  stage: BootStage | 'unknown';
  startMs: number;
  endMs: number;
}

export interface TimelineTransfer {
  phaseId: number;
  name: string;
  stage: BootStage;
  startMs: number;
  /** null while it runs. */
  endMs: number | null;
  sizeBytes: number;
  bytesSent: number;
  ok: boolean | null;
  rateBytesPerS: number;
}

export interface TimelinePhaseMark {
  tMs: number;
  stage: BootStage;
  phase: number;
  needDetach: boolean | null;
  errorText: string | null;
}

export interface TimelineIdentity {
  connectionId: string;
  identity: BoardIdentity;
  info: StageInfo;
  startMs: number;
  endMs: number;
  /** Still on the bus when the timeline ends (no disconnect seen). */
  open: boolean;
  serialNote: 'changed' | 'vanished' | null;
  /** The boot stages this enumeration served (MP15's ROM hands over to TF-A on the same connection). */
  segments: TimelineSegment[];
  transfers: TimelineTransfer[];
  phases: TimelinePhaseMark[];
  detachesMs: number[];
}

export type GapResult =
  'arrived' | 'timeout' | 'cancelled' | 'wrong-board' | 'board-reset' | 'inaccessible' | 'open';

export interface TimelineGap {
  startMs: number;
  endMs: number;
  fromConnectionId: string | null;
  toConnectionId: string | null;
  /** What the host waited for during the gap, when a wait covered it. */
  after: WaitAfter | null;
  expecting: BootStage[];
  timeoutMs: number | null;
  result: GapResult;
}

export interface TimelineFailure {
  tMs: number;
  symptom: SymptomCode;
  title: string;
  summary: string;
  /** The enumeration the board was last seen as. */
  connectionId: string | null;
  stage: FlashPhase | null;
  errorCode: string | null;
}

export interface IdentityTimeline {
  sessionId: string | null;
  startedAt: string | null;
  portPath: string | null;
  endMs: number;
  status: 'running' | 'ok' | 'failed' | 'cancelled';
  identities: TimelineIdentity[];
  gaps: TimelineGap[];
  failure: TimelineFailure | null;
  /** Enumerations of other devices seen during the session (not drawn, counted). */
  otherIdentities: number;
}

export interface TimelineOptions {
  /** Session time now (ms since session start) for a running session, so open bars and gaps grow. */
  nowMs?: number;
}

interface PendingWait {
  after: WaitAfter;
  expecting: BootStage[];
  timeoutMs: number;
  startMs: number;
}

export function buildIdentityTimeline(
  events: readonly FlashEvent[],
  options: TimelineOptions = {},
): IdentityTimeline {
  const timeline: IdentityTimeline = {
    sessionId: null,
    startedAt: null,
    portPath: null,
    endMs: 0,
    status: 'running',
    identities: [],
    gaps: [],
    failure: null,
    otherIdentities: 0,
  };
  const byId = new Map<string, TimelineIdentity>();
  let current: TimelineIdentity | null = null;
  let openGap: TimelineGap | null = null;
  let wait: PendingWait | null = null;
  let lastError: { code: string; stage: FlashPhase; tMs: number } | null = null;
  let lastStage: FlashPhase | null = null;

  for (const event of events) {
    timeline.endMs = Math.max(timeline.endMs, event.tMs);
    switch (event.type) {
      case 'session-start':
        timeline.sessionId = event.sessionId;
        timeline.startedAt = event.at;
        timeline.portPath = event.target.portPath;
        break;
      case 'identity': {
        if (event.role !== 'target') {
          if (event.change === 'connect') timeline.otherIdentities += 1;
          break;
        }
        timeline.portPath = event.identity.portPath;
        if (event.change === 'connect') {
          const entry: TimelineIdentity = {
            connectionId: event.identity.connectionId,
            identity: event.identity,
            info: event.info,
            startMs: event.tMs,
            endMs: event.tMs,
            open: true,
            serialNote: event.serialNote,
            segments: [
              {
                stage: event.info.stage === 'unknown' ? 'unknown' : event.info.stage,
                startMs: event.tMs,
                endMs: event.tMs,
              },
            ],
            transfers: [],
            phases: [],
            detachesMs: [],
          };
          byId.set(entry.connectionId, entry);
          timeline.identities.push(entry);
          current = entry;
          if (openGap) {
            openGap.endMs = event.tMs;
            openGap.toConnectionId = entry.connectionId;
            if (openGap.result === 'open') openGap.result = 'arrived';
            openGap = null;
          }
        } else {
          const entry = byId.get(event.identity.connectionId);
          if (!entry) break;
          entry.open = false;
          entry.endMs = event.tMs;
          closeRunningTransfers(entry, event.tMs);
          if (current === entry) current = null;
          openGap = {
            startMs: event.tMs,
            endMs: event.tMs,
            fromConnectionId: entry.connectionId,
            toConnectionId: null,
            after: wait?.after ?? null,
            expecting: wait?.expecting ?? [],
            timeoutMs: wait?.timeoutMs ?? null,
            result: 'open',
          };
          timeline.gaps.push(openGap);
        }
        break;
      }
      case 'stage': {
        lastStage = event.phase;
        if (event.phase === 'preflight' || event.phase === 'done') break;
        const entry = (event.connectionId ? byId.get(event.connectionId) : null) ?? current;
        if (!entry) break;
        const last = entry.segments[entry.segments.length - 1];
        if (last && last.stage !== event.phase) {
          if (last.startMs === last.endMs && last.stage === 'unknown') entry.segments.pop();
          entry.segments.push({ stage: event.phase, startMs: event.tMs, endMs: event.tMs });
        }
        break;
      }
      case 'wait-start':
        wait = {
          after: event.after,
          expecting: [...event.expecting],
          timeoutMs: event.timeoutMs,
          startMs: event.tMs,
        };
        if (openGap && openGap.after === null) {
          openGap.after = event.after;
          openGap.expecting = [...event.expecting];
          openGap.timeoutMs = event.timeoutMs;
        }
        break;
      case 'wait-end': {
        if (event.result !== 'arrived') {
          if (!openGap) {
            // The board never left (or we never saw it leave): the wait itself is the gap.
            openGap = {
              startMs: wait?.startMs ?? event.tMs - event.elapsedMs,
              endMs: event.tMs,
              fromConnectionId: current?.connectionId ?? null,
              toConnectionId: null,
              after: event.after,
              expecting: wait?.expecting ?? [],
              timeoutMs: wait?.timeoutMs ?? null,
              result: 'open',
            };
            timeline.gaps.push(openGap);
          }
          openGap.endMs = event.tMs;
          openGap.result = event.result;
          openGap = null;
        }
        wait = null;
        break;
      }
      case 'partition-start':
        current?.transfers.push({
          phaseId: event.phaseId,
          name: event.name,
          stage: event.stage,
          startMs: event.tMs,
          endMs: null,
          sizeBytes: event.sizeBytes,
          bytesSent: 0,
          ok: null,
          rateBytesPerS: 0,
        });
        break;
      case 'partition-progress': {
        const transfer = runningTransfer(current, event.phaseId);
        if (transfer) {
          transfer.bytesSent = event.bytesSent;
          transfer.rateBytesPerS = event.rateBytesPerS;
        }
        break;
      }
      case 'partition-end': {
        const transfer = runningTransfer(current, event.phaseId);
        if (transfer) {
          transfer.endMs = event.tMs;
          transfer.ok = event.ok;
          transfer.bytesSent = event.bytesSent;
          transfer.rateBytesPerS = event.rateBytesPerS;
        }
        break;
      }
      case 'phase':
        current?.phases.push({
          tMs: event.tMs,
          stage: event.stage,
          phase: event.phase,
          needDetach: event.needDetach,
          errorText: event.errorText,
        });
        break;
      case 'detach':
        current?.detachesMs.push(event.tMs);
        break;
      case 'error':
        lastError = { code: event.error.code, stage: event.stage, tMs: event.tMs };
        break;
      case 'outcome': {
        timeline.status = event.ok ? 'ok' : event.cancelled ? 'cancelled' : 'failed';
        if (!event.ok && !event.cancelled) {
          const symptom = event.symptom ?? event.diagnosis?.symptom ?? 'device-error';
          const lastIdentity = timeline.identities[timeline.identities.length - 1] ?? null;
          timeline.failure = {
            tMs: lastError?.tMs ?? event.tMs,
            symptom,
            title: SYMPTOMS[symptom].title,
            summary: event.diagnosis?.summary ?? SYMPTOMS[symptom].meaning,
            connectionId: lastIdentity?.connectionId ?? null,
            stage: lastError?.stage ?? lastStage,
            errorCode: lastError?.code ?? null,
          };
        }
        break;
      }
      default:
        break;
    }
  }

  const endMs = timeline.status === 'running' ? Math.max(timeline.endMs, options.nowMs ?? 0) : timeline.endMs;
  timeline.endMs = endMs;
  for (const entry of timeline.identities) {
    if (entry.open) entry.endMs = endMs;
    closeSegments(entry);
    if (timeline.status !== 'running') closeRunningTransfers(entry, entry.endMs);
  }
  if (openGap) openGap.endMs = endMs;
  return timeline;
}

function runningTransfer(identity: TimelineIdentity | null, phaseId: number): TimelineTransfer | null {
  if (!identity) return null;
  for (let i = identity.transfers.length - 1; i >= 0; i--) {
    const transfer = identity.transfers[i]!;
    if (transfer.phaseId === phaseId && transfer.endMs === null) return transfer;
  }
  return null;
}

function closeRunningTransfers(identity: TimelineIdentity, tMs: number): void {
  for (const transfer of identity.transfers) {
    if (transfer.endMs === null) {
      transfer.endMs = tMs;
      transfer.ok = false;
    }
  }
}

function closeSegments(identity: TimelineIdentity): void {
  identity.segments.forEach((segment, index) => {
    const next = identity.segments[index + 1];
    segment.endMs = next ? next.startMs : identity.endMs;
  });
}

/** The stages an enumeration served, in order ("rom", "tfa" for MP15's ROM connection). */
export function identityStages(identity: TimelineIdentity): (BootStage | 'unknown')[] {
  return identity.segments.map((s) => s.stage);
}

export function gapDurationMs(gap: TimelineGap): number {
  return Math.max(0, gap.endMs - gap.startMs);
}
