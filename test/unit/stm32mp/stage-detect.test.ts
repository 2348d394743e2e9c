import { describe, expect, it } from 'vitest';
import { classifyUbootAlts, detectStage, parseProductFields } from '../../../main/stm32mp/stage-detect.js';
import { makeIdentity } from '../dfu/fake-usb-transport.js';
import { ALTS, PRODUCTS } from './stage-fixtures.js';

const detect = (product: string | null, alts: string[] = []) => detectStage(makeIdentity(product, alts));

describe('detectStage: every stage of every SoC', () => {
  it.each([
    ['ROM MP15', PRODUCTS.romMp15, ALTS.romMp15, 'rom', 'stm32mp15', 'stm32mp15', 0x500, 0x0000],
    ['ROM MP13', PRODUCTS.romMp13, ALTS.romMp13, 'rom', 'stm32mp13', 'stm32mp13', 0x501, 0x1003],
    ['ROM MP21', PRODUCTS.romMp21, ALTS.romMp25, 'rom', 'stm32mp2', 'stm32mp21', 0x503, 0x1000],
    ['TF-A MP15', PRODUCTS.tfaMp15, ALTS.romMp15, 'tf-a', 'stm32mp15', 'stm32mp15', 0x500, 0x2000],
    ['TF-A MP13', PRODUCTS.tfaMp13, ALTS.tfaMp13, 'tf-a', 'stm32mp13', 'stm32mp13', 0x501, 0x1003],
    ['TF-A MP25', PRODUCTS.tfaMp25, ALTS.tfaMp2, 'tf-a', 'stm32mp2', 'stm32mp25', 0x505, 0x0011],
    ['TF-A MP23', PRODUCTS.tfaMp23, ALTS.tfaMp2, 'tf-a', 'stm32mp2', 'stm32mp23', 0x505, 0x0011],
    [
      'U-Boot 1st MP15',
      PRODUCTS.ubootMp15,
      ALTS.ubootFirst,
      'u-boot-layout',
      'stm32mp15',
      'stm32mp15',
      0x500,
      0x2000,
    ],
    [
      'U-Boot 2nd MP15',
      PRODUCTS.ubootMp15,
      ALTS.ubootSecond,
      'u-boot-partitions',
      'stm32mp15',
      'stm32mp15',
      0x500,
      0x2000,
    ],
    [
      'U-Boot 1st MP13',
      PRODUCTS.ubootMp13,
      ALTS.ubootFirstMinimal,
      'u-boot-layout',
      'stm32mp13',
      'stm32mp13',
      0x501,
      0x1003,
    ],
    [
      'U-Boot 2nd MP13',
      PRODUCTS.ubootMp13,
      ALTS.ubootSecond,
      'u-boot-partitions',
      'stm32mp13',
      'stm32mp13',
      0x501,
      0x1003,
    ],
    [
      'U-Boot 1st MP25',
      PRODUCTS.ubootMp25,
      ALTS.ubootFirst,
      'u-boot-layout',
      'stm32mp2',
      'stm32mp25',
      0x505,
      0x0011,
    ],
    [
      'U-Boot 2nd MP25',
      PRODUCTS.ubootMp25,
      ALTS.ubootSecond,
      'u-boot-partitions',
      'stm32mp2',
      'stm32mp25',
      0x505,
      0x0011,
    ],
    [
      'U-Boot 2nd MP21',
      PRODUCTS.ubootMp21,
      ALTS.ubootSecond,
      'u-boot-partitions',
      'stm32mp2',
      'stm32mp21',
      0x503,
      0x0001,
    ],
  ])('%s', (_label, product, alts, stage, family, soc, deviceId, revisionId) => {
    expect(detect(product, alts)).toMatchObject({ stage, family, soc, deviceId, revisionId });
  });

  it('MP25 ROM: family known, SoC is MP25 or MP23 (0x505 without @Name)', () => {
    expect(detect(PRODUCTS.romMp25, ALTS.romMp25)).toMatchObject({
      stage: 'rom',
      family: 'stm32mp2',
      soc: null,
      socCandidates: ['stm32mp25', 'stm32mp23'],
      socName: null,
      romUsbMode: 'HS',
    });
  });

  it('reads @Name, including the bare "/name" of the F2 log', () => {
    expect(detect(PRODUCTS.tfaMp15).socName).toBe('STM32MP157CAA Rev.B');
    expect(detect(PRODUCTS.tfaMp25BareName)).toMatchObject({
      socName: 'STM32MP257FAI Rev.Y',
      soc: 'stm32mp25',
    });
  });

  it('flags a ROM that enumerated at full speed', () => {
    const result = detect(PRODUCTS.romMp15Fs, ALTS.romMp15);
    expect(result).toMatchObject({ stage: 'rom', romUsbMode: 'FS' });
    expect(result.notes.join()).toMatch(/full speed/);
  });

  it('notes that MP15 ROM and old/inheriting TF-A look alike', () => {
    expect(detect(PRODUCTS.romMp15, ALTS.romMp15).notes.join()).toMatch(/GetPhase/);
  });

  it('handles U-Boot v2020.07 without @Name', () => {
    expect(detect(PRODUCTS.ubootMp15Old, ALTS.ubootFirst)).toMatchObject({
      stage: 'u-boot-layout',
      socName: null,
      soc: 'stm32mp15',
    });
  });

  it('says that a layout-looking U-Boot list may be a device-init error (GetPhase decides)', () => {
    expect(detect(PRODUCTS.ubootMp15, ALTS.ubootFirstMinimal).notes.join()).toMatch(/device-init error/);
  });

  it('returns unknown for other devices and missing strings', () => {
    expect(detect('STM32  BOOTLOADER')).toMatchObject({ stage: 'unknown', family: null });
    expect(detect(null).stage).toBe('unknown');
    expect(detect('DFU @Device ID /0x999, @Revision ID /0x1000, @Name /X,')).toMatchObject({
      stage: 'tf-a',
      family: null,
      soc: null,
    });
  });
});

describe('helpers', () => {
  it('parseProductFields reads hex IDs', () => {
    expect(parseProductFields(PRODUCTS.ubootMp25)).toEqual({
      deviceId: 0x505,
      revisionId: 0x11,
      socName: 'STM32MP257FAK Rev.Y',
    });
  });

  it('classifyUbootAlts: partition alts mean the 2nd enumeration', () => {
    const info = (names: string[]) => names.map((name, index) => ({ index, name }));
    expect(classifyUbootAlts(info(ALTS.ubootFirst))).toBe('u-boot-layout');
    expect(classifyUbootAlts(info(ALTS.ubootSecond))).toBe('u-boot-partitions');
    expect(classifyUbootAlts(info(['@virtual/0xf1/1*512Be']))).toBeNull();
  });
});
