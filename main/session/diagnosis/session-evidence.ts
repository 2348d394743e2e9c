import type { BoardIdentity } from '../../../shared/domain/board-identity.js';
import type { ErrorData, FlashEvent, FlashPhase, WaitAfter } from '../../../shared/domain/flash-event.js';
import type { HostFacts } from '../../../shared/domain/host-facts.js';

type EventOf<T extends FlashEvent['type']> = Extract<FlashEvent, { type: T }>;

/**
 * The facts a diagnosis needs, pulled once out of the event stream. Rules read these, never the raw
 * events, so a rule stays a few lines of plain reasoning.
 */
export interface SessionEvidence {
  host: HostFacts | null;
  targetPortPath: string | null;
  expectedSerial: string | null;
  cancelled: boolean;
  lastError: (ErrorData & { stage: FlashPhase; tMs: number }) | null;
  lastWait: { start: EventOf<'wait-start'>; end: EventOf<'wait-end'> | null } | null;
  lastPhase: EventOf<'phase'> | null;
  /** The partition being written when the session ended, if it had not finished. */
  openPartition: EventOf<'partition-start'> | null;
  lastFinishedPartition: EventOf<'partition-end'> | null;
  targetIdentities: {
    change: 'connect' | 'disconnect';
    identity: BoardIdentity;
    tMs: number;
    stage: string;
  }[];
  otherIdentities: {
    change: 'connect' | 'disconnect';
    identity: BoardIdentity;
    tMs: number;
    stage: string;
  }[];
  lastTargetDisconnect: { tMs: number; identity: BoardIdentity } | null;
  preflightCodes: Set<string>;
  stagesReached: Set<FlashPhase>;
  endTMs: number;
}

export function collectEvidence(events: readonly FlashEvent[]): SessionEvidence {
  const evidence: SessionEvidence = {
    host: null,
    targetPortPath: null,
    expectedSerial: null,
    cancelled: false,
    lastError: null,
    lastWait: null,
    lastPhase: null,
    openPartition: null,
    lastFinishedPartition: null,
    targetIdentities: [],
    otherIdentities: [],
    lastTargetDisconnect: null,
    preflightCodes: new Set(),
    stagesReached: new Set(),
    endTMs: 0,
  };
  for (const event of events) {
    evidence.endTMs = Math.max(evidence.endTMs, event.tMs);
    switch (event.type) {
      case 'session-start':
        evidence.host = event.host;
        evidence.targetPortPath = event.target.portPath;
        evidence.expectedSerial = event.target.serial;
        break;
      case 'preflight':
        evidence.preflightCodes.add(event.code);
        break;
      case 'stage':
        evidence.stagesReached.add(event.phase);
        break;
      case 'identity': {
        const entry = {
          change: event.change,
          identity: event.identity,
          tMs: event.tMs,
          stage: event.info.stage,
        };
        if (event.role === 'target') {
          evidence.targetIdentities.push(entry);
          if (evidence.targetPortPath === null) evidence.targetPortPath = event.identity.portPath;
          if (evidence.expectedSerial === null && event.change === 'connect') {
            evidence.expectedSerial = event.identity.serial;
          }
          if (event.change === 'disconnect') {
            evidence.lastTargetDisconnect = { tMs: event.tMs, identity: event.identity };
          }
        } else {
          evidence.otherIdentities.push(entry);
        }
        break;
      }
      case 'wait-start':
        evidence.lastWait = { start: event, end: null };
        break;
      case 'wait-end':
        if (evidence.lastWait) evidence.lastWait.end = event;
        break;
      case 'phase':
        evidence.lastPhase = event;
        break;
      case 'partition-start':
        evidence.openPartition = event;
        break;
      case 'partition-end':
        evidence.lastFinishedPartition = event;
        if (evidence.openPartition?.phaseId === event.phaseId && event.ok) evidence.openPartition = null;
        break;
      case 'error':
        evidence.lastError = { ...event.error, stage: event.stage, tMs: event.tMs };
        break;
      case 'outcome':
        evidence.cancelled = event.cancelled;
        break;
      default:
        break;
    }
  }
  return evidence;
}

export function waitAfterOf(evidence: SessionEvidence): WaitAfter | null {
  return evidence.lastWait?.start.after ?? null;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
