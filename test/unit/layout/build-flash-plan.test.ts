import { describe, expect, it } from 'vitest';
import type { FlashPlan } from '../../../shared/domain/flash-plan.js';
import { isAppError } from '../../../main/core/app-error.js';
import { buildFlashPlan } from '../../../main/layout/build-flash-plan.js';
import { layoutPhaseBytes, normalizeLayoutForDevice } from '../../../main/layout/normalize-layout.js';
import { parseFlashLayoutText } from '../../../main/layout/parse-flash-layout.js';
import { parseStm32Header } from '../../../main/layout/stm32-header.js';

const planOf = (text: string, layoutPath = '/boards/layout.tsv'): FlashPlan =>
  buildFlashPlan({
    parsed: parseFlashLayoutText(text),
    layoutPath,
    layoutDir: '/boards',
    files: new Map(),
    soc: null,
  });
const lines = (...rows: string[]): string => rows.map((row) => `${row}\n`).join('');

// ST's nor-emmc sample shape: ids not ascending, device rows before a none row, a PED RawImage.
const NOR_EMMC = lines(
  '#Opt\tId\tName\tType\tIP\tOffset\tBinary',
  'P\t0x04\tfsbl1\tBinary\tnor0\t0x00000000\ttf-a.stm32',
  'PED\t0x20\tenv\tBinary\tnor0\t0x00280000\tnone',
  'PE\t0x10\tempty\tBinary\tnor0\t0x002C0000\tnone',
  '-\t0x03\tssbl-boot\tBinary\tnone\t0x0\tu-boot.stm32',
  '-\t0x01\tfsbl1-boot\tBinary\tnone\t0x0\ttf-a.stm32',
  'P\t0x21\tbootfs\tSystem\tmmc1\t0x00080000\tbootfs.ext4',
  '-\t0x22\trootfs\tFileSystem\tmmc1\t0x04080000\trootfs.ext4',
  'PED\t0x40\tnandall\tRawImage\tnand0\t0x0\tnone',
  'PED\t0x05\tfsbl2\tBinary\tmmc1\tboot2\tnone',
  '-\t0x06\tspare\tBinary\tnone\t0x0\tspare.bin',
  'X\t0x30\tbroken\tBinary\tmmc1\t0x1000\tb.bin',
);

