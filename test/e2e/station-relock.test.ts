import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemClock } from '../../main/core/clock.js';
import { writeSampleLayout } from '../../main/sample/sample-layout.js';
import { createStationProfile } from '../../main/station/create-station-profile.js';
import { openStation, screenshot, type Station } from './e2e-harness.js';

const PIN = '135790';

describe('operator mode: left with the PIN, locked again without a restart', () => {
  let station: Station;

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'station-relock-'));
    const { layoutPath } = await writeSampleLayout(path.join(dir, 'layout'), {
      soc: 'mp15',
      rootfsBytes: 64 * 1024,
    });
    const profilePath = path.join(dir, 'station.json');
    await createStationProfile(
      {
        profilePath,
        layoutPath,
        slots: [{ label: 'A', portPath: '1-2' }],
        pin: PIN,
        name: 'Bench 2 — relock',
        autoStart: false,
        serialPattern: null,
        recordsDir: path.join(dir, 'records'),
        timeoutsSeconds: {},
        scryptCost: { N: 2 ** 14, r: 8, p: 1, keyLengthBytes: 32 },
      },
      { clock: systemClock },
    );
    station = await openStation(['--station', profilePath]);
  });
  afterAll(async () => {
    await station?.close();
  });

  test('the bench opens behind the PIN with a bar that locks the station again in one click', async () => {
    const { page } = station;
    await page.getByTestId('station-screen').waitFor();
    await page.getByTestId('station-admin').click();
    await page.getByTestId('admin-pin').fill(PIN);
    await page.getByTestId('admin-leave').click();

    await page.locator('.workspace').waitFor();
    await expect(page.getByTestId('station-unlocked').textContent()).resolves.toContain('Bench 2 — relock');
    expect(station.web.services.station?.isLocked()).toBe(false);
    await screenshot(page, 'station-05-unlocked');

    await page.getByTestId('station-lock').click();
    await page.getByTestId('station-screen').waitFor();
    await expect(page.locator('.workspace, [data-testid="station-unlocked"]').count()).resolves.toBe(0);
    expect(station.web.services.station?.isLocked()).toBe(true);
    // the lock is main's, not the page's: a reload comes back to the operator screen
    await page.reload();
    await page.getByTestId('station-screen').waitFor();
    await expect(page.locator('.workspace').count()).resolves.toBe(0);
    expect(station.problems.filter((p) => !p.includes('favicon'))).toEqual([]);
  });
});
