import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemClock } from '../../main/core/clock.js';
import { writeSampleLayout } from '../../main/sample/sample-layout.js';
import { createStationProfile } from '../../main/station/create-station-profile.js';
import { readStationRecords } from '../../main/station/records/read-station-records.js';
import type { UnitRecord } from '../../shared/domain/station.js';
import type { Page } from 'playwright-core';
import { openStation, screenshot, type Station } from './e2e-harness.js';

/** Waits until at least `count` elements match (locators, since the page's CSP forbids eval). */
async function waitForCount(page: Page, selector: string, count: number, timeout: number): Promise<void> {
  await page
    .locator(selector)
    .nth(count - 1)
    .waitFor({ timeout });
}

async function attributes(page: Page, selector: string, name: string): Promise<(string | null)[]> {
  return Promise.all((await page.locator(selector).all()).map((element) => element.getAttribute(name)));
}

const PIN = '246810';
const SLOTS = [
  { label: 'A', portPath: '1-2' },
  { label: 'B', portPath: '1-3' },
  { label: 'C', portPath: '1-4' },
  { label: 'D', portPath: '1-1.1' },
];

describe('operator mode: 4 simulated slots behind the admin PIN (--station)', () => {
  let station: Station;
  let layoutDir: string;
  let recordsDir: string;

  beforeAll(async () => {
    // The profile is written before the web mode starts, as an engineer would on the station PC.
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(path.join(tmpdir(), 'station-kiosk-'));
    layoutDir = path.join(dir, 'layout');
    recordsDir = path.join(dir, 'records');
    const { layoutPath } = await writeSampleLayout(layoutDir, { soc: 'mp15', rootfsBytes: 512 * 1024 });
    const profilePath = path.join(dir, 'station.json');
    await createStationProfile(
      {
        profilePath,
        layoutPath,
        slots: SLOTS,
        pin: PIN,
        name: 'Line 3 — DK2 rev C',
        autoStart: false,
        serialPattern: null,
        recordsDir,
        // short, so the faulty slot fails in seconds rather than after the production timeout
        timeoutsSeconds: { 'after-fip': 3 },
        scryptCost: { N: 2 ** 14, r: 8, p: 1, keyLengthBytes: 32 },
      },
      { clock: systemClock },
    );
    station = await openStation(
      ['--station', profilePath, '--sim-time-scale', '0.25', '--sim-scenario', 'C=uboot-no-reconnect'],
      'dark',
    );
  });
  afterAll(async () => {
    await station?.close();
  });

  test('Start flashes 3 PASS, 1 FAIL with its symptom; counters, records; the lock holds', async () => {
    const { page } = station;
    await page.getByTestId('station-screen').waitFor();
    // no bench view and no simulator panel in operator mode
    await expect(page.locator('.sidebar, .workspace, [data-testid="sim-plug"]').count()).resolves.toBe(0);
    await waitForCount(page, '[data-state="ready"]', 4, 20_000);
    await expect(page.getByTestId('station-profile').textContent()).resolves.toBe('Line 3 — DK2 rev C');
    await screenshot(page, 'station-01-ready');

    await page.getByTestId('station-start').click();
    // a bar visibly under way (more than 5 %) for the screenshot
    await page
      .locator('.slot-percent')
      .filter({ hasText: /^([6-9]|[1-9]\d) %$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'station-02-flashing');

    await waitForCount(page, '[data-state="pass"], [data-state="fail"]', 4, 90_000);
    const states = await attributes(page, '.slot-card', 'data-state');
    expect(states).toEqual(['pass', 'pass', 'fail', 'pass']);
    await expect(page.getByTestId('slot-C-symptom').textContent()).resolves.toBe('no-reenumeration');
    await expect(page.getByTestId('slot-C-sentence').textContent()).resolves.toContain('did not come back');
    await expect(page.getByTestId('count-passed').textContent()).resolves.toBe('3');
    await expect(page.getByTestId('count-failed').textContent()).resolves.toBe('1');
    await expect(page.getByTestId('count-yield').textContent()).resolves.toBe('75 %');
    await screenshot(page, 'station-03-results');

    const units: UnitRecord[] = [];
    for await (const line of readStationRecords(recordsDir)) if (line.kind === 'unit') units.push(line);
    expect(units).toHaveLength(4);
    expect(units.map((u) => u.outcome).sort()).toEqual(['fail', 'pass', 'pass', 'pass']);

    // the lock: a wrong PIN is refused (after the free attempts, with the back-off time)
    await page.getByTestId('station-admin').click();
    for (let attempt = 0; attempt < 4; attempt++) {
      await page.getByTestId('admin-pin').fill('000000');
      await page.getByTestId('admin-leave').click();
      // the field empties when the answer came back
      await expect.poll(() => page.getByTestId('admin-pin').inputValue(), { timeout: 10_000 }).toBe('');
      await page.getByTestId('admin-message').waitFor();
    }
    await expect(page.getByTestId('admin-message').textContent()).resolves.toMatch(
      /Wrong PIN\. Try again in \d+ (s|min)\./,
    );
    await screenshot(page, 'station-04-wrong-pin');
    await page.getByTestId('admin-cancel').click();
    // no path back to the bench: no link, no button but Start and Admin, and the channel refuses
    await expect(page.locator('a[href], .app, .sidebar').count()).resolves.toBe(0);
    const buttons = await attributes(page, 'button', 'data-testid');
    expect(buttons.sort()).toEqual(['station-admin', 'station-start']);
    await page.reload();
    await page.getByTestId('station-screen').waitFor();
    await expect(page.locator('.workspace').count()).resolves.toBe(0);
    expect(station.web.services.station?.isLocked()).toBe(true);
    // and main refuses the bench channels themselves while locked (a page that calls them directly)
    const bench = await page.evaluate(`(async () => {
      const response = await fetch('/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-flash-station-token': ${JSON.stringify(station.web.server.token)} },
        body: JSON.stringify({ channel: 'sim.plug', payload: { soc: 'mp15', portPath: '1-1.4', scenario: null } }),
      });
      return response.json();
    })()`);
    expect(bench).toMatchObject({
      ok: false,
      error: { message: 'Operator mode is on: the bench views are locked.' },
    });
    expect(station.problems.filter((p) => !p.includes('favicon'))).toEqual([]);
  });

  test('an edited binary is refused before flashing, with a message on screen', async () => {
    const { page } = station;
    const simulator = station.web.services.simulator!;
    // change one byte of the pinned rootfs
    const file = await open(path.join(layoutDir, 'rootfs.ext4'), 'r+');
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, 1000);
    byte[0] = byte[0]! ^ 0xff;
    await file.write(byte, 0, 1, 1000);
    await file.close();
    // the operator swaps the four units
    for (const board of simulator.state().boards) simulator.unplug(board.label);
    for (const slot of SLOTS) simulator.plug({ soc: 'mp15', portPath: slot.portPath, scenario: null });
    await waitForCount(page, '[data-state="ready"]', 4, 20_000);
    await page.getByTestId('station-start').click();
    const blocked = page.getByTestId('station-blocked');
    await blocked.waitFor({ timeout: 20_000 });
    await expect(blocked.textContent()).resolves.toMatch(
      /station files have changed.*rootfs\.ext4 has changed/,
    );
    await expect(page.locator('[data-state="flashing"]').count()).resolves.toBe(0);
    await screenshot(page, 'station-05-files-changed');
    // the same screen in a light theme, as a station PC without dark mode shows it
    const light = await station.browser.newPage({
      viewport: { width: 1280, height: 720 },
      colorScheme: 'light',
    });
    await light.goto(station.web.server.url);
    await light.getByTestId('station-blocked').waitFor();
    await screenshot(light, 'station-06-light');
    await light.close();
    const units: UnitRecord[] = [];
    for await (const line of readStationRecords(recordsDir)) if (line.kind === 'unit') units.push(line);
    expect(units).toHaveLength(4);
  });
});
