import { describe, expect, it } from 'vitest';
import { parseFlashLayoutText } from '../../../main/layout/parse-flash-layout.js';

// How U-Boot's stm32prog tokenizes and validates a layout (flashlayout-grammar.md §3), checked through
// the public parser: U-Boot's verdict (emulated) and the rows a user sees must both follow it.
const FSBL = '-\t0x01\tfsbl-boot\tBinary\tnone\t0x0\tfsbl.stm32';
const FIP = '-\t0x03\tfip-boot\tFIP\tnone\t0x0\tfip.bin';
const lines = (...rows: string[]): string => rows.map((row) => `${row}\n`).join('');
const parse = parseFlashLayoutText;
const codes = (text: string): string[] => parse(text).problems.map((problem) => problem.code);

describe('lexical rules', () => {
  it('accepts CRLF and drops the CR from the last field', () => {
    const parsed = parse(`#Opt\tId\r\n${FSBL}\r\n\r\n${FIP}\r\n`);
    expect(parsed.uboot).toMatchObject({ result: 'accepted', rowCount: 2 });
    expect(parsed.rows.map((row) => [row.line, row.binary])).toEqual([
      [2, 'fsbl.stm32'],
      [4, 'fip.bin'],
    ]);
  });

  it('collapses runs of TABs and ignores leading TABs', () => {
    const parsed = parse(lines('\t-\t\t0x01\t\t\tfsbl-boot\tBinary\t\tnone\t0x0\t\tfsbl.stm32'));
    expect(parsed.uboot.result).toBe('accepted');
    expect(parsed.rows[0]).toMatchObject({
      opt: '-',
      id: '0x01',
      name: 'fsbl-boot',
      binary: 'fsbl.stm32',
      valid: true,
    });
  });

  it('ends a field at a CR: fsbl\\rX reads as fsbl', () => {
    expect(parse(lines('-\t0x01\tfsbl\rX\tBinary\tnone\t0x0\tf')).rows[0]!.name).toBe('fsbl');
  });

  it('skips blank, TAB-only and CR-only lines, and counts them in line numbers', () => {
    const parsed = parse(`\n\t\t\n\r\n${FSBL}\nbad\n`);
    expect(parsed.uboot).toMatchObject({
      result: 'parse-reject',
      message: "Layout line 5: invalid option 'b' in bad)",
    });
    expect(parsed.rows.map((row) => row.line)).toEqual([4, 5]);
  });

  it("treats '#' as a comment only as the first character of the first non-empty column", () => {
    expect(parse(lines('\t\t# comment after TABs', FSBL)).uboot.result).toBe('accepted');
    expect(parse(lines(' # comment after a space', FSBL)).uboot).toMatchObject({
      result: 'parse-reject',
      message: "Layout line 1: invalid option ' ' in  # comment after a space)",
    });
    expect(parse(lines('-\t0x01\tfsbl-boot\tBinary\tnone\t0x0\tfile#1.stm32')).rows[0]!.binary).toBe(
      'file#1.stm32',
    );
  });

  it('keeps spaces inside Name and Binary, refuses them in Offset', () => {
    const parsed = parse(
      lines('-\t0x01\tmy fsbl\tBinary\tnone\t0x0\tmy file.stm32', '-\t0x03\tfip\tFIP\tnone\t0x0 fip.bin'),
    );
    expect(parsed.rows[0]).toMatchObject({ name: 'my fsbl', binary: 'my file.stm32', valid: true });
    expect(parsed.problems.find((problem) => problem.code === 'space-instead-of-tab')).toMatchObject({
      line: 2,
      field: 'offset',
    });
    expect(parsed.uboot.message).toBe("Layout line 2: invalid offset '0x0 fip.bin'");
  });

  it('needs 6 columns; the 7th is the Binary and later ones are ignored', () => {
    expect(parse(lines('-\t0x01\tfsbl\tBinary\tnone\t0x0')).uboot.result).toBe('accepted');
    expect(parse(lines('-\t0x01\tfsbl\tBinary\tnone')).uboot.message).toBe(
      'Layout line 1: no enought column',
    );
    const extra = parse(lines('-\t0x01\tfsbl\tBinary\tnone\t0x0\tf.bin\tx\ty'));
    expect(extra.uboot.result).toBe('accepted');
    expect(extra.rows[0]!.binary).toBe('f.bin');
    expect(codes(lines('-\t0x01\tfsbl\tBinary\tnone\t0x0\tf.bin\tx\ty'))).toContain('too-many-fields');
  });

  it('glues a row ending in a TAB to the next line, as U-Boot does', () => {
    const text = lines(
      '#Opt',
      'P\t0x04\tfsbl1\tBinary\tmmc0\t0x00004400\tf\t',
      'P\t0x05\tfsbl2\tBinary\tmmc0\t0x00044400\tf',
    );
    const parsed = parse(text);
    expect(parsed.uboot).toMatchObject({
      result: 'parse-reject',
      message: "Layout line 3: invalid option '0' in 0x05)",
    });
    expect(parsed.problems.map((problem) => [problem.code, problem.line])).toEqual([['trailing-tab', 2]]);
    expect(parsed.rows.every((row) => row.valid)).toBe(true);
  });

  it('silently drops a last row ending in a TAB (reported as trailing-tab)', () => {
    const parsed = parse(lines(FSBL, `${FIP}\t`));
    expect(parsed.uboot).toMatchObject({ result: 'accepted', rowCount: 1 });
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.problems.find((problem) => problem.severity !== 'info')).toMatchObject({
      code: 'trailing-tab',
      line: 2,
    });
  });

  it('closes a last row whose TAB is the very last byte of the file', () => {
    expect(parse(`${FSBL}\t`).uboot).toMatchObject({ result: 'accepted', rowCount: 1 });
    expect(codes(`${FSBL}\t`)).not.toContain('trailing-tab');
  });

  it('counts possible rows like U-Boot: 238 rows + header pass, 239 fail', () => {
    const layout = (count: number): string =>
      lines(
        '#Opt',
        ...Array.from(
          { length: count },
          (_, index) =>
            `PE\t0x${(0x10 + (index % 0xe0)).toString(16)}\tp${index}\tBinary\tmmc0\t${0x100000 + index * 0x1000}\tnone`,
        ),
      );
    expect(parse(layout(238)).uboot.message).not.toMatch(/too many partition/);
    expect(parse(layout(239)).uboot.message).toBe('Layout: too many partition (241)');
    expect(parse(`${FSBL}\n${'\n'.repeat(250)}`).uboot.message).toBe('Layout: too many partition (252)');
  });

  it('refuses a BOM as U-Boot would, and still reads the rows', () => {
    const parsed = parse(`\uFEFF#Opt\n${FSBL}\n`);
    expect(parsed.uboot.message).toBe("Layout line 1: invalid option '\\xef' in \uFEFF#Opt)");
    expect(parsed.problems[0]).toMatchObject({ code: 'bom', line: 1 });
    expect(parsed.rows).toHaveLength(1);
  });

  it('stops at a NUL byte', () => {
    const parsed = parse(`${FSBL}\n\0garbage\tgarbage\n`);
    expect(parsed.uboot).toMatchObject({ result: 'accepted', rowCount: 1 });
    expect(parsed.problems[0]).toMatchObject({ code: 'not-text', line: 2 });
  });

  it('says -EINVAL without a message for an empty file, "no partition found" for comments only', () => {
    expect(parse('').uboot).toEqual({ result: 'parse-reject', line: null, message: null, rowCount: 0 });
    expect(parse('#Opt\n\n').uboot.message).toBe('Layout: no partition found');
  });
});

