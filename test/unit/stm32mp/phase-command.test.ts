import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import {
  encodePhaseCommand,
  encodeResumeCommand,
  encodeStartCommand,
} from '../../../main/stm32mp/phase-command.js';

describe('phase command encoder (§4.4)', () => {
  it('writes the phase then the value big-endian', () => {
    expect(Array.from(encodePhaseCommand(0x12, 0x01020304))).toEqual([0x12, 0x01, 0x02, 0x03, 0x04]);
    expect(Array.from(encodeResumeCommand(0x21, 0x1000))).toEqual([0x21, 0x00, 0x00, 0x10, 0x00]);
  });

  it('encodes "start at address" as phase 0xFF', () => {
    expect(Array.from(encodeStartCommand(0xc0000000))).toEqual([0xff, 0xc0, 0x00, 0x00, 0x00]);
    expect(Array.from(encodeStartCommand(0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff]);
  });

  it.each([
    [0x100, 0],
    [-1, 0],
    [1.5, 0],
    [1, 2 ** 32],
    [1, -1],
  ])('refuses phase %d / value %d', (phase, value) => {
    let caught: unknown = null;
    try {
      encodePhaseCommand(phase, value);
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught, 'bad-input')).toBe(true);
  });
});
