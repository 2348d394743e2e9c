import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SocId } from '../../../shared/domain/flash-event.js';
import { VirtualClock } from '../../../main/core/clock.js';
import { writeSampleLayout } from '../../../main/sample/sample-layout.js';
import type { ScryptCost } from '../../../main/station/admin-pin.js';
import type { StationProfileRequest } from '../../../main/station/create-station-profile.js';
import { createStationProfile } from '../../../main/station/create-station-profile.js';
import type { LoadedStationProfile } from '../../../main/station/load-station-profile.js';
import { loadStationProfile } from '../../../main/station/load-station-profile.js';

/** The cheapest cost the schema accepts: tests check behaviour, not the cost. */
export const TEST_SCRYPT_COST: ScryptCost = { N: 2 ** 14, r: 8, p: 1, keyLengthBytes: 32 };
export const TEST_PIN = '246810';

export const FOUR_SLOTS = [
  { label: 'A', portPath: '1-2' },
  { label: 'B', portPath: '1-3' },
  { label: 'C', portPath: '1-4' },
  { label: 'D', portPath: '1-5' },
];

/** A shape-valid profile object (the hashes are well-formed but match no file). */
export function validProfileData(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name: 'Line 3 — DK2',
    layout: { path: 'layout/FlashLayout.tsv', sha256: 'a'.repeat(64) },
    binaries: [{ path: 'tf-a-usb.stm32', sizeBytes: 1024, sha256: 'b'.repeat(64) }],
    soc: 'mp15',
    slots: FOUR_SLOTS.map((slot) => ({ ...slot })),
    timeoutsSeconds: { 'after-fip': 45 },
    autoStart: true,
    serialPattern: '[0-9A-F]{24}',
    startStaggerMs: 0,
    recordsDir: 'records',
    adminPin: {
      kdf: 'scrypt',
      N: 16384,
      r: 8,
      p: 1,
      keyLengthBytes: 32,
      salt: Buffer.alloc(16, 1).toString('base64'),
      hash: Buffer.alloc(32, 2).toString('base64'),
    },
  };
}

export interface StationWorkspace {
  dir: string;
  layoutPath: string;
  profilePath: string;
  loaded: LoadedStationProfile;
}

/** A sample layout (small images) and a station profile pinning it, in a fresh temp folder. */
export async function makeStationWorkspace(
  options: { soc?: SocId; request?: Partial<StationProfileRequest>; rootfsBytes?: number } = {},
): Promise<StationWorkspace> {
  const dir = await mkdtemp(path.join(tmpdir(), 'station-'));
  const { layoutPath } = await writeSampleLayout(path.join(dir, 'layout'), {
    soc: options.soc ?? 'mp15',
    rootfsBytes: options.rootfsBytes ?? 256 * 1024,
  });
  const profilePath = path.join(dir, 'station.json');
  await createStationProfile(
    {
      profilePath,
      layoutPath,
      slots: FOUR_SLOTS,
      pin: TEST_PIN,
      serialPattern: '[0-9A-F]{24}',
      scryptCost: TEST_SCRYPT_COST,
      ...options.request,
    },
    { clock: new VirtualClock() },
  );
  return { dir, layoutPath, profilePath, loaded: await loadStationProfile(profilePath) };
}
