import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import path from 'node:path';
import { writeSampleLayout } from '../../main/sample/sample-layout.js';
import { openStation, screenshot, startUbootNoReconnectFlash, type Station } from './e2e-harness.js';

describe('a board whose U-Boot never comes up (uboot-no-reconnect)', () => {
  let station: Station;
  let layoutPath: string;

  beforeAll(async () => {
    station = await openStation(['--sim-boards', 'none', '--sim-time-scale', '0.25'], 'dark');
    ({ layoutPath } = await writeSampleLayout(path.join(station.dir, 'layout'), {
      soc: 'mp15',
      rootfsBytes: 512 * 1024,
    }));
  });
  afterAll(async () => {
    await station?.close();
  });

  test('shows the diagnosis, the ranked causes and the failure point on the timeline', async () => {
    const { page } = station;
    await startUbootNoReconnectFlash(page, layoutPath);

    await page.getByTestId('flash-wait').waitFor({ timeout: 60_000 });
    await screenshot(page, 'failure-01-waiting-for-uboot');

    const symptom = page.getByTestId('diagnosis-symptom');
    await symptom.waitFor({ timeout: 60_000 });
    await expect(symptom.textContent()).resolves.toContain('The board did not come back');
    await expect(page.getByTestId('diagnosis-causes').locator('li').count()).resolves.toBeGreaterThan(1);
    await expect(page.getByTestId('timeline-failure').count()).resolves.toBe(1);
    await expect(page.locator('.tl-gap-failed').count()).resolves.toBe(1);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'failure-02-diagnosis');
    await page.evaluate("document.getElementById('timeline').scrollIntoView()");
    await screenshot(page, 'failure-03-timeline');
    await screenshot(page, 'failure-04-full', true);
    expect(station.problems).toEqual([]);
  });
});
