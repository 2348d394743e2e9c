import type {
  ErrorData,
  FlashEvent,
  FlashPhase,
  StageInfo,
  WaitAfter,
  BootStage,
} from '../../../shared/domain/flash-event.js';
import type { FlashFinished, FlashSessionView } from '../../../shared/ipc/flash-channels.js';
import type { IpcError } from '../../../shared/ipc/ipc-result.js';

export interface PartitionProgress {
  phaseId: number;
  name: string;
  stage: BootStage;
  sizeBytes: number;
  bytesSent: number;
  rateBytesPerS: number;
  etaMs: number | null;
  state: 'active' | 'done' | 'failed';
  startTMs: number;
  durationMs: number | null;
}

export interface FlashWait {
  after: WaitAfter;
  expecting: BootStage[];
  portPath: string | null;
  timeoutMs: number;
  /** Wall clock, ISO 8601: the countdown runs against it. */
  deadlineAt: string;
  startTMs: number;
}

export type FlashStatus = 'idle' | 'starting' | 'running' | 'ok' | 'failed' | 'cancelled' | 'error';

export type OutcomeEvent = Extract<FlashEvent, { type: 'outcome' }>;

export interface FlashState {
  sessionId: string | null;
  status: FlashStatus;
  layoutPath: string | null;
  targetPort: string | null;
  /** Wall clock of session-start, to turn `tMs` into a live "now". */
  startedAt: string | null;
  phase: FlashPhase | null;
  stageInfo: StageInfo | null;
  wait: FlashWait | null;
  partitions: PartitionProgress[];
  /** Bytes the plan sends in all (boot images, the layout, every programmed partition). */
  plannedBytes: number;
  /** Every event but partition-progress, in order: the timeline and the diagnosis read them. */
  events: FlashEvent[];
  lastTMs: number;
  error: ErrorData | null;
  outcome: OutcomeEvent | null;
  /** The session could not start or crashed (the IPC error). */
  failure: IpcError | null;
  cancelRequested: boolean;
}

export type FlashAction =
  | { type: 'start-requested'; layoutPath: string; targetPort: string | null; plannedBytes: number }
  | { type: 'start-failed'; error: IpcError }
  | { type: 'started'; sessionId: string }
  | { type: 'event'; sessionId: string; event: FlashEvent }
  | { type: 'finished'; finished: FlashFinished }
  | { type: 'restore'; view: FlashSessionView; plannedBytes: number }
  | { type: 'cancel-requested' }
  | { type: 'reset' };

export const initialFlashState: FlashState = {
  sessionId: null,
  status: 'idle',
  layoutPath: null,
  targetPort: null,
  startedAt: null,
  phase: null,
  stageInfo: null,
  wait: null,
  partitions: [],
  plannedBytes: 0,
  events: [],
  lastTMs: 0,
  error: null,
  outcome: null,
  failure: null,
  cancelRequested: false,
};

export function isFlashActive(state: FlashState): boolean {
  return state.status === 'starting' || state.status === 'running';
}

export function flashReducer(state: FlashState, action: FlashAction): FlashState {
  switch (action.type) {
    case 'start-requested':
      return {
        ...initialFlashState,
        status: 'starting',
        layoutPath: action.layoutPath,
        targetPort: action.targetPort,
        plannedBytes: action.plannedBytes,
      };
    case 'start-failed':
      return { ...state, status: 'error', failure: action.error };
    case 'started':
      if (state.sessionId !== null && state.sessionId !== action.sessionId) return state;
      return {
        ...state,
        sessionId: action.sessionId,
        status: state.status === 'starting' ? 'running' : state.status,
      };
    case 'event':
      // Events can overtake the answer to flash.start: adopt the session they belong to.
      if (state.sessionId !== null && state.sessionId !== action.sessionId) return state;
      if (state.sessionId === null && state.status !== 'starting') return state;
      return applyEvent({ ...state, sessionId: action.sessionId }, action.event);
    case 'finished': {
      if (state.sessionId !== null && state.sessionId !== action.finished.sessionId) return state;
      const result = action.finished.result;
      const status: FlashStatus = result
        ? result.ok
          ? 'ok'
          : result.cancelled
            ? 'cancelled'
            : 'failed'
        : 'error';
      return { ...state, status, wait: null, failure: action.finished.error ?? state.failure };
    }
    case 'restore': {
      let next: FlashState = {
        ...initialFlashState,
        sessionId: action.view.sessionId,
        status: 'running',
        layoutPath: action.view.layoutPath,
        targetPort: action.view.target.portPath,
        plannedBytes: action.plannedBytes,
      };
      for (const event of action.view.events) next = applyEvent(next, event);
      return action.view.finished
        ? flashReducer(next, { type: 'finished', finished: action.view.finished })
        : next;
    }
    case 'cancel-requested':
      return { ...state, cancelRequested: true };
    case 'reset':
      return initialFlashState;
  }
}

