import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import path from 'node:path';
import { writeSampleLayout } from '../../main/sample/sample-layout.js';
import { openLayout, openStation, screenshot, type Station } from './e2e-harness.js';

describe('a full flash of a simulated MP15 board', () => {
  let station: Station;
  let layoutPath: string;

  beforeAll(async () => {
    station = await openStation(['--sim-boards', 'mp15', '--sim-time-scale', '0.25']);
    ({ layoutPath } = await writeSampleLayout(path.join(station.dir, 'layout'), {
      soc: 'mp15',
      rootfsBytes: 1024 * 1024,
    }));
  });
  afterAll(async () => {
    await station?.close();
  });

  test('shows the board, checks the layout, flashes it and draws the identity timeline', async () => {
    const { page } = station;
    await page.getByTestId('board-1-2').waitFor();
    await expect(page.getByTestId('board-1-2').textContent()).resolves.toContain('ROM');
    await openLayout(page, layoutPath);
    await expect(page.locator('#layout .count').textContent()).resolves.toBe('ready');
    await screenshot(page, 'success-01-ready');

    await page.getByTestId('flash-start').click();
    await page.getByText('U-Boot (2nd enumeration): writing partitions').waitFor({ timeout: 60_000 });
    await screenshot(page, 'success-02-flashing');

    const result = page.getByTestId('flash-result');
    await result.waitFor({ timeout: 90_000 });
    await expect(result.textContent()).resolves.toMatch(/Flashed \d+ partitions/);
    // ROM → TF-A (one enumeration on MP15), U-Boot, U-Boot 2nd.
    await expect(page.locator('.tl-identity').count()).resolves.toBe(3);
    await expect(page.locator('.tl-gap').count()).resolves.toBe(2);
    await page.evaluate("document.getElementById('timeline').scrollIntoView()");
    await screenshot(page, 'success-03-done');

    await page.locator('.tl-identity').first().click();
    await expect(page.getByTestId('identity-details').textContent()).resolves.toContain('DFU in HS Mode');
    await page.evaluate("document.getElementById('timeline').scrollIntoView()");
    await screenshot(page, 'success-04-identity-details');

    await page.getByTestId('theme-toggle').click();
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'success-05-dark');
    await screenshot(page, 'success-06-dark-full', true);

    await page.evaluate("document.getElementById('enumeration').scrollIntoView()");
    await expect(page.locator('.log-table tbody tr').count()).resolves.toBeGreaterThanOrEqual(5);
    await screenshot(page, 'success-07-enumeration-log');
    expect(station.problems).toEqual([]);
  });
});
