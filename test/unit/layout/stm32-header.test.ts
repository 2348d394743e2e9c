import { describe, expect, it } from 'vitest';
import {
  STM32_V1_HEADER_BYTES,
  buildStm32HeaderV1,
  parseStm32Header,
  stm32PayloadChecksum,
  wrapStm32V1,
} from '../../../main/layout/stm32-header.js';
import { byteSum, stm32Image } from './image-builders.js';

const payload = Uint8Array.from({ length: 1000 }, (_, index) => (index * 7) & 0xff);

describe('parseStm32Header', () => {
  it.each([
    ['v1', 0x100],
    ['v2.0', 0x200],
    ['v2.2', 0x200],
    ['v2.3', 0x240],
  ] as const)('reads a valid %s header (%i bytes)', (version, headerBytes) => {
    const result = parseStm32Header(
      stm32Image(version, payload, { loadAddress: 0x2ffc2500, entryPoint: 0x2ffc2600 }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.header).toMatchObject({
      version,
      headerBytes,
      imageLengthBytes: 1000,
      checksum: byteSum(payload),
      entryPoint: 0x2ffc2600,
      loadAddress: 0x2ffc2500,
      binaryType: 0x10,
      nonZeroReserved: [],
      extensionProblem: null,
    });
  });

  it('refuses a wrong magic', () => {
    const result = parseStm32Header(stm32Image('v1', payload, { magic: 0x334d5453 }));
    expect(result).toMatchObject({ ok: false, reason: 'bad-magic' });
  });

  it('refuses an unknown version', () => {
    const result = parseStm32Header(stm32Image('v1', payload, { versionWord: 0x00030000 }));
    expect(result).toMatchObject({ ok: false, reason: 'unknown-version', versionWord: 0x00030000 });
  });

  it('calls a file of fewer than 4 bytes "no magic", not a short header', () => {
    expect(parseStm32Header(new Uint8Array([0x53, 0x54]))).toMatchObject({ ok: false, reason: 'bad-magic' });
  });

  it('says too short for a header cut before 256 bytes', () => {
    const result = parseStm32Header(stm32Image('v1', payload).subarray(0, 100));
    expect(result).toMatchObject({ ok: false, reason: 'too-short' });
  });

  it.each(['v1', 'v2.0', 'v2.2', 'v2.3'] as const)(
    'names non-zero reserved and padding fields (%s)',
    (version) => {
      const result = parseStm32Header(stm32Image(version, payload, { reserved1: 1, dirtyPadding: true }));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.header.nonZeroReserved[0]).toBe('reserved1');
      expect(result.header.nonZeroReserved[1]).toMatch(/^padding\[0x/);
    },
  );

  it('flags a v2 extension chain that does not add up', () => {
    const image = stm32Image('v2.0', payload);
    new DataView(image.buffer).setUint32(0x84, 0x400, true); // padding extension longer than declared
    const result = parseStm32Header(image);
    expect(result.ok && result.header.extensionProblem).toMatch(/does not fit/);
  });
});

describe('buildStm32HeaderV1', () => {
  it('writes magic, checksum, version, length and option flags as PRG-TOOLBOX does', () => {
    const header = buildStm32HeaderV1(payload);
    const view = new DataView(header.buffer);
    expect(header.length).toBe(256);
    expect(Array.from(header.subarray(0, 4))).toEqual([0x53, 0x54, 0x4d, 0x32]);
    expect(view.getUint32(0x44, true)).toBe(byteSum(payload));
    expect(view.getUint32(0x48, true)).toBe(0x00010000);
    expect(view.getUint32(0x4c, true)).toBe(1000);
    expect(view.getUint32(0x64, true)).toBe(1);
    const others = [...header.subarray(4, 0x44), ...header.subarray(0x50, 0x64), ...header.subarray(0x68)];
    expect(others.every((byte) => byte === 0)).toBe(true);
  });

  it('round-trips through parseStm32Header', () => {
    const wrapped = wrapStm32V1(payload);
    const result = parseStm32Header(wrapped);
    expect(result.ok && result.header).toMatchObject({
      version: 'v1',
      imageLengthBytes: 1000,
      nonZeroReserved: [],
    });
    expect(stm32PayloadChecksum(wrapped.subarray(STM32_V1_HEADER_BYTES))).toBe(byteSum(payload));
  });

  it('wraps the 32-bit checksum', () => {
    const big = new Uint8Array(0x01010102).fill(0xff); // 255 × 16843010 overflows 2^32
    expect(stm32PayloadChecksum(big)).toBe((255 * 0x01010102) % 2 ** 32);
  });
});
