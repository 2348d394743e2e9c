import { randomUUID } from 'node:crypto';
import type { BoardIdentity } from '../../shared/domain/board-identity.js';
import type { BootStage, FlashEvent, FlashEventBody, StageInfo } from '../../shared/domain/flash-event.js';
import { planHasErrors } from '../../shared/domain/flash-plan.js';
import { AppError, isAppError } from '../core/app-error.js';
import { DfuClient } from '../dfu/dfu-client.js';
import { DFU_STATE } from '../dfu/dfu-status.js';
import { vmAdviceText } from '../host/vm-advice-text.js';
import { diagnose } from '../session/diagnosis/diagnose.js';
import { detectStage } from '../stm32mp/stage-detect.js';
import { BoardFollower } from './board-follower.js';
import type { FlashSessionDeps, FlashSessionRequest, FlashSessionResult } from './flash-session-types.js';
import { buildLayoutPayload } from './layout-payload.js';
import { emitPreflight } from './preflight.js';
import type { SessionContext } from './session-context.js';
import { DEFAULT_STAGE_TIMEOUTS, waitTimeoutMs } from './stage-timeouts.js';
import type { StageOutcome } from './stage-runners.js';
import { runRomStage, runTfaStage, runUbootStage } from './stage-runners.js';
import { stageInfoOf } from './stage-info.js';

/**
 * Flashes one board from a FlashPlan, following it by port path across its re-enumerations
 * (ROM → TF-A → U-Boot → U-Boot again), driven by GetPhase (protocol §4.3). Never throws for a
 * failed flash: the result and the last event (`outcome`) carry the diagnosis. Throws only for a plan
 * with error-severity problems (nothing may touch a board then).
 */
export async function runFlashSession(
  deps: FlashSessionDeps,
  request: FlashSessionRequest,
): Promise<FlashSessionResult> {
  if (planHasErrors(request.plan)) {
    throw new AppError(
      'layout-invalid',
      `${request.plan.layoutPath} has errors; nothing was sent to a board.`,
      {
        problems: request.plan.problems.filter((p) => p.severity === 'error').length,
      },
    );
  }
  const { clock } = deps;
  const sessionId = request.sessionId ?? randomUUID();
  const startMs = clock.nowMs();
  const events: FlashEvent[] = [];
  const emit = (body: FlashEventBody): void => {
    const event = {
      ...body,
      tMs: Math.round((clock.nowMs() - startMs) * 1000) / 1000,
      at: clock.wallNow().toISOString(),
    };
    if (event.type !== 'partition-progress') events.push(event);
    deps.onEvent(event);
  };
  const internal = new AbortController();
  const onOuterAbort = (): void => internal.abort(request.signal?.reason);
  if (request.signal?.aborted) internal.abort(request.signal.reason);
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const context: SessionContext = {
    plan: request.plan,
    layout: buildLayoutPayload(request.plan),
    clock,
    timeouts: { ...DEFAULT_STAGE_TIMEOUTS, ...request.timeouts },
    signal: internal.signal,
    emit,
    detachAtEnd: request.detachAtEnd ?? true,
    phase: 'preflight',
    done: new Map(),
    lastTfaPhase: null,
    layoutSent: false,
    partitionsWritten: 0,
    bytesWritten: 0,
  };
  emit({
    type: 'session-start',
    sessionId,
    layoutPath: request.plan.layoutPath,
    target: request.target,
    host: deps.host,
    appVersion: deps.appVersion,
  });
  emitPreflight(context, deps.host);

  const follower = new BoardFollower({ bus: deps.bus, clock, classify: stageInfoOf, emit }, request.target);
  follower.start();
  let failure: unknown = null;
  try {
    let identity = await follower.findInitial({
      timeoutMs: context.timeouts.startMs,
      signal: context.signal,
    });
    for (;;) {
      const outcome = await runOneEnumeration(context, deps, identity);
      if (outcome.kind === 'done') break;
      identity = await follower.waitForStage({
        after: outcome.after,
        expecting: outcome.expecting,
        timeoutMs: waitTimeoutMs(context.timeouts, outcome.after, request.plan.erase),
        notConnectionId: identity.connectionId,
        signal: context.signal,
      });
    }
    context.phase = 'done';
    emit({ type: 'stage', phase: 'done', info: null, connectionId: null });
  } catch (error) {
    failure = error;
    const data = isAppError(error)
      ? error.toData()
      : {
          code: 'internal' as const,
          message: error instanceof Error ? error.message : String(error),
          hint: null,
          fields: {},
        };
    emit({ type: 'error', stage: context.phase, error: data });
  } finally {
    follower.stop();
    request.signal?.removeEventListener('abort', onOuterAbort);
  }

  const ok = failure === null;
  const cancelled = !ok && (isAppError(failure, 'aborted') || internal.signal.aborted);
  const diagnosis = ok ? null : diagnose(events, { vmFilterAdvice: vmAdviceText });
  const durationMs = clock.nowMs() - startMs;
  emit({
    type: 'outcome',
    ok,
    cancelled,
    symptom: diagnosis?.symptom ?? null,
    diagnosis,
    durationMs,
    partitionsWritten: context.partitionsWritten,
    bytesWritten: context.bytesWritten,
  });
  return {
    sessionId,
    ok,
    cancelled,
    diagnosis,
    durationMs,
    partitionsWritten: context.partitionsWritten,
    bytesWritten: context.bytesWritten,
    board: follower.target,
  };
}