function applyEvent(state: FlashState, event: FlashEvent): FlashState {
  const base: FlashState = {
    ...state,
    status: state.status === 'starting' ? 'running' : state.status,
    lastTMs: Math.max(state.lastTMs, event.tMs),
  };
  if (event.type === 'partition-progress') {
    return {
      ...base,
      partitions: updateLast(base.partitions, event.phaseId, (p) => ({
        ...p,
        bytesSent: event.bytesSent,
        sizeBytes: event.totalBytes,
        rateBytesPerS: event.rateBytesPerS,
        etaMs: event.etaMs,
      })),
    };
  }
  const next: FlashState = { ...base, events: [...base.events, event] };
  switch (event.type) {
    case 'session-start':
      return { ...next, startedAt: event.at, targetPort: event.target.portPath ?? next.targetPort };
    case 'stage':
      return { ...next, phase: event.phase, stageInfo: event.info ?? next.stageInfo };
    case 'identity':
      return event.role === 'target' && event.change === 'connect'
        ? { ...next, targetPort: event.identity.portPath, stageInfo: event.info }
        : next;
    case 'wait-start':
      return {
        ...next,
        wait: {
          after: event.after,
          expecting: [...event.expecting],
          portPath: event.portPath,
          timeoutMs: event.timeoutMs,
          deadlineAt: event.deadlineAt,
          startTMs: event.tMs,
        },
      };
    case 'wait-end':
      return { ...next, wait: null };
    case 'partition-start':
      return {
        ...next,
        partitions: [
          ...next.partitions,
          {
            phaseId: event.phaseId,
            name: event.name,
            stage: event.stage,
            sizeBytes: event.sizeBytes,
            bytesSent: 0,
            rateBytesPerS: 0,
            etaMs: null,
            state: 'active',
            startTMs: event.tMs,
            durationMs: null,
          },
        ],
      };
    case 'partition-end':
      return {
        ...next,
        partitions: updateLast(next.partitions, event.phaseId, (p) => ({
          ...p,
          bytesSent: event.bytesSent,
          rateBytesPerS: event.rateBytesPerS,
          etaMs: event.ok ? 0 : null,
          state: event.ok ? 'done' : 'failed',
          durationMs: event.durationMs,
        })),
      };
    case 'error':
      return { ...next, error: event.error };
    case 'outcome':
      return {
        ...next,
        outcome: event,
        wait: null,
        status: event.ok ? 'ok' : event.cancelled ? 'cancelled' : 'failed',
        partitions: next.partitions.map((p) => (p.state === 'active' ? { ...p, state: 'failed' } : p)),
      };
    default:
      return next;
  }
}

function updateLast(
  partitions: PartitionProgress[],
  phaseId: number,
  update: (p: PartitionProgress) => PartitionProgress,
): PartitionProgress[] {
  let index = -1;
  for (let i = partitions.length - 1; i >= 0; i--) {
    if (partitions[i]!.phaseId === phaseId) {
      index = i;
      break;
    }
  }
  if (index < 0) return partitions;
  const copy = [...partitions];
  copy[index] = update(partitions[index]!);
  return copy;
}

export interface OverallProgress {
  bytesDone: number;
  totalBytes: number;
  rateBytesPerS: number;
  etaMs: number | null;
  partitionsDone: number;
}

/** Totals over every transfer so far, against what the plan will send. */
export function overallProgress(state: FlashState): OverallProgress {
  let bytesDone = 0;
  let seenBytes = 0;
  let partitionsDone = 0;
  for (const p of state.partitions) {
    bytesDone += p.bytesSent;
    seenBytes += p.sizeBytes;
    if (p.state === 'done') partitionsDone += 1;
  }
  const totalBytes = Math.max(state.plannedBytes, seenBytes);
  const active = [...state.partitions].reverse().find((p) => p.state === 'active');
  const lastDone = [...state.partitions].reverse().find((p) => p.state === 'done');
  const rateBytesPerS = active?.rateBytesPerS || lastDone?.rateBytesPerS || 0;
  const remaining = Math.max(0, totalBytes - bytesDone);
  const etaMs =
    state.status === 'ok'
      ? 0
      : rateBytesPerS > 0 && isFlashActive(state)
        ? (remaining / rateBytesPerS) * 1000
        : null;
  return { bytesDone, totalBytes, rateBytesPerS, etaMs, partitionsDone };
}

/** Milliseconds left before the current wait times out, at wall time `nowMs` (Date.now()). */
export function waitRemainingMs(wait: FlashWait, nowMs: number): number {
  const deadline = Date.parse(wait.deadlineAt);
  return Number.isNaN(deadline) ? wait.timeoutMs : Math.max(0, deadline - nowMs);
}
