import { AppError } from '../core/app-error.js';
import { PHASE } from './phase-ids.js';

/**
 * The phase command (protocol §4.4, U-Boot only): a DNLOAD of 5 bytes on the 0xF1 alt, applied when
 * the transaction is flushed (on the ZLP). Byte 0 is the phase; bytes 1–4 a 32-bit value, BIG-endian
 * (GetPhase is little-endian: the asymmetry is U-Boot's, S2 `stm32prog_cmd_write`).
 *  - phase 0xFF: jump to `value` as an address ("start", CubeProgrammer -g);
 *  - otherwise: make `phase` current and resume writing its partition at byte `value`.
 * Encode only; a normal flash never needs it.
 */
export const PHASE_COMMAND_BYTES = 5;

export function encodePhaseCommand(phase: number, value: number): Uint8Array {
  if (!Number.isInteger(phase) || phase < 0 || phase > 0xff) {
    throw new AppError('bad-input', `Phase must be a byte, got ${phase}.`, { phase });
  }
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new AppError('bad-input', `Phase command value must be a 32-bit unsigned integer, got ${value}.`, {
      value,
    });
  }
  return Uint8Array.of(
    phase,
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  );
}

/** "Start the code at `address`" (phase 0xFF). U-Boot jumps there during the flush. */
export function encodeStartCommand(address: number): Uint8Array {
  return encodePhaseCommand(PHASE.reset, address);
}

/** "Resume `phase` at byte `offsetBytes`" (the offset must fit 32 bits: U-Boot's value is u32). */
export function encodeResumeCommand(phase: number, offsetBytes: number): Uint8Array {
  return encodePhaseCommand(phase, offsetBytes);
}
