import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accessFromTypeLetter, parseAltName } from '../../../main/stm32mp/alt-name.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('parseAltName: every documented example', () => {
  it.each([
    ['@FSBL /0x01/1*128Ke', 'FSBL', 0x01, 128 * KiB, 'readable-writable'],
    ['@FSBL /0x01/1*1Me', 'FSBL', 0x01, MiB, 'readable-writable'],
    ['@Partition3 /0x03/1*16Me', 'Partition3', 0x03, 16 * MiB, 'readable-writable'],
    ['@virtual /0xF1/1*512Ba', 'virtual', 0xf1, 512, 'readable'],
    ['@DDR FIP /0x02/1*32Ke', 'DDR FIP', 0x02, 32 * KiB, 'readable-writable'],
    ['@SSBL /0x03/1*16Me', 'SSBL', 0x03, 16 * MiB, 'readable-writable'],
    ['@fsbl1/0x04/1*256Ke', 'fsbl1', 0x04, 256 * KiB, 'readable-writable'],
    ['@virtual/0xf1/1*512Be', 'virtual', 0xf1, 512, 'readable-writable'],
    ['@FlashLayout/0x00/1*256Ke', 'FlashLayout', 0x00, 256 * KiB, 'readable-writable'],
    ['@OTP/0xf2/1*776Be', 'OTP', 0xf2, 776, 'readable-writable'],
    ['@OTP/0xf2/1*2952Be', 'OTP', 0xf2, 2952, 'readable-writable'],
    ['@PMIC/0xf4/1*8Be', 'PMIC', 0xf4, 8, 'readable-writable'],
    ['@rootfs/0x21/1*3Ge', 'rootfs', 0x21, 3 * GiB, 'readable-writable'],
    ['@bootfs/0x12/1*64Ma', 'bootfs', 0x12, 64 * MiB, 'readable'],
  ])('%s', (raw, name, phaseId, sizeBytes, kind) => {
    expect(parseAltName(raw)).toMatchObject({ raw, name, phaseId, sizeBytes, kind });
  });
});

describe('parseAltName: grammar details', () => {
  it('maps every type letter a..g to its access bits', () => {
    const kinds = 'abcdefg'.split('').map((t) => parseAltName(`@x/0x10/1*1K${t}`)?.kind);
    expect(kinds).toEqual([
      'readable',
      'erasable',
      'readable-erasable',
      'writable',
      'readable-writable',
      'erasable-writable',
      'readable-erasable-writable',
    ]);
    expect(accessFromTypeLetter('g')).toEqual({ readable: true, erasable: true, writable: true });
  });

  it('sums several segments and says "mixed" when their types differ', () => {
    const parsed = parseAltName('@x /0x10/2*1Ka,1*4Ke')!;
    expect(parsed.sizeBytes).toBe(2 * KiB + 4 * KiB);
    expect(parsed.kind).toBe('mixed');
    expect(parsed.segments.map((s) => [s.count, s.unitBytes, s.typeLetter])).toEqual([
      [2, KiB, 'a'],
      [1, 4 * KiB, 'e'],
    ]);
  });

  it('accepts DfuSe spellings: leading zeros, a space or no multiplier for bytes, uppercase 0X', () => {
    expect(parseAltName('@x/0X10/04*016Kg')?.sizeBytes).toBe(64 * KiB);
    expect(parseAltName('@x/0x10/1*512 a')?.sizeBytes).toBe(512);
    expect(parseAltName('@x/0x10/1*512a')?.sizeBytes).toBe(512);
  });

  it('keeps the phase when only the segment list is unreadable', () => {
    expect(parseAltName('@fsbl1/0x04/1')).toMatchObject({
      name: 'fsbl1',
      phaseId: 4,
      sizeBytes: null,
      kind: null,
      segments: [],
    });
  });

  it.each([
    null,
    undefined,
    '',
    'Device Firmware Upgrade',
    'DFU Interface',
    '@/0x01/1*1Ke',
    '@FSBL 0x01/1*1Ke',
    '@FSBL /01/1*1Ke',
    '@FSBL /0xZZ/1*1Ke',
    '@FSBL /0x1FF/1*1Ke',
    '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
  ])('returns null for %j', (raw) => {
    expect(parseAltName(raw)).toBeNull();
  });

  it('never throws on any string', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseAltName(s)));
    fc.assert(
      fc.property(fc.stringMatching(/^@[A-Za-z ]{0,6}\/0x[0-9a-fA-F]{1,3}\/[0-9*KMGBa-h, ]{0,12}$/), (s) => {
        const parsed = parseAltName(s);
        if (parsed) expect(parsed.phaseId).toBeLessThanOrEqual(0xff);
      }),
    );
  });
});
