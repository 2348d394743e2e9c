/**
 * DFU 1.1 status and state numbers (spec §6.1.2, Appendix A) and decoders that accept every byte.
 * A device that reports a value outside the spec is evidence, not a crash: unknown values get a name
 * such as `unknown-state(0x0b)` so journals and diagnosis can still show what was seen.
 */

export const DFU_STATE = {
  appIDLE: 0,
  appDETACH: 1,
  dfuIDLE: 2,
  dfuDNLOAD_SYNC: 3,
  dfuDNBUSY: 4,
  dfuDNLOAD_IDLE: 5,
  dfuMANIFEST_SYNC: 6,
  dfuMANIFEST: 7,
  dfuMANIFEST_WAIT_RESET: 8,
  dfuUPLOAD_IDLE: 9,
  dfuERROR: 10,
} as const;

export const DFU_STATUS = {
  OK: 0x00,
  errTARGET: 0x01,
  errFILE: 0x02,
  errWRITE: 0x03,
  errERASE: 0x04,
  errCHECK_ERASED: 0x05,
  errPROG: 0x06,
  errVERIFY: 0x07,
  errADDRESS: 0x08,
  errNOTDONE: 0x09,
  errFIRMWARE: 0x0a,
  errVENDOR: 0x0b,
  errUSBR: 0x0c,
  errPOR: 0x0d,
  errUNKNOWN: 0x0e,
  errSTALLEDPKT: 0x0f,
} as const;

// Spellings follow the spec text (hyphenated), which is what dfu-util and ST logs print.
const STATE_NAMES: readonly string[] = [
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

const STATUS_NAMES: readonly string[] = [
  'OK',
  'errTARGET',
  'errFILE',
  'errWRITE',
  'errERASE',
  'errCHECK_ERASED',
  'errPROG',
  'errVERIFY',
  'errADDRESS',
  'errNOTDONE',
  'errFIRMWARE',
  'errVENDOR',
  'errUSBR',
  'errPOR',
  'errUNKNOWN',
  'errSTALLEDPKT',
];

function hexByte(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

export function dfuStateName(state: number): string {
  return STATE_NAMES[state] ?? `unknown-state(${hexByte(state)})`;
}

export function dfuStatusName(status: number): string {
  return STATUS_NAMES[status] ?? `unknown-status(${hexByte(status)})`;
}

/** The 6-byte DFU_GETSTATUS payload, decoded. */
export interface DfuStatus {
  status: number;
  statusName: string;
  /** bwPollTimeout: minimum time before the next GETSTATUS (24-bit little-endian). */
  pollTimeoutMs: number;
  state: number;
  stateName: string;
  /** Index of a vendor string describing the status; 0 when none. */
  iString: number;
}

export const DFU_STATUS_LENGTH_BYTES = 6;

/**
 * Decodes a GETSTATUS reply. Returns null only when fewer than 6 bytes arrived (a reply the caller must
 * report as a protocol error); trailing extra bytes are ignored as the spec defines only 6.
 */
export function decodeDfuStatus(data: Uint8Array): DfuStatus | null {
  if (data.length < DFU_STATUS_LENGTH_BYTES) return null;
  const status = data[0]!;
  const state = data[4]!;
  return {
    status,
    statusName: dfuStatusName(status),
    pollTimeoutMs: data[1]! | (data[2]! << 8) | (data[3]! << 16),
    state,
    stateName: dfuStateName(state),
    iString: data[5]!,
  };
}

/** Decodes a GETSTATE reply (one byte). Null when the reply is empty. */
export function decodeDfuState(data: Uint8Array): { state: number; stateName: string } | null {
  if (data.length < 1) return null;
  const state = data[0]!;
  return { state, stateName: dfuStateName(state) };
}

/** Encodes a status (tests and simulators build replies with it; kept next to the decoder). */
export function encodeDfuStatus(fields: {
  status?: number;
  pollTimeoutMs?: number;
  state: number;
  iString?: number;
}): Uint8Array {
  const poll = fields.pollTimeoutMs ?? 0;
  return Uint8Array.of(
    fields.status ?? 0,
    poll & 0xff,
    (poll >> 8) & 0xff,
    (poll >> 16) & 0xff,
    fields.state,
    fields.iString ?? 0,
  );
}
