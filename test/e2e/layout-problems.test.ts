import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openLayout, openStation, screenshot, type Station } from './e2e-harness.js';

const BAD_LAYOUT = [
  '#Opt\tId\tName\tType\tIP\tOffset\tBinary',
  '-\t0x01\tfsbl-boot\tBinary\tnone\t0x0\ttf-a-usb.stm32',
  '-\t0x03\tfip-boot\tFIP\tnone\t0x0\tfip.bin',
  'P\t0x04\tfsbl1\tBinary\tmmc0\t0x00004401\ttf-a-sdcard.stm32',
  'P\t0x05\tfsbl2\tBinary\tmmc0 \t0x00044400\ttf-a-sdcard.stm32',
  'P\t0x11\trootfs\tFileSystem\tmmc0\t0x04984400\trootfs.ext4',
  '',
].join('\n');

describe('a layout with problems, on a host that is a VM', () => {
  let station: Station;
  let layoutPath: string;

  beforeAll(async () => {
    station = await openStation(['--sim-boards', 'none', '--sim-time-scale', '0.25']);
    const dir = path.join(station.dir, 'bad');
    await mkdir(dir, { recursive: true });
    layoutPath = path.join(dir, 'FlashLayout_bad.tsv');
    await writeFile(layoutPath, BAD_LAYOUT);
  });
  afterAll(async () => {
    await station?.close();
  });

  test('lists each problem with its line, field and hint, and blocks the flash', async () => {
    const { page } = station;
    await page.getByTestId('sim-scenario').selectOption('vm-filter');
    await page.getByTestId('sim-plug').click();
    await page.getByTestId('preflight-vm').waitFor();

    await openLayout(page, layoutPath);
    const problems = page.getByTestId('layout-problems');
    await problems.waitFor();
    const text = (await problems.textContent()) ?? '';
    expect(text).toContain('Line 4');
    expect(text).toMatch(/Line 2 · Binary|Line 3 · Binary/);
    await expect(page.getByTestId('preflight-layout').textContent()).resolves.toMatch(
      /The layout has \d+ errors?/,
    );
    await expect(page.getByTestId('flash-start').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'problems-01-preflight');
    await page.evaluate("document.querySelector('[data-testid=layout-problems]').scrollIntoView()");
    await screenshot(page, 'problems-02-list');
    await screenshot(page, 'problems-03-full', true);
    await page.getByTestId('preflight-vm').locator('summary').click();
    await expect(page.getByTestId('preflight-vm').textContent()).resolves.toContain(
      'VBoxManage usbfilter add',
    );
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'problems-04-vm-advice');
    expect(station.problems).toEqual([]);
  });
});