/** Where in the flow an identity puts us: after our layout, a U-Boot with only the layout alts is still the 2nd enumeration. */
function flowStage(info: StageInfo, context: SessionContext): BootStage | 'unknown' {
  if (info.stage === 'uboot-layout' && context.layoutSent) return 'uboot-partitions';
  return info.stage;
}

async function runOneEnumeration(
  context: SessionContext,
  deps: FlashSessionDeps,
  identity: BoardIdentity,
): Promise<StageOutcome> {
  const info = stageInfoOf(identity);
  const family = detectStage(identity).family;
  const stage = flowStage(info, context);
  context.phase = stage === 'unknown' ? context.phase : stage;
  context.emit({ type: 'stage', phase: context.phase, info, connectionId: identity.connectionId });
  if (stage === 'unknown' || family === null) {
    throw new AppError(
      'unknown-stage',
      `The device on port ${identity.portPath} (${identity.product ?? 'no product string'}) is not an STM32MP boot stage this tool knows.`,
      { product: identity.product, portPath: identity.portPath },
      'Is it an STM32MP board in serial boot (USB) mode?',
    );
  }
  checkSoc(context, info, identity);
  const transport = await deps.bus.open(identity.connectionId, {
    timeoutMs: context.timeouts.controlMs,
    signal: context.signal,
  });
  let client: DfuClient | null = null;
  try {
    client = await DfuClient.open(
      transport,
      {
        clock: context.clock,
        timeouts: { controlMs: context.timeouts.controlMs },
        onAnomaly: (anomaly) => {
          const { kind, atMs: _atMs, ...rest } = anomaly;
          context.emit({ type: 'dfu-anomaly', stage, kind, detail: JSON.stringify(rest) });
        },
      },
      { signal: context.signal, timeoutMs: context.timeouts.controlMs },
    );
    switch (stage) {
      case 'rom':
        return await runRomStage(context, client, identity, family);
      case 'tfa':
        return await runTfaStage(context, client, identity, family);
      default:
        return await runUbootStage(context, client, identity, family, stage);
    }
  } catch (error) {
    if (context.signal.aborted && client) await leaveInKnownState(context, client);
    throw error;
  } finally {
    await (client ? client.close() : transport.close());
  }
}

/** On cancel: ABORT a transfer in progress where the state allows it (U-Boot refuses ABORT elsewhere). */
async function leaveInKnownState(context: SessionContext, client: DfuClient): Promise<void> {
  const io = { timeoutMs: context.timeouts.controlMs };
  try {
    const state = await client.getState(io);
    if (state === DFU_STATE.dfuDNLOAD_IDLE || state === DFU_STATE.dfuUPLOAD_IDLE) await client.abort(io);
    else if (state === DFU_STATE.dfuERROR) await client.clearStatus(io);
    context.emit({
      type: 'dfu-anomaly',
      stage: context.phase === 'preflight' || context.phase === 'done' ? 'rom' : context.phase,
      kind: 'cancel-cleanup',
      detail: `state ${state} → idle`,
    });
  } catch {
    // The board may have left the bus; nothing more to do.
  }
}

function checkSoc(context: SessionContext, info: StageInfo, identity: BoardIdentity): void {
  const expected = context.plan.soc.soc;
  if (expected && info.soc && expected !== info.soc) {
    throw new AppError(
      'soc-mismatch',
      `The layout's images are for ${expected.toUpperCase()} (${context.plan.soc.reason}), but the board on port ${identity.portPath} is ${info.soc.toUpperCase()}. Nothing was sent.`,
      { expected, actual: info.soc, portPath: identity.portPath },
      'Check that the right layout and the right board are used.',
    );
  }
}
