import { readFileSync } from 'node:fs';
import { realLayoutsDir } from '../../helpers/real-layouts-dir.js';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { checkPartitionList, parseUbootLayout } from '../../../main/sim/uboot-layout-parser.js';
import { ascii, tsv, wrapLayout } from './helpers/images.js';

const FIXTURES = realLayoutsDir();

/** U-Boot's verdict per file (../shared/flashlayouts/real/SOURCES.md). */
const VERDICTS: Record<string, string> = {
  'chcbaram-stm32mp135f-dk_flash2.tsv':
    'parses 4 rows; semantic REJECT: Layout: selected none phase = 0x1 for part fsbl-boot',
  'foundriesio-meta-lmp_FlashLayout_stm32mp1-trusted_2021-07.tsv.in':
    "REJECT: Layout line 4: ip parsing error: '@@BOARD_DISK@@'",
  'js216-stm32mp135_test_board_msc_boot_flash.tsv': 'OK (1 rows)',
  'kubataba1uga-learning_stm32mp135f_baremetal_flash.tsv': 'REJECT: Layout: no partition found',
  'kubataba1uga-st_bsp_stm32mp135d_seeed_studio_uartFlashLayout.tsv':
    "REJECT: Layout line 1: invalid option ' ' in  #Opt)",
  'st-device-stm-common_FlashLayout_emmc_optee_2021-09-02.tsv': 'OK (19 rows)',
  'st-meta-st-stm32mp_mickledore-scarthgap_FlashLayout_delete-all_stm32mp157f-ev1_sample.tsv': 'OK (8 rows)',
  'st-meta-st-stm32mp_mickledore-scarthgap_FlashLayout_emmc_stm32mp157f-ev1_sample.tsv': 'OK (13 rows)',
  'st-meta-st-stm32mp_mickledore-scarthgap_FlashLayout_sdcard_stm32mp157f-ev1_sample.tsv': 'OK (13 rows)',
  'st-meta-st-stm32mp_nanbield-scarthgap_FlashLayout_nand-4-256_stm32mp157f-ev1_sample.tsv': 'OK (11 rows)',
  'stm32-hotspot-OSTL-DEV-helper_Flashlayout_ramfs.tsv': 'OK (3 rows)',
};

function verdict(bytes: Uint8Array): string {
  const r = parseUbootLayout(bytes);
  if (!r.ok) return `REJECT: ${r.message}`;
  const semantic = checkPartitionList(r.parts);
  return semantic
    ? `parses ${r.parts.length} rows; semantic REJECT: ${semantic}`
    : `OK (${r.parts.length} rows)`;
}

function message(text: string): string {
  const r = parseUbootLayout(ascii(text));
  return r.ok ? `OK ${r.parts.length}` : r.message;
}

const H = '#Opt\tId\tName\tType\tIP\tOffset\tBinary\n';

