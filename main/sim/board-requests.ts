import { AppError } from '../core/app-error.js';
import type { ControlSetup, IoOptions } from '../transport/usb-transport.js';
import type { BoardContext } from './board-context.js';
import type { BoardLifecycle } from './board-lifecycle.js';
import { LANGID_DESCRIPTOR, stringDescriptor } from './descriptors.js';
import { DFU_REQUEST, dfuRequestName } from './dfu-codes.js';
import type { JobEnd, JobRun } from './request-engine.js';
import type { DfuStage, StageOutcome } from './stage-types.js';
import { controlTransferMs } from './timing-model.js';
import type { TransferKind, TransferLogEntry, TransferOutcome } from './transfer-log.js';

/** One call on a simulated UsbTransport. */
export type TransportOp =
  | { kind: 'control-in'; setup: ControlSetup; length: number }
  | { kind: 'control-out'; setup: ControlSetup; data: Uint8Array }
  | { kind: 'set-alternate'; interfaceNumber: number; alternate: number }
  | { kind: 'select-configuration'; value: number }
  | { kind: 'claim-interface'; interfaceNumber: number }
  | { kind: 'usb-reset' };

const GET_STATUS = 0;
const GET_DESCRIPTOR = 6;
const GET_CONFIGURATION = 8;
const SET_CONFIGURATION = 9;
const GET_INTERFACE = 10;
const SET_INTERFACE = 11;
const DFU_FUNCTIONAL = 0x21;
/** Reset signalling plus re-addressing, roughly. */
const USB_RESET_MS = 20;

function requestName(op: TransportOp): string {
  switch (op.kind) {
    case 'set-alternate':
      return 'SET_INTERFACE';
    case 'select-configuration':
      return 'SET_CONFIGURATION';
    case 'claim-interface':
      return 'CLAIM_INTERFACE';
    case 'usb-reset':
      return 'USB_RESET';
    default: {
      const { setup } = op;
      if (setup.requestType === 'class') {
        if (op.kind === 'control-in' && setup.request === GET_DESCRIPTOR) return 'GET_DESCRIPTOR(class 0x21)';
        return dfuRequestName(setup.request);
      }
      if (setup.requestType === 'standard' && setup.request === GET_DESCRIPTOR) {
        return `GET_DESCRIPTOR(type ${setup.value >> 8}, index ${setup.value & 0xff})`;
      }
      return `${setup.requestType} request ${setup.request}`;
    }
  }
}

function kindOf(op: TransportOp): TransferKind {
  return op.kind === 'usb-reset' ? 'usb-reset' : op.kind;
}

function lengthOf(op: TransportOp): number {
  if (op.kind === 'control-in') return op.length;
  if (op.kind === 'control-out') return op.data.length;
  return 0;
}

function outcomeOf(end: JobEnd, value: unknown, error: AppError | undefined): TransferOutcome {
  if (end === 'timeout' || end === 'aborted') return end;
  if (end === 'error') {
    if (error?.code === 'device-gone') return 'device-gone';
    return 'transfer-failed';
  }
  if (
    value === 'stall' ||
    (typeof value === 'object' && value !== null && (value as { status?: string }).status === 'stall')
  ) {
    return 'stall';
  }
  return 'ok';
}

/** Standard requests answered from the stage's descriptor set (§2.1–§2.3). */
function standardIn(stage: DfuStage, setup: ControlSetup): Uint8Array | null {
  const set = stage.descriptors();
  if (setup.request === GET_DESCRIPTOR) {
    const type = setup.value >> 8;
    const index = setup.value & 0xff;
    if (type === 1) return set.device;
    if (type === 2) return set.configuration;
    if (type === 3) {
      if (index === 0) return LANGID_DESCRIPTOR;
      const text = set.strings.get(index);
      return text === undefined ? null : stringDescriptor(text);
    }
    if (type === 6) return set.qualifier;
    if (type === DFU_FUNCTIONAL) return set.functional;
    return null;
  }
  if (setup.request === GET_STATUS) return Uint8Array.of(0x01, 0x00);
  if (setup.request === GET_CONFIGURATION) return Uint8Array.of(1);
  if (setup.request === GET_INTERFACE) return Uint8Array.of(stage.currentAlt());
  return null;
}

