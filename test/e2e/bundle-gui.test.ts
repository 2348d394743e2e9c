import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { writeSampleLayout } from '../../main/sample/sample-layout.js';
import { openStation, screenshot, startUbootNoReconnectFlash, type Station } from './e2e-harness.js';

async function deliveredEvents(station: Station): Promise<number> {
  const value = await station.page.getByTestId('replay-position').getAttribute('data-delivered');
  return Number(value);
}

describe('export a failed session, open the bundle read-only, replay it', () => {
  let station: Station;
  let layoutPath: string;

  beforeAll(async () => {
    station = await openStation(['--sim-boards', 'none', '--sim-time-scale', '0.25'], 'light');
    ({ layoutPath } = await writeSampleLayout(path.join(station.dir, 'layout'), {
      soc: 'mp15',
      rootfsBytes: 512 * 1024,
    }));
  });
  afterAll(async () => {
    await station?.close();
  });

  test('the bundle view shows the failure point and the diagnosis, and the replay advances', async () => {
    const { page } = station;
    await startUbootNoReconnectFlash(page, layoutPath);
    await page.getByTestId('diagnosis-symptom').waitFor({ timeout: 60_000 });

    // Export: web mode writes into <userData>/bundles and shows the path.
    await page.getByTestId('session-export').click();
    const exported = page.getByTestId('session-exported');
    await exported.waitFor({ timeout: 30_000 });
    const zipPath = (await exported.locator('.mono').textContent()) ?? '';
    expect(zipPath).toMatch(/bundles[/\\]flash-.*\.zip$/);
    expect(path.dirname(zipPath)).toBe(path.join(station.dir, 'user-data', 'bundles'));
    expect((await stat(zipPath)).size).toBeGreaterThan(1000);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'bundle-01-exported');

    // Open it by path, as a support engineer would.
    await page.getByTestId('bundle-path').fill(zipPath);
    await page.getByTestId('bundle-open').click();
    const banner = page.getByTestId('bundle-banner');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain(`Bundle: ${path.basename(zipPath)} — read-only`);
    const view = page.getByTestId('bundle-view');
    await expect(view.getByTestId('diagnosis-symptom').textContent()).resolves.toContain(
      'The board did not come back',
    );
    await expect(view.getByTestId('timeline-failure').count()).resolves.toBe(1);
    await expect(view.locator('.tl-gap-failed').count()).resolves.toBe(1);
    await expect(view.getByTestId('diagnosis-differs').count()).resolves.toBe(0);
    await expect(view.getByTestId('bundle-events').locator('tbody tr').count()).resolves.toBeGreaterThan(5);
    await expect(view.getByTestId('bundle-host').textContent()).resolves.toContain('At flash time');
    await expect(view.getByTestId('bundle-layout-text').textContent()).resolves.toContain('fsbl');
    const total = await deliveredEvents(station);
    expect(total).toBeGreaterThan(5);
    await screenshot(page, 'bundle-02-opened');
    await screenshot(page, 'bundle-04-full', true);
    await page.evaluate("document.getElementById('timeline').scrollIntoView({ block: 'center' })");
    await screenshot(page, 'bundle-03-timeline');

    // Replay at 1×: the events advance from the start, the diagnosis waits for the outcome. Paused
    // for the checks so a fast machine cannot finish the replay between them.
    await page.evaluate('window.scrollTo(0, 0)');
    await view.getByTestId('replay-speed-1').click();
    await view.getByTestId('replay-play').click();
    await expect.poll(() => deliveredEvents(station), { interval: 20 }).toBeGreaterThan(3);
    await view.getByRole('button', { name: 'Pause' }).click();
    const early = await deliveredEvents(station);
    expect(early).toBeLessThan(total);
    await expect(view.getByTestId('diagnosis-symptom').count()).resolves.toBe(0);
    await expect(view.getByTestId('bundle-events').locator('tbody tr').count()).resolves.toBeLessThan(total);
    await page.waitForTimeout(300);
    expect(await deliveredEvents(station)).toBe(early);
    await screenshot(page, 'bundle-05-replaying');
    await view.getByTestId('replay-play').click();
    await expect.poll(() => deliveredEvents(station), { interval: 20 }).toBeGreaterThan(early);
    // 20× to the end: the whole session again, and the diagnosis appears at the end.
    await view.getByTestId('replay-speed-20').click();
    await expect.poll(() => deliveredEvents(station), { timeout: 30_000 }).toBe(total);

    await view.getByTestId('diagnosis-symptom').waitFor();
    await expect(view.getByTestId('timeline-failure').count()).resolves.toBe(1);
    await screenshot(page, 'bundle-06-replayed');

    // Back to the live view: the live session is still there.
    await view.getByTestId('bundle-close').click();
    await banner.waitFor({ state: 'detached' });
    await expect(page.getByTestId('flash-result').textContent()).resolves.toContain('Failed');
    expect(station.problems).toEqual([]);
  });
});
