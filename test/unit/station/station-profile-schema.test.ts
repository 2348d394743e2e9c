import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { loadStationProfile, resolveStationProfile } from '../../../main/station/load-station-profile.js';
import { TEST_PIN, makeStationWorkspace, validProfileData } from './station-fixtures.js';

function problemOf(data: unknown): string {
  try {
    resolveStationProfile('/stations/line3.json', data, 'f'.repeat(64));
  } catch (error) {
    if (isAppError(error, 'station-profile-invalid')) return error.message;
    throw error;
  }
  throw new Error('the profile was accepted');
}

const DELETE = Symbol('delete');
type Key = string | number;

/** The valid profile with the value at `path` replaced (or deleted). */
function mutated(path: readonly Key[], value: unknown): unknown {
  const data = validProfileData();
  let node = data as Record<Key, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<Key, unknown>;
  const last = path.at(-1)!;
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return data;
}
describe('station profile schema', () => {
  it('accepts a valid profile and resolves its paths against the profile folder', () => {
    const loaded = resolveStationProfile('/stations/line3.json', validProfileData(), 'f'.repeat(64));
    expect(loaded.layoutPath).toBe('/stations/layout/FlashLayout.tsv');
    expect(loaded.binaries[0]!.path).toBe('/stations/layout/tf-a-usb.stm32');
    expect(loaded.recordsDir).toBe('/stations/records');
    expect(loaded.timeouts.afterFipMs).toBe(45_000);
    expect(loaded.serialRegex!.test('00AB00CD1234567890ABCDEF')).toBe(true);
    // anchored: a pattern matches the whole serial, never a part of it
    expect(loaded.serialRegex!.test('X00AB00CD1234567890ABCDEF')).toBe(false);
  });

  it('applies defaults for the optional fields', () => {
    const data = validProfileData();
    for (const key of ['timeoutsSeconds', 'autoStart', 'serialPattern', 'startStaggerMs']) delete data[key];
    const loaded = resolveStationProfile('/s/p.json', data, '');
    expect(loaded.profile).toMatchObject({ autoStart: false, serialPattern: null, startStaggerMs: 0 });
    expect(loaded.serialRegex).toBeNull();
  });

  const binary = validProfileData().binaries as unknown[];
  it.each<[string, Key[], unknown, RegExp]>([
    ['schemaVersion', ['schemaVersion'], 2, /schemaVersion: must be 1: this version reads/],
    ['missing name', ['name'], DELETE, /name: is missing/],
    ['empty name', ['name'], '', /name: must not be empty/],
    [
      'layout hash',
      ['layout', 'sha256'],
      'XYZ',
      /layout\.sha256: must be a SHA-256: 64 lower-case hex digits/,
    ],
    ['missing layout path', ['layout', 'path'], DELETE, /layout\.path: is missing/],
    ['no binaries', ['binaries'], [], /binaries: must pin at least one binary/],
    ['binary twice', ['binaries'], [...binary, ...binary], /binaries: names a binary twice/],
    ['binary hash', ['binaries', 0, 'sha256'], 'ab', /binaries\[0\]\.sha256: must be a SHA-256/],
    ['soc', ['soc'], 'mp99', /soc: must be mp15, mp13 or mp25/],
    ['no slots', ['slots'], [], /slots: must list at least one slot/],
    [
      'port path',
      ['slots', 1, 'portPath'],
      '1:2',
      /slots\[1\]\.portPath: must be a USB port path such as 1-2 or 1-1\.3/,
    ],
    ['slot label', ['slots', 2, 'label'], 'slot C!', /slots\[2\]\.label: must be 1–16 letters, digits/],
    ['label twice', ['slots', 1, 'label'], 'A', /slots\[1\]\.label: label 'A' is used twice/],
    ['port twice', ['slots', 3, 'portPath'], '1-2', /slots\[3\]\.portPath: port 1-2 is used by two slots/],
    [
      'timeout value',
      ['timeoutsSeconds', 'after-fip'],
      0,
      /timeoutsSeconds\.after-fip: must be more than 0 seconds/,
    ],
    [
      'timeout name',
      ['timeoutsSeconds', 'after-lunch'],
      5,
      /timeoutsSeconds: unknown field 'after-lunch' \(stages: start, after-fsbl/,
    ],
    ['auto-start', ['autoStart'], 'yes', /autoStart: must be true or false/],
    ['serial pattern', ['serialPattern'], '[0-9', /serialPattern: is not a valid regular expression/],
    ['stagger', ['startStaggerMs'], 60_000, /startStaggerMs: must be at most 10000 ms/],
    ['records', ['recordsDir'], DELETE, /recordsDir: is missing/],
    ['unknown field', ['autostart'], true, /\(top level\): unknown field 'autostart'/],
    ['kdf', ['adminPin', 'kdf'], 'md5', /adminPin\.kdf: must be 'scrypt'/],
    ['scrypt cost', ['adminPin', 'N'], 1024, /adminPin\.N: must be at least 16384/],
    ['scrypt N', ['adminPin', 'N'], 20_000, /adminPin\.N: must be a power of two/],
    [
      'pin hash',
      ['adminPin', 'hash'],
      Buffer.alloc(40).toString('base64'),
      /adminPin\.hash: hash length does not match keyLengthBytes/,
    ],
    [
      'pin in clear',
      ['adminPin'],
      { pin: '1234' },
      /: adminPin: unknown field 'pin'; adminPin\.kdf: is missing/,
    ],
  ])('%s: a specific message', (_name, path, value, message) => {
    expect(problemOf(mutated(path, value))).toMatch(message);
  });

  it('names the profile file in every message', () => {
    expect(problemOf(mutated(['soc'], 'x'))).toMatch(/^\/stations\/line3\.json: /);
  });

  it('refuses a file that is not JSON, and a missing one, with what to do', async () => {
    const { profilePath } = await makeStationWorkspace();
    await writeFile(profilePath, '{ "schemaVersion": 1, ');
    await expect(loadStationProfile(profilePath)).rejects.toMatchObject({ code: 'station-profile-invalid' });
    await expect(loadStationProfile(profilePath)).rejects.toThrow(/is not a JSON station profile/);
    await expect(loadStationProfile(`${profilePath}.missing`)).rejects.toMatchObject({
      code: 'file-not-found',
    });
  });

  it('a created profile loads, holds no PIN in clear and records its own hash', async () => {
    const { profilePath, loaded } = await makeStationWorkspace();
    const text = await readFile(profilePath, 'utf8');
    expect(text).not.toContain(TEST_PIN);
    expect(loaded.profileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.profile.layout.path).toBe('layout/FlashLayout_sdcard_stm32mp157f-dk2-sample.tsv');
    expect(loaded.profile.binaries.length).toBeGreaterThanOrEqual(4);
    expect(loaded.profile.binaries.every((b) => !b.path.startsWith('/'))).toBe(true);
  });
});
