import type { CallOptions, DfuClient } from '../dfu/dfu-client.js';
import { formatPhaseId, isPartitionPhase, PHASE, phaseName } from './phase-ids.js';

/**
 * GetPhase (protocol §4.2): UPLOAD from the virtual 0xF1 alt. Layout, little-endian:
 *   [0] phase  [1..4] address  [5..8] offset  then, only for phase 0x00, [9] need-detach,
 *   or, only for phase 0xFF, [9..] error text (ASCII, no NUL).
 * U-Boot sends a 10th byte for phase 0x00 always; TF-A only when it wants a detach; old TF-A asks for
 * the layout with 9 bytes. Odd replies are described, not thrown.
 */

/** wLength for GetPhase: the alt's declared size, as P1 and B1 use; U-Boot's reply ignores wLength. */
export const GET_PHASE_REQUEST_BYTES = 512;
export const GET_PHASE_MIN_BYTES = 9;
export const UNDEFINED_ADDRESS = 0xffffffff;

export type PhaseAction =
  /** Phase 0x00, flag 1 (or TF-A's undefined address): DETACH, then wait for the next enumeration. */
  | 'detach'
  /** Phase 0x00 without the flag: send the FlashLayout to the 0x00 alt. */
  | 'send-layout'
  /** Phase 0x01–0xF0: send the layout line with this ID to its alt. */
  | 'download'
  /** 0xFE: nothing left. */
  | 'done'
  /** 0xFF: the device failed; `errorText` says why; DETACH resets the board (2nd enumeration). */
  | 'error'
  /** A phase the host has no rule for (0xF1–0xFD) or a reply too short to read. */
  | 'unexpected';

export interface PhaseReport {
  /** False when fewer than 9 bytes came back; the other fields are then best effort. */
  complete: boolean;
  phase: number;
  phaseName: string;
  address: number;
  addressDefined: boolean;
  offset: number;
  /** Only for phase 0x00: the flag byte, or null when absent (old TF-A, 9 bytes). */
  needDetach: boolean | null;
  /** Only for phase 0xFF: the message, trailing NULs/whitespace removed. */
  errorText: string | null;
  action: PhaseAction;
  /** Anything unusual about the reply (length, extra bytes, flag values other than 0/1). */
  oddities: string[];
  rawHex: string;
}

const u32le = (d: Uint8Array, o: number): number =>
  (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;

function toHex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function decodeText(bytes: Uint8Array): string {
  // ASCII per the sources; map bytes 1:1 so nothing is lost if a firmware sends Latin-1.
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text.replace(/[\0\s]+$/u, '');
}

function actionFor(phase: number, needDetach: boolean | null, addressDefined: boolean): PhaseAction {
  if (phase === PHASE.flashLayout) {
    // TF-A signals "detach" with both the flag and an undefined address; trust either.
    return needDetach === true || (needDetach === null && !addressDefined) ? 'detach' : 'send-layout';
  }
  if (phase === PHASE.end) return 'done';
  if (phase === PHASE.reset) return 'error';
  if (isPartitionPhase(phase)) return 'download';
  return 'unexpected';
}

export function decodeGetPhase(data: Uint8Array): PhaseReport {
  const oddities: string[] = [];
  const complete = data.length >= GET_PHASE_MIN_BYTES;
  if (!complete)
    oddities.push(`reply is ${data.length} bytes, GetPhase needs at least ${GET_PHASE_MIN_BYTES}`);
  const padded = new Uint8Array(Math.max(GET_PHASE_MIN_BYTES, data.length));
  padded.set(data);
  const phase = padded[0]!;
  const address = u32le(padded, 1);
  const offset = u32le(padded, 5);
  const addressDefined = address !== UNDEFINED_ADDRESS;
  let needDetach: boolean | null = null;
  let errorText: string | null = null;
  const tail = data.subarray(Math.min(GET_PHASE_MIN_BYTES, data.length));

  if (phase === PHASE.flashLayout && tail.length > 0) {
    needDetach = tail[0]! !== 0;
    if (tail[0]! > 1) oddities.push(`need-detach byte is 0x${tail[0]!.toString(16)}, expected 0 or 1`);
    if (tail.length > 1) oddities.push(`${tail.length - 1} unexpected bytes after the need-detach flag`);
  } else if (phase === PHASE.reset) {
    errorText = complete ? decodeText(tail) : null;
    if (complete && errorText === '') oddities.push('phase 0xFF without an error message');
  } else if (tail.length > 0) {
    oddities.push(
      `${tail.length} unexpected bytes after the 9-byte header for phase ${formatPhaseId(phase)}`,
    );
  }
  const action = complete ? actionFor(phase, needDetach, addressDefined) : 'unexpected';
  if (action === 'unexpected' && complete) oddities.push(`no host rule for phase ${formatPhaseId(phase)}`);
  return {
    complete,
    phase,
    phaseName: phaseName(phase),
    address,
    addressDefined,
    offset,
    needDetach,
    errorText,
    action,
    oddities,
    rawHex: toHex(data),
  };
}

/**
 * SET_INTERFACE to the virtual alt, make sure of dfuIDLE, UPLOAD 512 bytes, decode. On U-Boot,
 * reading 0xFF arms the board reset for the next DETACH (§4.2): read it once, then act.
 */
export async function getPhase(
  client: DfuClient,
  virtualAlt: number,
  call: CallOptions = {},
): Promise<PhaseReport> {
  const data = await client.upload({
    alternate: virtualAlt,
    requestLengthBytes: GET_PHASE_REQUEST_BYTES,
    maxBytes: GET_PHASE_REQUEST_BYTES,
    signal: call.signal,
    timeoutMs: call.timeoutMs,
    context: 'GetPhase',
  });
  return decodeGetPhase(data);
}