describe('field values', () => {
  const one = (opt: string, id: string, type: string, ip: string, offset: string): ReturnType<typeof parse> =>
    parse(lines([opt, id, 'name', type, ip, offset, 'f.bin'].join('\t')));

  it.each([
    ['-', true],
    ['P', true],
    ['PED', true],
    ['DPE', true],
    ['PP', true],
    ['E', false],
    ['p', false],
    ['-P', false],
  ])('Opt %s → accepted %s', (opt, ok) => {
    expect(one(opt, '0x10', 'Binary', 'mmc0', '0x4400').rows[0]!.valid).toBe(ok);
  });

  it.each([
    ['0x10', 0x10],
    ['0X0a', 0x0a],
    ['16', 16],
    ['010', 8],
    ['0x', 0],
    ['0', 0],
    ['0xF0', 0xf0],
    ['240', 0xf0],
  ])('Id %s → %i (strict_strtoul base 0)', (id, value) => {
    expect(one('-', id, 'Binary', 'none', '0x0').rows[0]!.phaseId).toBe(value);
  });

  it.each(['08', '0xF1', '241', '0x1G', '-1', ' 1'])('Id %s is refused', (id) => {
    expect(one('-', id, 'Binary', 'none', '0x0').uboot.message).toBe(
      `Layout line 1: invalid phase value = ${id}`,
    );
  });

  it.each([
    ['Binary', 1],
    ['Binary(2)', 2],
    ['Binary()', 0],
    ['Binary(x)', 0],
    ['ESP', 1],
    ['FWU_MDATA', 1],
  ])('Type %s is accepted with %i copies', (type, copies) => {
    expect(one('-', '0x10', type, 'none', '0x0').rows[0]).toMatchObject({
      valid: true,
      binaryCopies: copies,
    });
  });

  it.each(['binary', 'Binaryx', 'Binary(2', 'Raw', 'FileSystem '])('Type %j is refused', (type) => {
    expect(one('-', '0x10', type, 'none', '0x0').uboot.message).toBe(
      `Layout line 1: type parsing error : '${type}'`,
    );
  });

  it.each([
    ['mmc1', { kind: 'mmc', instance: 1 }],
    ['spi-nand0', { kind: 'spi-nand', instance: 0 }],
    ['nor1', { kind: 'nor', instance: 1 }],
    ['ram', { kind: 'ram', instance: 0 }],
    ['ramfoo', { kind: 'ram', instance: 0 }],
  ])('IP %s → %j', (ip, device) => {
    expect(one('-', '0x10', 'Binary', ip, '0x4400').rows[0]!.device).toEqual(device);
  });

  it.each(['mmc10', 'mmc', 'MMC0', 'emmc0', 'nand', 'None'])('IP %s is refused', (ip) => {
    expect(one('-', '0x10', 'Binary', ip, '0x4400').uboot.message).toBe(
      `Layout line 1: ip parsing error: '${ip}'`,
    );
  });

  it.each([
    ['0x00004400', 0x4400, null],
    ['00017408', 17408, null],
    ['0x', 0, null],
    ['0x105984400', 0x105984400, null],
    ['boot1', 0, 1],
    ['boot2', 0, 2],
  ])('Offset %s → %i (boot %s)', (offset, bytes, boot) => {
    expect(one('-', '0x10', 'Binary', 'mmc1', offset).rows[0]).toMatchObject({
      offsetBytes: bytes,
      bootPartition: boot,
    });
  });

  it.each([
    ['none', "invalid offset 'none'"],
    ['-1', "invalid offset '-1'"],
    ['Boot1', "invalid offset 'Boot1'"],
    ['boot3', "invalid part 'boot3'"],
    ['boot1x', "invalid part 'boot1x'"],
    ['0x4400h', "invalid offset '0x4400h'"],
  ])('Offset %s is refused: %s', (offset, message) => {
    expect(one('-', '0x10', 'Binary', 'mmc1', offset).uboot.message).toBe(`Layout line 1: ${message}`);
  });

  it('accepts a 16-byte name and refuses 17', () => {
    expect(parse(lines('-\t0x10\tabcdefghijklmnop\tBinary\tnone\t0x0')).rows[0]!.valid).toBe(true);
    expect(parse(lines('-\t0x10\tabcdefghijklmnopq\tBinary\tnone\t0x0')).uboot.message).toBe(
      'Layout line 1: partition name too long [17]: abcdefghijklmnopq',
    );
  });
});

