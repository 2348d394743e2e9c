import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { StationProfileSummary } from '../../shared/domain/station.js';
import { AppError } from '../core/app-error.js';
import type { StageTimeouts } from '../flash/stage-timeouts.js';
import { DEFAULT_STAGE_TIMEOUTS, TIMEOUT_NAMES } from '../flash/stage-timeouts.js';
import type { StationProfile } from './station-profile-schema.js';
import { formatProfileIssues, stationProfileSchema } from './station-profile-schema.js';

/** A profile is a few KiB; anything much bigger is the wrong file. */
export const PROFILE_MAX_BYTES = 256 * 1024;

export interface PinnedBinary {
  /** Absolute. */
  path: string;
  /** As written in the profile. */
  profilePath: string;
  sizeBytes: number;
  sha256: string;
}

/** A validated profile with its paths resolved, ready for the engine. */
export interface LoadedStationProfile {
  profilePath: string;
  /** SHA-256 of the profile file as read: every unit record names the exact profile it was made with. */
  profileSha256: string;
  profile: StationProfile;
  layoutPath: string;
  binaries: PinnedBinary[];
  recordsDir: string;
  timeouts: StageTimeouts;
  /** Anchored: the whole serial must match. */
  serialRegex: RegExp | null;
}

export async function loadStationProfile(
  profilePath: string,
  options: { signal?: AbortSignal } = {},
): Promise<LoadedStationProfile> {
  const absolute = path.resolve(profilePath);
  const bytes = await readProfileBytes(absolute, options.signal);
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    throw new AppError(
      'station-profile-invalid',
      `${absolute} is not a JSON station profile: ${(error as Error).message}.`,
      { path: absolute },
      'Create profiles with `stm32mp-flash station init`.',
    );
  }
  return resolveStationProfile(absolute, data, createHash('sha256').update(bytes).digest('hex'));
}

/** Validates already-parsed profile data (the kiosk may hand over a profile it read itself). */
export function resolveStationProfile(
  profilePath: string,
  data: unknown,
  profileSha256: string,
): LoadedStationProfile {
  const parsed = stationProfileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const issues = formatProfileIssues(parsed.error);
    const shown = issues.slice(0, 5).join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    throw new AppError(
      'station-profile-invalid',
      `${profilePath}: ${shown}${more}.`,
      { path: profilePath, issues },
      'Station profiles are made with `stm32mp-flash station init`; re-create it rather than editing it.',
    );
  }
  const profile = parsed.data;
  const profileDir = path.dirname(profilePath);
  const layoutPath = path.resolve(profileDir, profile.layout.path);
  const layoutDir = path.dirname(layoutPath);
  const timeouts = { ...DEFAULT_STAGE_TIMEOUTS };
  for (const [name, seconds] of Object.entries(profile.timeoutsSeconds)) {
    const key = TIMEOUT_NAMES[name];
    if (key && seconds !== undefined) timeouts[key] = Math.round(seconds * 1000);
  }
  return {
    profilePath,
    profileSha256,
    profile,
    layoutPath,
    binaries: profile.binaries.map((binary) => ({
      path: path.resolve(layoutDir, binary.path),
      profilePath: binary.path,
      sizeBytes: binary.sizeBytes,
      sha256: binary.sha256,
    })),
    recordsDir: path.resolve(profileDir, profile.recordsDir),
    timeouts,
    serialRegex: profile.serialPattern === null ? null : new RegExp(`^(?:${profile.serialPattern})$`, 'u'),
  };
}

export function profileSummary(loaded: LoadedStationProfile): StationProfileSummary {
  const { profile } = loaded;
  return {
    name: profile.name,
    profilePath: loaded.profilePath,
    profileSha256: loaded.profileSha256,
    layoutPath: loaded.layoutPath,
    layoutSha256: profile.layout.sha256,
    soc: profile.soc,
    autoStart: profile.autoStart,
    serialPattern: profile.serialPattern,
    recordsDir: loaded.recordsDir,
    slots: profile.slots.map((slot) => ({ label: slot.label, portPath: slot.portPath })),
  };
}

async function readProfileBytes(filePath: string, signal: AbortSignal | undefined): Promise<Buffer> {
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AppError(
        'file-not-found',
        `No station profile at ${filePath}.`,
        { path: filePath },
        'Create one with `stm32mp-flash station init … -o <profile>`.',
      );
    }
    throw new AppError('file-unreadable', `${filePath} cannot be read: ${(error as Error).message}.`, {
      path: filePath,
    });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new AppError('not-a-file', `${filePath} is not a file; give the station profile's path.`, {
        path: filePath,
      });
    }
    if (stats.size > PROFILE_MAX_BYTES) {
      throw new AppError(
        'file-too-large',
        `${filePath} is ${stats.size} bytes; a station profile is a few KiB. Is it the right file?`,
        { path: filePath, sizeBytes: stats.size },
      );
    }
    return await handle.readFile({ ...(signal ? { signal } : {}) });
  } finally {
    await handle.close().catch(() => undefined);
  }
}
