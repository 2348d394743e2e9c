import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UbootVerdict } from '../../../shared/domain/flash-plan.js';
import { LAYOUT_PROBLEM_CATALOGUE } from '../../../shared/domain/layout-problem.js';
import type { LayoutProblem } from '../../../shared/domain/layout-problem.js';
import { loadFlashLayout } from '../../../main/layout/load-flash-layout.js';
import { realLayoutsDir } from '../../helpers/real-layouts-dir.js';

// The corpus of real FlashLayouts (a byte-exact copy of /work/shared/flashlayouts/real, so a clean clone
// tests it) and U-Boot's verdict on each, as recorded in SOURCES.md by running mainline U-Boot's parser
// on them. The table is read from SOURCES.md itself so the two cannot drift.
const CORPUS_DIR = realLayoutsDir();

interface Expected {
  result: UbootVerdict['result'];
  message: string | null;
  rowCount: number | null;
}

function parseVerdict(cell: string): Expected {
  const accepted = /^OK \((\d+) rows\)$/.exec(cell);
  if (accepted) return { result: 'accepted', message: null, rowCount: Number(accepted[1]) };
  const semantic = /^parses (\d+) rows; semantic REJECT: (.*)$/.exec(cell);
  if (semantic) return { result: 'semantic-reject', message: semantic[2]!, rowCount: Number(semantic[1]) };
  if (/^REJECT: ret -22 \(no message\)$/.test(cell))
    return { result: 'parse-reject', message: null, rowCount: 0 };
  const rejected = /^REJECT: (.*)$/.exec(cell);
  if (rejected) return { result: 'parse-reject', message: rejected[1]!, rowCount: null };
  throw new Error(`unknown verdict in SOURCES.md: ${cell}`);
}

