/**
 * DFU 1.1 numbers as the protocol document lists them (§3.1) and the ST phase ids (§4.1). Kept apart
 * from main/dfu on purpose: the simulator is written from the document, not from the host code.
 */

export const DFU_REQUEST = {
  detach: 0,
  dnload: 1,
  upload: 2,
  getStatus: 3,
  clrStatus: 4,
  getState: 5,
  abort: 6,
} as const;

export const DFU_STATE = {
  appIdle: 0,
  appDetach: 1,
  dfuIdle: 2,
  dnloadSync: 3,
  dnBusy: 4,
  dnloadIdle: 5,
  manifestSync: 6,
  manifest: 7,
  manifestWaitReset: 8,
  uploadIdle: 9,
  dfuError: 10,
} as const;

export const DFU_STATUS = {
  ok: 0x00,
  errTarget: 0x01,
  errFile: 0x02,
  errWrite: 0x03,
  errErase: 0x04,
  errCheckErased: 0x05,
  errProg: 0x06,
  errVerify: 0x07,
  errAddress: 0x08,
  errNotDone: 0x09,
  errFirmware: 0x0a,
  errVendor: 0x0b,
  errUsbr: 0x0c,
  errPor: 0x0d,
  errUnknown: 0x0e,
  errStalledPkt: 0x0f,
} as const;

/** Phase ids on the wire (§4.1). */
export const PHASE = {
  flashLayout: 0x00,
  fsbl: 0x01,
  ddrFip: 0x02,
  ssbl: 0x03,
  firstUser: 0x10,
  lastUser: 0xf0,
  cmd: 0xf1,
  otp: 0xf2,
  pmic: 0xf4,
  end: 0xfe,
  reset: 0xff,
} as const;

const REQUEST_NAMES = ['DETACH', 'DNLOAD', 'UPLOAD', 'GETSTATUS', 'CLRSTATUS', 'GETSTATE', 'ABORT'];
const STATE_NAMES = [
  'appIDLE',
  'appDETACH',
  'dfuIDLE',
  'dfuDNLOAD-SYNC',
  'dfuDNBUSY',
  'dfuDNLOAD-IDLE',
  'dfuMANIFEST-SYNC',
  'dfuMANIFEST',
  'dfuMANIFEST-WAIT-RESET',
  'dfuUPLOAD-IDLE',
  'dfuERROR',
];

export function dfuRequestName(request: number): string {
  return REQUEST_NAMES[request] ?? `request-${request}`;
}

export function dfuStateName(state: number): string {
  return STATE_NAMES[state] ?? `state-${state}`;
}

/** The 6-byte GETSTATUS payload: bStatus, bwPollTimeout (24-bit LE, ms), bState, iString (§3.1). */
export function getStatusPayload(status: number, pollTimeoutMs: number, state: number): Uint8Array {
  const poll = Math.max(0, Math.min(0xffffff, Math.round(pollTimeoutMs)));
  return Uint8Array.of(status, poll & 0xff, (poll >> 8) & 0xff, (poll >> 16) & 0xff, state, 0);
}

/** The GetPhase reply header (§4.2): phase, address LE, offset LE. */
export function phaseReplyHeader(phase: number, address: number, offset: number): Uint8Array {
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  out[0] = phase & 0xff;
  view.setUint32(1, address >>> 0, true);
  view.setUint32(5, offset >>> 0, true);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

export function hex(value: number, digits = 0): string {
  return value.toString(16).toUpperCase().padStart(digits, '0');
}
