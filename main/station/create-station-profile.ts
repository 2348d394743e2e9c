import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SocId } from '../../shared/domain/flash-event.js';
import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import { planHasErrors } from '../../shared/domain/flash-plan.js';
import { STATION_PROFILE_SCHEMA_VERSION } from '../../shared/domain/station.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import { loadFlashLayout } from '../layout/load-flash-layout.js';
import type { ScryptCost } from './admin-pin.js';
import { DEFAULT_SCRYPT_COST, hashAdminPin } from './admin-pin.js';
import { resolveStationProfile } from './load-station-profile.js';
import { filesSentByPlan, sha256OfFile } from './pinned-files.js';
import type { StationProfileInput } from './station-profile-schema.js';

export interface StationProfileRequest {
  /** Where the profile is written (absolute). */
  profilePath: string;
  layoutPath: string;
  /** The layout already loaded with hashes (the CLI prints its problems first); loaded here otherwise. */
  plan?: FlashPlan;
  slots: { label: string; portPath: string }[];
  pin: string;
  name?: string;
  soc?: SocId | null;
  serialPattern?: string | null;
  autoStart?: boolean;
  /** Default: `records` next to the profile. */
  recordsDir?: string;
  timeoutsSeconds?: Partial<Record<string, number>>;
  startStaggerMs?: number;
  /** Replace an existing profile file. */
  overwrite?: boolean;
  scryptCost?: ScryptCost;
}

export interface CreatedStationProfile {
  profile: StationProfileInput;
  /** The layout as it was pinned; a caller can print its problems when creation fails. */
  plan: FlashPlan;
  pinnedBytes: number;
}

/**
 * Makes a station profile: hashes the layout and every binary it sends, hashes the PIN, validates the
 * result with the same schema the station reads it with, and writes it atomically (temp file +
 * rename), refusing to replace an existing profile unless asked.
 */
export async function createStationProfile(
  request: StationProfileRequest,
  options: { clock: Clock; signal?: AbortSignal },
): Promise<CreatedStationProfile> {
  const profileDir = path.dirname(request.profilePath);
  const layoutPath = path.resolve(request.layoutPath);
  const plan =
    request.plan && request.plan.partitions.every((p) => p.file === null || p.file.sha256 !== null)
      ? request.plan
      : await loadFlashLayout(layoutPath, {
          hash: true,
          soc: request.soc ?? null,
          ...(options.signal ? { signal: options.signal } : {}),
        });
  if (planHasErrors(plan)) {
    throw new AppError(
      'layout-invalid',
      `${layoutPath} has errors; a station profile cannot pin it.`,
      { path: layoutPath },
      'Run `stm32mp-flash layout` on it for every located problem.',
    );
  }
  const soc = request.soc ?? plan.soc.soc;
  if (soc === null) {
    throw new AppError(
      'bad-input',
      `The SoC of ${layoutPath} cannot be told from its images (${plan.soc.reason}).`,
      {},
      'Give it with --soc mp15|mp13|mp25.',
    );
  }
  if (plan.soc.soc !== null && plan.soc.soc !== soc) {
    throw new AppError(
      'soc-mismatch',
      `--soc ${soc}, but the layout's images are for ${plan.soc.soc} (${plan.soc.reason}).`,
      { expected: soc, actual: plan.soc.soc },
    );
  }
  const layout = await sha256OfFile(layoutPath, options.signal);
  const layoutDir = path.dirname(layoutPath);
  const sent = filesSentByPlan(plan);
  const recordsDir = path.resolve(profileDir, request.recordsDir ?? 'records');
  const profile: StationProfileInput = {
    schemaVersion: STATION_PROFILE_SCHEMA_VERSION,
    name: request.name ?? path.basename(request.profilePath).replace(/\.json$/i, ''),
    createdAt: options.clock.wallNow().toISOString(),
    layout: { path: relativeIfInside(profileDir, layoutPath), sha256: layout.sha256 },
    binaries: sent.map((file) => ({
      path: relativeIfInside(layoutDir, file.path),
      sizeBytes: file.sizeBytes,
      sha256: file.sha256 ?? '',
    })),
    soc,
    slots: request.slots,
    timeoutsSeconds: request.timeoutsSeconds ?? {},
    autoStart: request.autoStart ?? false,
    serialPattern: request.serialPattern ?? null,
    startStaggerMs: request.startStaggerMs ?? 0,
    recordsDir: relativeIfInside(profileDir, recordsDir),
    adminPin: await hashAdminPin(request.pin, request.scryptCost ?? DEFAULT_SCRYPT_COST),
  };
  // the same check the station runs, so a profile that is written is a profile that loads
  resolveStationProfile(request.profilePath, profile, '');
  await writeAtomically(
    request.profilePath,
    `${JSON.stringify(profile, null, 2)}\n`,
    request.overwrite ?? false,
  );
  return { profile, plan, pinnedBytes: sent.reduce((sum, file) => sum + file.sizeBytes, 0) };
}

/** Relative when inside `base` (the folder can move to another station whole), absolute otherwise. */
function relativeIfInside(base: string, target: string): string {
  const relative = path.relative(base, target);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : target;
}

async function writeAtomically(filePath: string, text: string, overwrite: boolean): Promise<void> {
  const temp = `${filePath}.${randomBytes(4).toString('hex')}.tmp`;
  let claimed = false;
  try {
    await mkdir(path.dirname(filePath), { recursive: true });
    if (!overwrite) {
      // 'wx' on the target itself claims the name; the rename below then replaces our own empty file
      const claim = await open(filePath, 'wx').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') {
          throw new AppError(
            'bad-input',
            `${filePath} already exists.`,
            { path: filePath },
            'Pass --force to replace it, or choose another -o path.',
          );
        }
        throw error;
      });
      claimed = true;
      await claim.close();
    }
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, filePath);
  } catch (error) {
    await rm(temp, { force: true });
    if (claimed) await rm(filePath, { force: true });
    if (error instanceof AppError) throw error;
    throw new AppError(
      'file-unwritable',
      `Cannot write the station profile ${filePath}: ${(error as Error).message}.`,
      { path: filePath },
    );
  }
}
