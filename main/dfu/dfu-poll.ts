import { AppError } from '../core/app-error.js';
import { abortedError } from '../core/clock.js';
import { dfuGetStatus } from './dfu-requests.js';
import type { CallOptions, DfuClient } from './dfu-client.js';
import { DFU_STATE, dfuStateName, type DfuStatus } from './dfu-status.js';

/**
 * GETSTATUS polling and recovery. Kept apart from the client so the rules about which request is legal
 * in which state sit in one place:
 *  - CLRSTATUS only in dfuERROR (TF-A turns it into an error anywhere else, protocol §3.3);
 *  - ABORT only where DFU 1.1 allows it (dfuIDLE, dfuDNLOAD-IDLE, dfuUPLOAD-IDLE); U-Boot stalls and
 *    enters dfuERROR on an ABORT in the SYNC/MANIFEST states (§3.2);
 *  - the SYNC/BUSY/MANIFEST states are left by asking GETSTATUS again after bwPollTimeout.
 */

export interface WaitForStateOptions {
  /** States that end the wait. */
  accept: readonly number[];
  /** States that mean "not yet": poll again after bwPollTimeout. Anything else is unexpected. */
  transient: readonly number[];
  /**
   * For anomalies and errors: 'block 12', 'manifestation', … A function is called only when the text
   * is needed, so the per-block poll does not build a string that is almost never read.
   */
  context: string | (() => string);
  /** Timeout of each GETSTATUS. */
  statusTimeoutMs: number;
  signal?: AbortSignal;
}

const ABORTABLE: readonly number[] = [DFU_STATE.dfuDNLOAD_IDLE, DFU_STATE.dfuUPLOAD_IDLE];
const SETTLING: readonly number[] = [
  DFU_STATE.dfuDNLOAD_SYNC,
  DFU_STATE.dfuDNBUSY,
  DFU_STATE.dfuMANIFEST_SYNC,
  DFU_STATE.dfuMANIFEST,
];
/** Most recoveries take one or two steps; more means the device is not converging. */
const MAX_RECOVERY_STEPS = 8;
/** Guards against a device that reports a busy state forever with bwPollTimeout 0. */
const MAX_POLLS = 100_000;

/** Sleeps bwPollTimeout (clamped), as the device asked before the next GETSTATUS (DFU 1.1 §6.1.2). */
export async function honourPollTimeout(
  client: DfuClient,
  status: DfuStatus,
  context: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (status.pollTimeoutMs <= 0) return;
  let waitMs = status.pollTimeoutMs;
  if (waitMs > client.timeouts.maxPollTimeoutMs) {
    waitMs = client.timeouts.maxPollTimeoutMs;
    client.report({
      kind: 'poll-timeout-clamped',
      atMs: client.clock.nowMs(),
      context,
      requestedMs: status.pollTimeoutMs,
      usedMs: waitMs,
    });
  }
  await client.clock.sleep(waitMs, signal);
}

export function statusErrorFields(status: DfuStatus, context: string, expected: readonly number[]) {
  return {
    context,
    state: status.state,
    stateName: status.stateName,
    status: status.status,
    statusName: status.statusName,
    iString: status.iString,
    expectedStates: expected.map(dfuStateName),
  };
}

/**
 * After the device said dfuERROR: clear it (so the next GetPhase can read the reason) and return the
 * error describing what went wrong. CLRSTATUS is legal here by construction.
 */
export async function recoverFromErrorState(
  client: DfuClient,
  status: DfuStatus,
  context: string,
  expected: readonly number[],
): Promise<AppError> {
  const fields = statusErrorFields(status, context, expected);
  const error = new AppError(
    'dfu-status-error',
    `${context}: the device reported ${status.statusName} in ${status.stateName}.`,
    fields,
    'The device rejected the transfer. On STM32MP, GetPhase usually tells why (phase 0xFF and a message).',
  );
  try {
    await client.clearStatus({ timeoutMs: client.timeouts.controlMs });
    client.report({
      kind: 'status-error-recovered',
      atMs: client.clock.nowMs(),
      context,
      status: status.status,
      statusName: status.statusName,
      state: status.state,
      stateName: status.stateName,
    });
  } catch (clearError) {
    return new AppError(error.code, error.message, { ...fields, clearStatusFailed: true }, error.hint, {
      cause: clearError,
    });
  }
  return error;
}

