import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeDfuState,
  decodeDfuStatus,
  dfuStateName,
  dfuStatusName,
  DFU_STATE,
  DFU_STATUS,
  encodeDfuStatus,
} from '../../../main/dfu/dfu-status.js';

describe('DFU status decoding', () => {
  it('names every state DFU 1.1 defines', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(dfuStateName)).toEqual([
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
    ]);
    expect(DFU_STATE.dfuERROR).toBe(10);
  });

  it('names every status from errTARGET to errSTALLEDPKT', () => {
    expect(dfuStatusName(0)).toBe('OK');
    expect(dfuStatusName(DFU_STATUS.errTARGET)).toBe('errTARGET');
    expect(dfuStatusName(0x05)).toBe('errCHECK_ERASED');
    expect(dfuStatusName(0x0c)).toBe('errUSBR');
    expect(dfuStatusName(0x0e)).toBe('errUNKNOWN');
    expect(dfuStatusName(0x0f)).toBe('errSTALLEDPKT');
  });

  it('names unknown values instead of throwing', () => {
    expect(dfuStateName(11)).toBe('unknown-state(0x0b)');
    expect(dfuStateName(0xff)).toBe('unknown-state(0xff)');
    expect(dfuStatusName(0x10)).toBe('unknown-status(0x10)');
    const decoded = decodeDfuStatus(Uint8Array.of(0x42, 0, 0, 0, 0x99, 0));
    expect(decoded).toMatchObject({
      status: 0x42,
      statusName: 'unknown-status(0x42)',
      state: 0x99,
      stateName: 'unknown-state(0x99)',
    });
  });

  it('reads bwPollTimeout as 24-bit little-endian', () => {
    const decoded = decodeDfuStatus(Uint8Array.of(0x00, 0x56, 0x34, 0x12, 0x05, 0x07));
    expect(decoded).toEqual({
      status: 0,
      statusName: 'OK',
      pollTimeoutMs: 0x123456,
      state: 5,
      stateName: 'dfuDNLOAD-IDLE',
      iString: 7,
    });
  });

  it('decodes the TF-A MANIFEST reply (7, bwPollTimeout 1 ms)', () => {
    expect(decodeDfuStatus(Uint8Array.of(0, 1, 0, 0, 7, 0))).toMatchObject({
      pollTimeoutMs: 1,
      stateName: 'dfuMANIFEST',
    });
  });

  it('returns null for a reply shorter than 6 bytes and ignores extra bytes', () => {
    expect(decodeDfuStatus(Uint8Array.of(0, 0, 0, 0, 2))).toBeNull();
    expect(decodeDfuStatus(Uint8Array.of(0, 0, 0, 0, 2, 0, 0xaa))?.state).toBe(2);
  });

  it('decodes GETSTATE', () => {
    expect(decodeDfuState(Uint8Array.of(10))).toEqual({ state: 10, stateName: 'dfuERROR' });
    expect(decodeDfuState(new Uint8Array(0))).toBeNull();
  });

  it('accepts any 6 bytes and round-trips through the encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        const decoded = decodeDfuStatus(bytes)!;
        expect(decoded.stateName.length).toBeGreaterThan(0);
        expect(decoded.statusName.length).toBeGreaterThan(0);
        expect(Array.from(encodeDfuStatus({ ...decoded }))).toEqual(Array.from(bytes));
      }),
    );
  });
});
