import { AppError } from '../core/app-error.js';
import type {
  ControlInResult,
  ControlOutResult,
  IoOptions,
  UsbTransport,
} from '../transport/usb-transport.js';
import type { DfuRequestName } from './dfu-anomaly.js';
import { decodeDfuState, decodeDfuStatus, DFU_STATUS_LENGTH_BYTES, type DfuStatus } from './dfu-status.js';

/**
 * One function per DFU 1.1 class request. No policy here: a STALL comes back as `{ status: 'stall' }`
 * because what it means depends on the request (a stalled DETACH is usually the board leaving, a
 * stalled DNLOAD is TF-A refusing data). Transport errors propagate with the request named in fields.
 *
 * bmRequestType is 0x21 (OUT) / 0xA1 (IN): class request to an interface, wIndex = interface number.
 */
export const DFU_REQUEST = {
  DETACH: 0,
  DNLOAD: 1,
  UPLOAD: 2,
  GETSTATUS: 3,
  CLRSTATUS: 4,
  GETSTATE: 5,
  ABORT: 6,
} as const;

export type DfuStatusResult = { status: 'ok'; value: DfuStatus } | { status: 'stall' };
export type DfuStateResult = { status: 'ok'; state: number; stateName: string } | { status: 'stall' };

function classSetup(request: number, value: number, interfaceNumber: number) {
  return {
    requestType: 'class' as const,
    recipient: 'interface' as const,
    request,
    value: value & 0xffff,
    index: interfaceNumber,
  };
}

/**
 * A transport failure, re-thrown with the DFU request it interrupted, keeping the transport's code
 * (`timeout`, `device-gone`, `aborted`, `transfer-failed`) so callers can still branch on it.
 */
export function requestError(
  request: DfuRequestName,
  extra: Record<string, unknown>,
  error: unknown,
): AppError {
  if (error instanceof AppError) {
    if ('request' in error.fields) return error;
    return new AppError(
      error.code,
      `${request}: ${error.message}`,
      { ...error.fields, request, ...extra },
      error.hint,
      { cause: error },
    );
  }
  return new AppError('transfer-failed', `${request}: ${String(error)}`, { request, ...extra }, null, {
    cause: error,
  });
}

/** Runs `run` and re-throws its failure through `requestError`. */
export async function withRequestContext<T>(
  request: DfuRequestName,
  extra: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw requestError(request, extra, error);
  }
}

/** DFU 1.1 §5.1 DFU_DETACH. wValue is the detach timeout; TF-A and U-Boot ignore it (protocol §3.1). */
export function dfuDetach(
  transport: UsbTransport,
  interfaceNumber: number,
  detachTimeoutMs: number,
  io: IoOptions,
): Promise<ControlOutResult> {
  return withRequestContext('DETACH', {}, () =>
    transport.controlOut(
      classSetup(DFU_REQUEST.DETACH, Math.min(detachTimeoutMs, 0xffff), interfaceNumber),
      new Uint8Array(0),
      io,
    ),
  );
}

/**
 * DFU 1.1 §6.1.1 DFU_DNLOAD. wValue is the block number (the caller wraps it at 0x10000); an empty
 * `data` is the zero-length DNLOAD that ends the download and starts manifestation.
 */
export async function dfuDnload(
  transport: UsbTransport,
  interfaceNumber: number,
  blockNumber: number,
  data: Uint8Array,
  io: IoOptions,
): Promise<ControlOutResult> {
  // Called once per 4 KiB block: no wrapper closure here, the context is built only on failure.
  let result: ControlOutResult;
  try {
    result = await transport.controlOut(
      classSetup(DFU_REQUEST.DNLOAD, blockNumber, interfaceNumber),
      data,
      io,
    );
  } catch (error) {
    throw requestError('DNLOAD', { blockNumber, lengthBytes: data.length }, error);
  }
  if (result.status === 'ok' && result.bytesWritten !== data.length) {
    throw new AppError(
      'dfu-protocol',
      `DNLOAD block ${blockNumber}: the device took ${result.bytesWritten} of ${data.length} bytes.`,
      { request: 'DNLOAD', blockNumber, lengthBytes: data.length, bytesWritten: result.bytesWritten },
    );
  }
  return result;
}

/** DFU 1.1 §6.2.1 DFU_UPLOAD. A reply shorter than `lengthBytes` ends the upload. */
export function dfuUpload(
  transport: UsbTransport,
  interfaceNumber: number,
  blockNumber: number,
  lengthBytes: number,
  io: IoOptions,
): Promise<ControlInResult> {
  return withRequestContext('UPLOAD', { blockNumber, lengthBytes }, () =>
    transport.controlIn(classSetup(DFU_REQUEST.UPLOAD, blockNumber, interfaceNumber), lengthBytes, io),
  );
}

/** DFU 1.1 §6.1.2 DFU_GETSTATUS. A reply shorter than 6 bytes is a protocol error. */
export async function dfuGetStatus(
  transport: UsbTransport,
  interfaceNumber: number,
  io: IoOptions,
): Promise<DfuStatusResult> {
  // Called once per block, like DNLOAD: no wrapper closure.
  let result: ControlInResult;
  try {
    result = await transport.controlIn(
      classSetup(DFU_REQUEST.GETSTATUS, 0, interfaceNumber),
      DFU_STATUS_LENGTH_BYTES,
      io,
    );
  } catch (error) {
    throw requestError('GETSTATUS', {}, error);
  }
  if (result.status === 'stall') return result;
  const value = decodeDfuStatus(result.data);
  if (!value) {
    throw new AppError('dfu-protocol', `GETSTATUS returned ${result.data.length} bytes instead of 6.`, {
      request: 'GETSTATUS',
      replyBytes: Array.from(result.data),
    });
  }
  return { status: 'ok', value };
}

/** DFU 1.1 §6.1.3 DFU_CLRSTATUS. Only valid in dfuERROR: TF-A turns it into an error elsewhere (§3.3). */
export function dfuClrStatus(
  transport: UsbTransport,
  interfaceNumber: number,
  io: IoOptions,
): Promise<ControlOutResult> {
  return withRequestContext('CLRSTATUS', {}, () =>
    transport.controlOut(classSetup(DFU_REQUEST.CLRSTATUS, 0, interfaceNumber), new Uint8Array(0), io),
  );
}

/** DFU 1.1 §6.1.4 DFU_GETSTATE: the state without the side effects GETSTATUS has on some devices. */
export async function dfuGetState(
  transport: UsbTransport,
  interfaceNumber: number,
  io: IoOptions,
): Promise<DfuStateResult> {
  const result = await withRequestContext('GETSTATE', {}, () =>
    transport.controlIn(classSetup(DFU_REQUEST.GETSTATE, 0, interfaceNumber), 1, io),
  );
  if (result.status === 'stall') return result;
  const decoded = decodeDfuState(result.data);
  if (!decoded) {
    throw new AppError('dfu-protocol', 'GETSTATE returned no byte.', { request: 'GETSTATE' });
  }
  return { status: 'ok', ...decoded };
}

/** DFU 1.1 §6.1.5 DFU_ABORT: back to dfuIDLE from dfuIDLE, dfuDNLOAD-IDLE or dfuUPLOAD-IDLE. */
export function dfuAbort(
  transport: UsbTransport,
  interfaceNumber: number,
  io: IoOptions,
): Promise<ControlOutResult> {
  return withRequestContext('ABORT', {}, () =>
    transport.controlOut(classSetup(DFU_REQUEST.ABORT, 0, interfaceNumber), new Uint8Array(0), io),
  );
}