export async function waitForState(client: DfuClient, options: WaitForStateOptions): Promise<DfuStatus> {
  const startedMs = client.clock.nowMs();
  const { accept, transient, signal } = options;
  const contextText = (): string =>
    typeof options.context === 'string' ? options.context : options.context();
  // This runs after every DNLOAD block: one IoOptions for all polls, GETSTATUS straight to the
  // request (no per-poll option objects), bwPollTimeout honoured only when the device asks for one.
  const io = client.io({ signal, timeoutMs: options.statusTimeoutMs });
  for (let polls = 1; ; polls++) {
    if (signal?.aborted) throw abortedError(signal);
    const result = await dfuGetStatus(client.transport, client.interfaceNumber, io);
    if (result.status === 'stall') throw client.stallError('GETSTATUS', contextText());
    const status = result.value;
    if (status.state === DFU_STATE.dfuERROR && !accept.includes(DFU_STATE.dfuERROR)) {
      throw await recoverFromErrorState(client, status, contextText(), accept);
    }
    if (status.pollTimeoutMs > 0) await honourPollTimeout(client, status, contextText(), signal);
    if (accept.includes(status.state)) return status;
    if (!transient.includes(status.state)) {
      const context = contextText();
      client.report({
        kind: 'unexpected-state',
        atMs: client.clock.nowMs(),
        context,
        state: status.state,
        stateName: status.stateName,
        expected: [...accept, ...transient].map(dfuStateName),
        action: 'none',
      });
      throw new AppError(
        'dfu-unexpected-state',
        `${context}: the device is in ${status.stateName}, expected ${accept.map(dfuStateName).join(' or ')}.`,
        statusErrorFields(status, context, accept),
      );
    }
    const elapsedMs = client.clock.nowMs() - startedMs;
    if (elapsedMs > client.timeouts.pollBudgetMs || polls >= MAX_POLLS) {
      const context = contextText();
      client.report({
        kind: 'poll-budget-exceeded',
        atMs: client.clock.nowMs(),
        context,
        polls,
        elapsedMs,
      });
      throw new AppError(
        'timeout',
        `${context}: the device stayed in ${status.stateName} for ${polls} polls (${elapsedMs} ms).`,
        { ...statusErrorFields(status, context, accept), polls, elapsedMs },
        'The device is busy for longer than expected; a larger poll budget may help for slow media.',
      );
    }
  }
}

/**
 * Brings the interface to dfuIDLE from wherever it is. Settling states are polled (they move on by
 * themselves on GETSTATUS), dfuERROR is cleared, DNLOAD-IDLE / UPLOAD-IDLE are aborted; appIDLE,
 * appDETACH, MANIFEST-WAIT-RESET and unknown states cannot be fixed from here.
 */
export async function ensureIdle(
  client: DfuClient,
  call: CallOptions & { context?: string },
): Promise<DfuStatus> {
  const context = call.context ?? 'ensure-idle';
  let nextTimeoutMs = call.timeoutMs ?? client.timeouts.controlMs;
  let last: DfuStatus | null = null;
  for (let step = 0; step < MAX_RECOVERY_STEPS; step++) {
    const status = await client.getStatus({ signal: call.signal, timeoutMs: nextTimeoutMs, context });
    last = status;
    await honourPollTimeout(client, status, context, call.signal);
    nextTimeoutMs = call.timeoutMs ?? client.timeouts.controlMs;
    if (status.state === DFU_STATE.dfuIDLE) return status;
    const atMs = client.clock.nowMs();
    const expected = [dfuStateName(DFU_STATE.dfuIDLE)];
    if (status.state === DFU_STATE.dfuERROR) {
      await client.clearStatus({ signal: call.signal, timeoutMs: call.timeoutMs });
      client.report({
        kind: 'status-error-recovered',
        atMs,
        context,
        status: status.status,
        statusName: status.statusName,
        state: status.state,
        stateName: status.stateName,
      });
    } else if (ABORTABLE.includes(status.state)) {
      client.report({
        kind: 'unexpected-state',
        atMs,
        context,
        state: status.state,
        stateName: status.stateName,
        expected,
        action: 'abort',
      });
      await client.abort({ signal: call.signal, timeoutMs: call.timeoutMs });
    } else if (SETTLING.includes(status.state)) {
      client.report({
        kind: 'unexpected-state',
        atMs,
        context,
        state: status.state,
        stateName: status.stateName,
        expected,
        action: 'poll-again',
      });
      // U-Boot answers the GETSTATUS that leaves dfuMANIFEST only after its flush (§3.2).
      if (status.state === DFU_STATE.dfuMANIFEST_SYNC || status.state === DFU_STATE.dfuMANIFEST) {
        nextTimeoutMs = call.timeoutMs ?? client.timeouts.manifestStatusMs;
      }
    } else {
      client.report({
        kind: 'unexpected-state',
        atMs,
        context,
        state: status.state,
        stateName: status.stateName,
        expected,
        action: 'none',
      });
      throw new AppError(
        'dfu-unexpected-state',
        `${context}: the device is in ${status.stateName} and cannot be brought back to dfuIDLE.`,
        statusErrorFields(status, context, [DFU_STATE.dfuIDLE]),
        status.state === DFU_STATE.dfuMANIFEST_WAIT_RESET
          ? 'The device waits for a USB reset after manifestation.'
          : 'The device is not in DFU mode (or reports a state DFU 1.1 does not define).',
      );
    }
  }
  throw new AppError(
    'dfu-unexpected-state',
    `${context}: the device did not return to dfuIDLE after ${MAX_RECOVERY_STEPS} attempts.`,
    last ? statusErrorFields(last, context, [DFU_STATE.dfuIDLE]) : { context },
  );
}

/**
 * After a STALL: what state the device says it is in (for the error's fields), and out of dfuERROR so
 * a following GetPhase can read the device's reason. Never throws: the stall is the failure to report,
 * and failing to learn more must not hide it.
 */
export async function statusAfterStall(
  client: DfuClient,
  context: string,
  idleState: number,
): Promise<Record<string, unknown>> {
  try {
    const status = await client.getStatusRaw({ timeoutMs: client.timeouts.controlMs });
    if (status.status !== 'ok') return {};
    if (status.value.state === DFU_STATE.dfuERROR)
      await recoverFromErrorState(client, status.value, context, [idleState]);
    return {
      state: status.value.state,
      stateName: status.value.stateName,
      status: status.value.status,
      statusName: status.value.statusName,
    };
  } catch {
    return {};
  }
}