describe('semantic pass (treat_partition_list)', () => {
  it('refuses a device row whose Id a later row reuses, but not the other way round', () => {
    const deviceFirst = parse(lines('P\t0x03\tssbl\tBinary\tmmc0\t0x4400\tu.stm32', FIP));
    expect(deviceFirst.uboot.message).toBe('Layout: duplicated phase 0x3 for part ssbl and fip-boot');
    expect(deviceFirst.problems.find((problem) => problem.code === 'duplicate-id')).toMatchObject({
      line: 2,
      field: 'id',
    });
    const noneFirst = parse(lines(FIP, 'P\t0x03\tssbl\tBinary\tmmc0\t0x4400\tu.stm32'));
    expect(noneFirst.uboot.result).toBe('accepted');
    expect(codes(lines(FIP, 'P\t0x03\tssbl\tBinary\tmmc0\t0x4400\tu.stm32'))).not.toContain('duplicate-id');
  });

  it('lets IP none rows share an Id (a host warning only)', () => {
    const parsed = parse(lines(FIP, FIP));
    expect(parsed.uboot.result).toBe('accepted');
    expect(parsed.problems.map((problem) => problem.code)).toContain('duplicate-boot-id');
  });

  it('refuses more than 5 devices', () => {
    const rows = ['mmc0', 'mmc1', 'mmc2', 'nor0', 'nand0', 'spi-nand0'].map(
      (ip, index) => `PE\t0x1${index}\tp${index}\tBinary\t${ip}\t0x100000\tnone`,
    );
    expect(parse(lines(...rows)).uboot.message).toBe('Layout: too many device');
    expect(parse(lines(...rows.slice(0, 5))).uboot.result).toBe('accepted');
  });

  it('refuses phase 0x00 on a device row', () => {
    expect(parse(lines('PE\t0x00\tp\tBinary\tmmc0\t0x100000\tnone')).uboot.message).toBe(
      'Layout: invalid phase = 0x0 for part p',
    );
  });
});
