import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LAYOUT_PROBLEM_CATALOGUE } from '../../../shared/domain/layout-problem.js';
import { buildFlashPlan } from '../../../main/layout/build-flash-plan.js';
import { parseFlashLayoutBytes } from '../../../main/layout/decode-layout.js';
import type { ParsedLayout } from '../../../main/layout/layout-row.js';
import { normalizeLayoutForDevice } from '../../../main/layout/normalize-layout.js';
import { parseFlashLayoutText } from '../../../main/layout/parse-flash-layout.js';
import { realLayoutsDir } from '../../helpers/real-layouts-dir.js';

const CORPUS_DIR = realLayoutsDir();
const realTexts = readdirSync(CORPUS_DIR)
  .filter((name) => name !== 'SOURCES.md')
  .sort()
  .map((name) => readFileSync(join(CORPUS_DIR, name), 'utf8'));

/** Characters that matter to U-Boot's scanner, plus a few that are plain data. */
const layoutChar = fc.constantFrom(
  '\t',
  '\t',
  '\n',
  '\n',
  '\r',
  ' ',
  '#',
  'P',
  'E',
  'D',
  '-',
  '0',
  'x',
  '1',
  'F',
  'a',
  '\uFEFF',
  '\0',
  'é',
);
const layoutToken = fc.constantFrom(
  'P',
  'PE',
  'PED',
  '-',
  '0x01',
  '0x03',
  '0x10',
  '010',
  '0xF1',
  'fsbl1',
  'Binary',
  'Binary(2)',
  'FIP',
  'RawImage',
  'none',
  'mmc0',
  'mmc1',
  'nor0',
  'ram0',
  '0x0',
  '0x00004400',
  'boot1',
  'boot3',
  '@@VAR@@',
  'f.bin',
  '#Opt',
);
const layoutish = fc
  .array(fc.oneof(layoutChar, layoutToken, fc.constantFrom('\t', '\n')), { maxLength: 120 })
  .map((parts) => parts.join(''));

type Mutation = { at: number; kind: 'insert' | 'delete' | 'replace'; text: string };
const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<Mutation['kind']>('insert', 'delete', 'replace'),
  text: fc.oneof(layoutChar, layoutToken),
});

function mutate(text: string, mutations: readonly Mutation[]): string {
  let result = text;
  for (const { at, kind, text: piece } of mutations) {
    const index = result.length === 0 ? 0 : at % (result.length + 1);
    if (kind === 'insert') result = result.slice(0, index) + piece + result.slice(index);
    else if (kind === 'delete') result = result.slice(0, index) + result.slice(index + 1 + (at % 3));
    else result = result.slice(0, index) + piece + result.slice(index + piece.length);
  }
  return result;
}

/** Invariants every parse must keep, whatever the input. */
function checkInvariants(parsed: ParsedLayout): void {
  for (const problem of parsed.problems) {
    expect(LAYOUT_PROBLEM_CATALOGUE[problem.code].severity).toBe(problem.severity);
    if (problem.line !== null) {
      expect(Number.isInteger(problem.line)).toBe(true);
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.line).toBeLessThanOrEqual(Math.max(parsed.lineCount, 1));
    }
    expect(problem.message.length).toBeGreaterThan(0);
  }
  for (const row of parsed.rows) {
    expect(row.line).toBeGreaterThanOrEqual(1);
    expect(row.line).toBeLessThanOrEqual(parsed.lineCount);
    if (row.offsetBytes !== null) expect(Number.isSafeInteger(row.offsetBytes)).toBe(true);
  }
  const plan = buildFlashPlan({
    parsed,
    layoutPath: '/nowhere/layout.tsv',
    layoutDir: '/nowhere',
    files: new Map(),
    soc: null,
  });
  expect(plan.partitions).toHaveLength(parsed.rows.length);
  expect(Number.isSafeInteger(plan.eraseWorkBytes)).toBe(true);
}

/**
 * Links the problem checker to the U-Boot emulation: without the trailing-TAB bug (which only the
 * emulation replays), U-Boot refuses a file while parsing exactly when we report a syntax error, and
 * in its semantic pass exactly when we report one of its four semantic problems.
 */
function checkAgreesWithUboot(parsed: ParsedLayout): void {
  const codes = parsed.problems.map((problem) => problem.code);
  if (codes.includes('trailing-tab')) return;
  const syntaxError = parsed.problems.some(
    (problem) => problem.severity === 'error' && LAYOUT_PROBLEM_CATALOGUE[problem.code].pass === 'syntax',
  );
  expect(parsed.uboot.result === 'parse-reject').toBe(syntaxError);
  if (syntaxError) return;
  const semantic = codes.some((code) =>
    ['selected-none-phase', 'invalid-phase', 'duplicate-id', 'too-many-devices'].includes(code),
  );
  expect(parsed.uboot.result).toBe(semantic ? 'semantic-reject' : 'accepted');
  expect(parsed.uboot.rowCount).toBe(parsed.rows.length);
}

describe('FlashLayout parsing never throws and always locates its problems', () => {
  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const parsed = parseFlashLayoutText(text);
        checkInvariants(parsed);
        checkAgreesWithUboot(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it('layout-shaped random text', () => {
    fc.assert(
      fc.property(layoutish, (text) => {
        const parsed = parseFlashLayoutText(text);
        checkInvariants(parsed);
        checkAgreesWithUboot(parsed);
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        checkInvariants(parseFlashLayoutBytes(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('mutated real layouts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...realTexts),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (text, mutations) => {
          const parsed = parseFlashLayoutText(mutate(text, mutations));
          checkInvariants(parsed);
          checkAgreesWithUboot(parsed);
        },
      ),
      { numRuns: 1500 },
    );
  }, 30_000);

  it('a layout without problems normalizes to text U-Boot parses to the same rows', () => {
    fc.assert(
      fc.property(fc.constantFrom(...realTexts), fc.array(mutation, { maxLength: 3 }), (text, mutations) => {
        const parsed = parseFlashLayoutText(mutate(text, mutations));
        if (parsed.rows.length === 0 || parsed.rows.some((row) => !row.valid)) return;
        const again = parseFlashLayoutText(new TextDecoder().decode(normalizeLayoutForDevice(parsed)));
        expect(
          again.rows.map((row) => [
            row.flags,
            row.phaseId,
            row.name,
            row.partType,
            row.device,
            row.offsetBytes,
            row.bootPartition,
          ]),
        ).toEqual(
          parsed.rows.map((row) => [
            row.flags,
            row.phaseId,
            row.name,
            row.partType,
            row.device,
            row.offsetBytes,
            row.bootPartition,
          ]),
        );
        expect(again.uboot.result).not.toBe('parse-reject');
      }),
      { numRuns: 500 },
    );
  });
});
