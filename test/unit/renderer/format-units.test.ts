import { describe, expect, test } from 'vitest';
import {
  baseName,
  formatBcd,
  formatBytes,
  formatDuration,
  formatHex,
  formatPercent,
  formatRate,
  formatRemaining,
} from '../../../renderer/src/app/format-units.js';
import { phaseLabel, speedShort, waitLabel } from '../../../renderer/src/app/stage-labels.js';
import { errorHeadline } from '../../../renderer/src/app/error-text.js';
import { ERROR_CODES } from '../../../shared/error-codes.js';
import { stageLabel } from '../../../shared/domain/stage-labels.js';

describe('format-units', () => {
  test('bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(98_561)).toBe('96.3 KiB');
    expect(formatBytes(16 * 1024 * 1024)).toBe('16.0 MiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MiB');
    expect(formatBytes(-1)).toBe('—');
  });

  test('rates in decimal units, as USB people quote them', () => {
    expect(formatRate(0)).toBe('—');
    expect(formatRate(285_003)).toBe('285 kB/s');
    expect(formatRate(2_938_024)).toBe('2.9 MB/s');
  });

  test('durations and countdowns', () => {
    expect(formatDuration(474.7)).toBe('0.47 s');
    expect(formatDuration(3000.1)).toBe('3.0 s');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatRemaining(null)).toBe('—');
    expect(formatRemaining(-5)).toBe('0 s');
    expect(formatRemaining(2_100)).toBe('3 s');
    expect(formatRemaining(61_000)).toBe('1 min 01 s');
  });

  test('percent, hex, bcdDevice, base name', () => {
    expect(formatPercent(1, 3)).toBe('33 %');
    expect(formatPercent(5, 0)).toBe('0 %');
    expect(formatPercent(10, 5)).toBe('100 %');
    expect(formatHex(3)).toBe('0x03');
    expect(formatHex(0xfe)).toBe('0xFE');
    expect(formatBcd(0x0200)).toBe('2.00');
    expect(formatBcd(0x7e8a)).toBe('7e.8a');
    expect(baseName('/a/b/FlashLayout.tsv')).toBe('FlashLayout.tsv');
    expect(baseName('C:\\x\\y.tsv')).toBe('y.tsv');
  });
});

describe('stage labels', () => {
  test('what bench engineers call the stages', () => {
    expect(stageLabel('rom')).toBe('ROM');
    expect(stageLabel('tfa')).toBe('TF-A');
    expect(stageLabel('uboot-layout')).toBe('U-Boot');
    expect(stageLabel('uboot-partitions')).toBe('U-Boot 2nd');
    expect(stageLabel('unknown')).toBe('Unknown');
    expect(speedShort('full')).toBe('FS');
    expect(phaseLabel(0x03)).toBe('FIP');
    expect(phaseLabel(0x11)).toBe('partition 0x11');
    expect(phaseLabel(0xfe)).toBe('done');
    expect(waitLabel('after-fip', ['uboot-layout', 'uboot-partitions'])).toBe(
      'Waiting for U-Boot after TF-A was detached',
    );
  });

  test('every error code has a headline', () => {
    // A code added in shared/error-codes.ts needs its headline in renderer/src/app/error-text.ts.
    for (const code of ERROR_CODES) expect(errorHeadline({ code }), code).not.toBe('Error');
  });
});