function readSources(): Map<string, Expected> {
  const table = new Map<string, Expected>();
  for (const line of readFileSync(join(CORPUS_DIR, 'SOURCES.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const file = cells[1] ?? '';
    if (!/\.tsv(\.in)?$/.test(file)) continue;
    table.set(file, parseVerdict(cells[6] ?? ''));
  }
  return table;
}

const expectations = readSources();
const files = readdirSync(CORPUS_DIR)
  .filter((name) => name !== 'SOURCES.md')
  .sort();
const passOf = (problem: LayoutProblem): string => LAYOUT_PROBLEM_CATALOGUE[problem.code].pass;
const UBOOT_SEMANTIC = new Set(['selected-none-phase', 'invalid-phase', 'duplicate-id', 'too-many-devices']);

describe('real FlashLayouts (../shared/flashlayouts/real)', () => {
  it('SOURCES.md lists exactly the files in the folder', () => {
    expect(files.length).toBeGreaterThan(100);
    expect([...expectations.keys()].sort()).toEqual(files);
  });

  it.each(files)('%s loads and agrees with U-Boot', async (file) => {
    const expected = expectations.get(file)!;
    const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
    const lineCount = text.length === 0 ? 0 : text.replace(/\n$/, '').split('\n').length;
    const plan = await loadFlashLayout(join(CORPUS_DIR, file));

    expect(plan.uboot.result).toBe(expected.result);
    expect(plan.uboot.message).toBe(expected.message);
    if (expected.rowCount !== null) expect(plan.uboot.rowCount).toBe(expected.rowCount);

    for (const problem of plan.problems) {
      if (problem.line !== null) expect(problem.line).toBeGreaterThanOrEqual(1);
      if (problem.line !== null) expect(problem.line).toBeLessThanOrEqual(lineCount);
      expect(problem.severity).toBe(LAYOUT_PROBLEM_CATALOGUE[problem.code].severity);
    }
    const syntaxErrors = plan.problems.filter(
      (problem) => passOf(problem) === 'syntax' && problem.severity === 'error',
    );
    const ubootSemantic = plan.problems.filter((problem) => UBOOT_SEMANTIC.has(problem.code));
    if (expected.result === 'parse-reject') {
      // U-Boot's reason is among ours; the trailing-TAB row is only a warning since the host sends a cleaned copy
      const codes = plan.problems.map((problem) => problem.code);
      expect(syntaxErrors.length > 0 || codes.includes('trailing-tab')).toBe(true);
    } else {
      expect(syntaxErrors).toEqual([]);
      expect(ubootSemantic.length > 0).toBe(expected.result === 'semantic-reject');
      expect(plan.partitions.every((partition) => partition.status !== 'invalid')).toBe(true);
    }
    if (expected.result === 'semantic-reject') {
      expect(
        ubootSemantic.every(
          (problem) => problem.code === 'selected-none-phase' && problem.severity === 'warning',
        ),
      ).toBe(true);
    }
  });

  it('reports the U-Boot trailing-TAB bug as a located problem, not a silent drop', async () => {
    const plan = await loadFlashLayout(
      join(CORPUS_DIR, 'kubataba1uga-learning_stm32mp135f_baremetal_flash.tsv'),
    );
    expect(plan.uboot.message).toBe('Layout: no partition found');
    expect(plan.problems.find((problem) => problem.code === 'trailing-tab')).toMatchObject({
      line: 2,
      severity: 'warning',
    });
    expect(plan.partitions.map((partition) => [partition.name, partition.status])).toEqual([
      ['fsbl_boot', 'boot-load'],
    ]);
  });

  it('keeps 64-bit offsets exact (ST v5 sample)', async () => {
    const plan = await loadFlashLayout(
      join(
        CORPUS_DIR,
        'st-meta-st-stm32mp_mickledore-scarthgap_FlashLayout_sdcard_stm32mp157f-ev1_sample.tsv',
      ),
    );
    const userfs = plan.partitions.find((partition) => partition.name === 'userfs')!;
    expect(userfs.offset).toBe('0x105984400');
    expect(userfs.offsetBytes).toBe(0x105984400);
    const rootfs = plan.partitions.find((partition) => partition.name === 'rootfs')!;
    expect(rootfs.roomBytes).toBe(0x105984400 - 0x05984400);
  });

  it('loads the STM32CubeMP13 external-loader layouts with the U-Boot refusal as a warning', async () => {
    const plan = await loadFlashLayout(
      join(
        CORPUS_DIR,
        'st-STM32CubeMP13_CUSTOM_HW_SNOR_Ext_Loader_FlashLayout_OpenBL_ExtLoaderSNOR_SerialBoot_v2.tsv',
      ),
    );
    expect(plan.partitions.map((partition) => partition.id)).toEqual(['0x1', '0x3', '0x4', '0x5']);
    expect(
      plan.problems
        .filter((problem) => problem.code === 'selected-none-phase')
        .map((problem) => problem.line),
    ).toEqual([2, 3]);
  });

  it('reads templates: placeholders in U-Boot columns are syntax errors, in Binary host errors', async () => {
    const trusted = await loadFlashLayout(
      join(CORPUS_DIR, 'foundriesio-meta-lmp_FlashLayout_stm32mp1-trusted_2021-07.tsv.in'),
    );
    expect(
      trusted.problems
        .filter((problem) => problem.code === 'template-placeholder')
        .map((p) => [p.line, p.field]),
    ).toEqual([
      [4, 'ip'],
      [4, 'offset'],
      [5, 'ip'],
      [5, 'offset'],
      [6, 'ip'],
      [6, 'offset'],
      [7, 'ip'],
      [7, 'offset'],
    ]);
    const usb = await loadFlashLayout(
      join(CORPUS_DIR, 'foundriesio-meta-lmp_FlashLayout_stm32mp1-usb_2023-08a.tsv.in'),
    );
    expect(usb.uboot.result).toBe('accepted');
    expect(usb.problems.map((problem) => problem.code)).toContain('template-binary');
  });
});