/** Routes one control transfer to the standard handler or the stage's DFU handler. */
function dispatch(
  stage: DfuStage,
  op: Extract<TransportOp, { kind: 'control-in' | 'control-out' }>,
): StageOutcome {
  const { setup } = op;
  const stall: StageOutcome = { reply: { kind: 'stall' } };
  if (setup.requestType === 'standard') {
    if (op.kind === 'control-in') {
      const data = standardIn(stage, setup);
      return data ? { reply: { kind: 'data', data: data.subarray(0, op.length) } } : stall;
    }
    if (setup.request === SET_CONFIGURATION) return setup.value <= 1 ? { reply: { kind: 'ack' } } : stall;
    if (setup.request === SET_INTERFACE) {
      return stage.selectAlternate(setup.value) === 'ok' ? { reply: { kind: 'ack' } } : stall;
    }
    return stall;
  }
  if (setup.requestType !== 'class' || setup.recipient !== 'interface' || setup.index !== 0) return stall;
  if (op.kind === 'control-in' && setup.request === GET_DESCRIPTOR) {
    // Class GET_DESCRIPTOR for the functional descriptor (§2.2); a DFU ABORT is an OUT request.
    return setup.value >> 8 === DFU_FUNCTIONAL
      ? { reply: { kind: 'data', data: stage.descriptors().functional.subarray(0, op.length) } }
      : stall;
  }
  return stage.handle({
    direction: op.kind === 'control-in' ? 'in' : 'out',
    request: setup.request,
    value: setup.value,
    index: setup.index,
    wLength: op.kind === 'control-in' ? op.length : op.data.length,
    data: op.kind === 'control-out' ? op.data : new Uint8Array(0),
  });
}

/**
 * Services one transport call against the board: checks the handle, applies the scenario that cuts
 * the cable, dispatches, times the reply, and fills the transfer log.
 */