describe('U-Boot-like layout parser (§5.2, §5.3)', () => {
  it.each(Object.entries(VERDICTS))('agrees with U-Boot on %s', (file, expected) => {
    expect(verdict(new Uint8Array(readFileSync(FIXTURES + file)))).toBe(expected);
  });

  it.each([
    ['P\t0x04\tfsbl1\tBinary\tmmc0\tzz\tf\n', "Layout line 2: invalid offset 'zz'"],
    ['X\t0x04\tfsbl1\tBinary\tmmc0\t0x0\tf\n', "Layout line 2: invalid option 'X' in X)"],
    ['ED\t0x04\tfsbl1\tBinary\tmmc0\t0x0\tf\n', "Layout line 2: missing 'P' in option ED"],
    ['P\t0xF1\tfsbl1\tBinary\tmmc0\t0x0\tf\n', 'Layout line 2: invalid phase value = 0xF1'],
    ['P\t09\tfsbl1\tBinary\tmmc0\t0x0\tf\n', 'Layout line 2: invalid phase value = 09'],
    [
      'P\t0x04\tabcdefghijklmnopq\tBinary\tmmc0\t0x0\tf\n',
      'Layout line 2: partition name too long [17]: abcdefghijklmnopq',
    ],
    ['P\t0x04\tfsbl1\tbinary\tmmc0\t0x0\tf\n', "Layout line 2: type parsing error : 'binary'"],
    ['P\t0x04\tfsbl1\tBinary(\tmmc0\t0x0\tf\n', "Layout line 2: type parsing error : 'Binary('"],
    ['P\t0x04\tfsbl1\tBinary\tmmc10\t0x0\tf\n', "Layout line 2: ip parsing error: 'mmc10'"],
    ['P\t0x04\tfsbl1\tBinary\tmmc1\tboot3\tf\n', "Layout line 2: invalid part 'boot3'"],
    ['P\t0x04\tfsbl1\tBinary\tmmc1\tnone\tf\n', "Layout line 2: invalid offset 'none'"],
    ['P\t0x04\tfsbl1\tBinary\tmmc0\t0x0 f\n', "Layout line 2: invalid offset '0x0 f'"],
    ['P\t0x04\tfsbl1\tBinary\tmmc0\n', 'Layout line 2: no enought column'],
    ['\n# comment\n\nP\t0x04\tfsbl1\tBinary\tmmc0\tzz\n', "Layout line 5: invalid offset 'zz'"],
    [' #Opt\tId\n', "Layout line 2: invalid option ' ' in  #Opt)"],
    ['', 'Layout: no partition found'],
  ])('reports the first error of %j', (body, expected) => {
    expect(message(body === '' ? '' : H + body)).toBe(body === '' ? 'Layout: invalid FlashLayout' : expected);
  });

  it('collapses TAB runs, drops CR, keeps 64-bit offsets, octal ids and decimal offsets', () => {
    const r = parseUbootLayout(
      ascii(
        `${H}P\t\t010\t\tuserfs\tFileSystem\t\tmmc0\t\t0x105984400\r\nPE\t0x11\tx\tBinary(2)\tnand0\t00017408\tn\n`,
      ),
    );
    expect(
      r.ok && r.parts.map((p) => [p.id, p.name, p.offsetBytes, p.select, p.empty, p.binaryCopies, p.line]),
    ).toEqual([
      [8, 'userfs', 0x105984400, true, false, 0, 2],
      [0x11, 'x', 17408, true, true, 2, 3],
    ]);
  });

  it('drops the last row when it ends with a trailing TAB (U-Boot bug, grammar §3)', () => {
    expect(message(`${H}P\t0x04\tfsbl1\tBinary\tmmc0\t0x0\tf\t\n`)).toBe('Layout: no partition found');
    expect(
      message(`${H}P\t0x04\tfsbl1\tBinary\tmmc0\t0x0\tf\t\nP\t0x05\tfsbl2\tBinary\tmmc0\t0x0\tf\n`),
    ).toBe("Layout line 3: invalid option '0' in 0x05)");
  });

  it('counts rows before parsing: 239 data rows are too many', () => {
    const row = 'P\t0x04\tfsbl1\tBinary\tmmc0\t0x0\tf\n';
    expect(message(H + row.repeat(239))).toBe('Layout: too many partition (241)');
  });

  it('unwraps an STM32 v1 header and checks its checksum', () => {
    const body = tsv([['P', '0x04', 'fsbl1', 'Binary', 'mmc0', '0x4400', 'f']]);
    expect(parseUbootLayout(wrapLayout(body))).toMatchObject({ ok: true, wrapped: true });
    const bad = wrapLayout(body);
    bad[0x44] = bad[0x44]! ^ 1;
    expect(parseUbootLayout(bad)).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^Layout: invalid checksum : 0x[0-9a-f]+ expected 0x[0-9a-f]+$/,
      ) as unknown,
    });
  });

  it.each([
    [
      [['P', '0x01', 'fsbl', 'Binary', 'none', '0x0', 'f']],
      'Layout: selected none phase = 0x1 for part fsbl',
    ],
    [[['P', '0x0', 'x', 'Binary', 'mmc0', '0x4400', 'f']], 'Layout: invalid phase = 0x0 for part x'],
    [
      [
        ['P', '0x10', 'a', 'Binary', 'mmc0', '0x4400', 'f'],
        ['-', '0x10', 'b', 'Binary', 'none', '0x0', 'f'],
      ],
      'Layout: duplicated phase 0x10 for part a and b',
    ],
    [
      [0, 1, 2, 3, 4, 5].map((n) => ['P', `0x1${n}`, `p${n}`, 'Binary', `mmc${n}`, '0x4400', 'f']),
      'Layout: too many device',
    ],
  ])('semantic check %#', (rows, expected) => {
    const r = parseUbootLayout(ascii(tsv(rows)));
    expect(r.ok && checkPartitionList(r.parts)).toBe(expected);
  });

  test.prop([
    fc.array(
      fc.record({
        opt: fc.constantFrom('-', 'P', 'PE', 'PD', 'PED', 'EP'),
        id: fc.integer({ min: 1, max: 0xf0 }),
        name: fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/),
        type: fc.constantFrom('Binary', 'FIP', 'System', 'FileSystem', 'RawImage', 'ENV', 'FWU_MDATA', 'ESP'),
        ip: fc.constantFrom('mmc0', 'mmc1', 'nor0', 'nand0', 'ram0', 'spi-nand0'),
        offset: fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }),
        tabs: fc.integer({ min: 1, max: 3 }),
        crlf: fc.boolean(),
      }),
      { minLength: 1, maxLength: 30 },
    ),
  ])('parses any well-formed layout back to its rows', (rows) => {
    const text =
      H +
      rows
        .map(
          (r) =>
            [
              r.opt,
              `0x${r.id.toString(16)}`,
              r.name,
              r.type,
              r.ip,
              `0x${r.offset.toString(16)}`,
              'file.bin',
            ].join('\t'.repeat(r.tabs)) + (r.crlf ? '\r\n' : '\n'),
        )
        .join('');
    const parsed = parseUbootLayout(ascii(text));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.parts.map((p) => [p.id, p.name, p.offsetBytes, p.select])).toEqual(
      rows.map((r) => [r.id, r.name, Number(r.offset), r.opt !== '-']),
    );
  });
});