describe('buildFlashPlan', () => {
  const plan = planOf(NOR_EMMC);

  it('orders ROM/TF-A rows by Id, then device rows by Id, then invalid rows', () => {
    expect(plan.partitions.map((partition) => partition.id)).toEqual([
      '0x01',
      '0x03',
      '0x06',
      '0x04',
      '0x05',
      '0x10',
      '0x20',
      '0x21',
      '0x22',
      '0x40',
      '0x30',
    ]);
  });

  it('says what the host does with each row and who asks for it', () => {
    const byName = Object.fromEntries(
      plan.partitions.map((partition): [string, unknown[]] => [
        partition.name ?? '',
        [partition.status, partition.requestedBy],
      ]),
    );
    expect(byName).toEqual({
      'fsbl1-boot': ['boot-load', ['rom']],
      'ssbl-boot': ['boot-load', ['tfa']],
      spare: ['unused', []],
      fsbl1: ['program', ['uboot']],
      fsbl2: ['empty', []],
      empty: ['empty', []],
      env: ['empty', []],
      bootfs: ['program', ['uboot']],
      rootfs: ['skip', []],
      nandall: ['empty', []],
      broken: ['invalid', []],
    });
  });

  it('keeps the columns exactly as written and derives the values', () => {
    const env = plan.partitions.find((partition) => partition.name === 'env')!;
    expect(env).toMatchObject({
      line: 3,
      opt: 'PED',
      id: '0x20',
      type: 'Binary',
      ip: 'nor0',
      offset: '0x00280000',
      binary: 'none',
      phaseId: 0x20,
      flags: { program: true, empty: true, delete: true },
      device: { kind: 'nor', instance: 0 },
      offsetBytes: 0x280000,
      roomBytes: 0x40000,
      bootPartition: null,
      file: null,
    });
    expect(plan.partitions.find((partition) => partition.name === 'fsbl2')).toMatchObject({
      bootPartition: 2,
      roomBytes: null,
    });
  });

  it('sums the erase work: room of sized D rows, and counts whole-device / unknown-size ones', () => {
    expect(plan.erase).toEqual({ knownBytes: 0x40000, unknownSizeRows: 2, fullDeviceRows: 1, rows: 3 });
    expect(plan.eraseWorkBytes).toBe(0x40000);
  });

  it('gives the last partition of a device an unknown room', () => {
    expect(plan.partitions.find((partition) => partition.name === 'empty')!.roomBytes).toBeNull();
    expect(plan.partitions.find((partition) => partition.name === 'bootfs')!.roomBytes).toBe(0x04000000);
  });

  it('sends a device row to the ROM when no IP none row has its phase (2019 style)', () => {
    const old = planOf(
      lines(
        'P\t0x01\tfsbl1\tBinary\tmmc0\t0x00004400\tfsbl.stm32',
        'P\t0x03\tssbl\tBinary\tmmc0\t0x00044400\tu.stm32',
      ),
    );
    expect(old.partitions.map((partition) => partition.requestedBy)).toEqual([
      ['rom', 'uboot'],
      ['tfa', 'uboot'],
    ]);
    expect(old.problems.map((problem) => problem.code)).not.toContain('missing-fsbl');
  });

  it.each([
    [
      lines('-\t0x01\tfsbl\tBinary\tnone\t0x0\tf.stm32', '-\t0x02\tfip-ddr\tFIP\tnone\t0x0\td.bin'),
      'mp25',
      /0x02 \(DDR FIP\)/,
    ],
    [lines('-\t0x01\tfsbl\tBinary\tnone\t0x0\ttf-a-stm32mp135f-dk-usb.stm32'), 'mp13', /says MP13/],
    [
      lines('P\t0x1\tfsbl-openbl\tBinary\tnone\t0x0\tSTM32PRGFW_UTIL_MP13xx_CP_Serial_Boot.stm32'),
      'mp13',
      /MP13xx/,
    ],
    [lines('-\t0x01\tfsbl\tBinary\tnone\t0x0\tbmp15.stm32'), null, /nothing/],
    [lines('-\t0x01\tfsbl\tBinary\tnone\t0x0\tf.stm32'), null, /nothing/],
  ])('guesses the SoC with a reason', (text, soc, reason) => {
    const guess = planOf(text).soc;
    expect(guess.soc).toBe(soc);
    expect(guess.reason).toMatch(reason);
  });
});

describe('normalizeLayoutForDevice', () => {
  const text = `\uFEFF#Opt\tId\r\n-\t\t0x1\tfsbl\t\tBinary\tnone\t0x0\tf.stm32\r\nPED\t0x0a\tenv\tENV\tmmc0\t0x00904400\tnone\t\n\n`;

  it('writes 6 TAB-separated columns, Id as 0x%02X, LF, no comments, no Binary — from a parse or a plan', () => {
    const expected = '-\t0x01\tfsbl\tBinary\tnone\t0x0\nPED\t0x0A\tenv\tENV\tmmc0\t0x00904400\n';
    expect(new TextDecoder().decode(normalizeLayoutForDevice(parseFlashLayoutText(text)))).toBe(expected);
    expect(new TextDecoder().decode(normalizeLayoutForDevice(planOf(text)))).toBe(expected);
  });

  it('keeps file order even though the plan is in device order', () => {
    const normalized = new TextDecoder().decode(
      normalizeLayoutForDevice(
        planOf(lines('P\t0x10\ta\tBinary\tmmc0\t0x4400\tf', '-\t0x01\tb\tBinary\tnone\t0x0\tf')),
      ),
    );
    expect(normalized.split('\n')[0]).toMatch(/^P\t0x10\ta/);
  });

  it('refuses a layout with a row that did not parse', () => {
    let caught: unknown = null;
    try {
      normalizeLayoutForDevice(
        parseFlashLayoutText(lines('-\t0x01\tfsbl\tBinary\tnone\t0x0', 'P\t0x10\tx\tBinary\tmmc9x\t0x0')),
      );
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught, 'layout-invalid')).toBe(true);
    expect((caught as Error).message).toMatch(/Line 2/);
  });

  it('wraps it in an STM32 v1 header for phase 0x00', () => {
    const bytes = layoutPhaseBytes(parseFlashLayoutText(text));
    const header = parseStm32Header(bytes);
    expect(header.ok && header.header).toMatchObject({
      version: 'v1',
      imageLengthBytes: bytes.length - 256,
      flags: 1,
    });
  });
});