export function submitTransportOp(
  ctx: BoardContext,
  lifecycle: BoardLifecycle,
  unplugState: { bytes: number },
  connectionId: string,
  op: TransportOp,
  options: IoOptions,
): Promise<unknown> {
  const gone = (): AppError =>
    new AppError('device-gone', 'The device is no longer on the bus (this handle is stale).', {
      connectionId,
    });
  const entry: TransferLogEntry = ctx.log.begin({
    connectionId,
    stage: null,
    kind: kindOf(op),
    setup: op.kind === 'control-in' || op.kind === 'control-out' ? op.setup : null,
    request: requestName(op),
    lengthBytes: lengthOf(op),
  });
  const engine = ctx.engine;
  if (!engine) {
    ctx.currentLogSeq = entry.seq;
    ctx.violation('request-after-gone', `${entry.request} on ${connectionId} while the board is unplugged`);
    ctx.log.finish(entry, 'device-gone');
    return Promise.reject(gone());
  }
  let stateAfter: number | null = null;
  return engine.submit<unknown>({
    options,
    queued: () => {
      // The transport lends the host's buffer (see SimulatedTransport.controlOut).
      if (op.kind === 'control-out') op.data = op.data.slice();
    },
    settled: (end, value, error) => {
      const data = (value as { data?: Uint8Array } | undefined)?.data;
      const pollTimeoutMs =
        entry.request === 'GETSTATUS' && data && data.length >= 4
          ? data[1]! | (data[2]! << 8) | (data[3]! << 16)
          : null;
      ctx.log.finish(entry, outcomeOf(end, value, error), {
        stateAfter,
        replyBytes: data ? data.length : null,
        pollTimeoutMs,
        note: error && end === 'error' ? error.message : null,
      });
    },
    run: (): JobRun<unknown> => {
      ctx.currentLogSeq = entry.seq;
      const connection = ctx.connection;
      if (!connection || connection.id !== connectionId) {
        ctx.violation('request-after-gone', `${entry.request} on stale handle ${connectionId}`);
        return { kind: 'error', error: gone() };
      }
      entry.stage = connection.stage;
      if (ctx.firmwareDead) return { kind: 'hang' };
      const stage = ctx.stage!;
      entry.stateBefore = stage.dfuState();
      entry.alt = stage.currentAlt();
      const timing = ctx.settings.timing;
      const finish = (value: unknown, bytes: number, extra: Partial<StageOutcome> = {}): JobRun<unknown> => {
        stateAfter = ctx.stage?.dfuState() ?? null;
        const signals = ctx.pendingSignals;
        ctx.pendingSignals = [];
        return {
          kind: 'reply',
          value,
          serviceMs: controlTransferMs(timing, bytes) + (extra.extraServiceMs ?? 0),
          busyAfterMs: extra.busyAfterMs ?? 0,
          after: signals.length > 0 ? () => lifecycle.handleSignals(signals) : undefined,
        };
      };
      switch (op.kind) {
        case 'claim-interface':
          if (op.interfaceNumber !== 0) {
            return {
              kind: 'error',
              error: new AppError('transfer-failed', 'No such interface.', { interface: op.interfaceNumber }),
            };
          }
          return { kind: 'reply', value: undefined, serviceMs: 0, busyAfterMs: 0 };
        case 'select-configuration':
          if (op.value !== 1) {
            return {
              kind: 'error',
              error: new AppError('transfer-failed', 'SET_CONFIGURATION stalled.', { value: op.value }),
            };
          }
          return finish(undefined, 0);
        case 'set-alternate':
          ctx.pendingSignals = [];
          return finish(op.interfaceNumber === 0 ? stage.selectAlternate(op.alternate) : 'stall', 0);
        case 'usb-reset': {
          if (lifecycle.ubootDetachPending()) {
            ctx.violation('reset-after-uboot-detach', 'USB reset after DETACH to U-Boot: the board reboots');
          }
          const effect = lifecycle.beginUsbReset();
          return { kind: 'reply', value: undefined, serviceMs: USB_RESET_MS, busyAfterMs: 0, after: effect };
        }
        default:
          break;
      }
      const unplug = ctx.settings.faults.unplug;
      if (
        unplug &&
        op.kind === 'control-out' &&
        op.setup.requestType === 'class' &&
        op.setup.request === DFU_REQUEST.dnload &&
        connection.stage === unplug.stage
      ) {
        unplugState.bytes += op.data.length;
        if (unplugState.bytes > unplug.afterBytes) {
          ctx.note('cable pulled', `after ${unplugState.bytes} bytes in ${unplug.stage} (scenario unplug)`);
          ctx.host?.unplugSelf();
          return { kind: 'error', error: gone() };
        }
      }
      ctx.pendingSignals = [];
      const outcome = dispatch(stage, op);
      const reply = outcome.reply;
      if (reply.kind === 'hang') return { kind: 'hang' };
      if (reply.kind === 'stall') return finish({ status: 'stall' }, 0, outcome);
      if (op.kind === 'control-out')
        return finish({ status: 'ok', bytesWritten: op.data.length }, op.data.length, outcome);
      const data = reply.kind === 'data' ? reply.data : new Uint8Array(0);
      if (data.length > op.length) {
        // The device sends more than wLength: the host sees an overflow (§4.2 UPLOAD size quirk).
        ctx.violation(
          'upload-wlength-too-small',
          `device answered ${data.length} bytes to a ${op.length}-byte ${entry.request}`,
        );
        const signals = ctx.pendingSignals;
        ctx.pendingSignals = [];
        lifecycle.handleSignals(signals);
        stateAfter = ctx.stage?.dfuState() ?? null;
        return {
          kind: 'error',
          error: new AppError('transfer-failed', 'Control IN overflow: the device sent more than wLength.', {
            reason: 'overflow',
            requestedBytes: op.length,
            sentBytes: data.length,
          }),
        };
      }
      return finish({ status: 'ok', data: data.slice() }, data.length, outcome);
    },
  });
}
