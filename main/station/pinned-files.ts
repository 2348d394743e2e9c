import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import { planHasErrors } from '../../shared/domain/flash-plan.js';
import type { PinnedFilesVerification } from '../../shared/domain/station.js';
import { AppError } from '../core/app-error.js';
import type { Clock } from '../core/clock.js';
import { loadFlashLayout } from '../layout/load-flash-layout.js';
import type { LoadedStationProfile } from './load-station-profile.js';

/** The files a plan sends to the board, one entry per distinct path. */
export function filesSentByPlan(
  plan: FlashPlan,
): { path: string; sizeBytes: number; sha256: string | null }[] {
  const byPath = new Map<string, { path: string; sizeBytes: number; sha256: string | null }>();
  for (const partition of plan.partitions) {
    if (partition.status !== 'boot-load' && partition.status !== 'program') continue;
    if (partition.file) byPath.set(partition.file.path, { ...partition.file });
  }
  return [...byPath.values()];
}

export async function sha256OfFile(
  filePath: string,
  signal?: AbortSignal,
): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  try {
    const stream = createReadStream(filePath, { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      sizeBytes += chunk.length;
    }
  } catch (error) {
    if (signal?.aborted) throw new AppError('aborted', 'Checking the station files was cancelled.');
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? 'file-not-found' : 'file-unreadable',
      code === 'ENOENT'
        ? `${filePath} is missing: the station profile pins it.`
        : `${filePath} cannot be read: ${(error as Error).message}.`,
      { path: filePath },
      'Restore the file, or have an engineer re-create the station profile.',
    );
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

export interface VerifiedPinnedFiles {
  /** The plan loaded from the verified files: the round flashes exactly this. */
  plan: FlashPlan;
  verification: PinnedFilesVerification;
}

interface Changed {
  path: string;
  expected: string | null;
  actual: string | null;
}

/**
 * Re-hashes the layout and every binary it sends and compares them with the profile's pins. Any
 * difference (an edited, replaced, added or removed file) throws AppError('station-file-changed')
 * naming the first file with its expected and actual SHA-256; nothing may be flashed then. Files are
 * re-hashed every time rather than trusted by size and mtime: a copy tool can preserve mtime, and
 * hashing costs a few seconds per GiB against minutes of USB transfer for the same bytes.
 */
export async function verifyPinnedFiles(
  loaded: LoadedStationProfile,
  options: { clock: Clock; signal?: AbortSignal; timeoutMs?: number },
): Promise<VerifiedPinnedFiles> {
  const startMs = options.clock.nowMs();
  const layout = await sha256OfFile(loaded.layoutPath, options.signal);
  const expectedLayout = loaded.profile.layout.sha256;
  if (layout.sha256 !== expectedLayout) {
    throw changedError(
      [{ path: loaded.layoutPath, expected: expectedLayout, actual: layout.sha256 }],
      'layout',
    );
  }
  const plan = await loadFlashLayout(loaded.layoutPath, {
    hash: true,
    soc: loaded.profile.soc,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  if (planHasErrors(plan)) {
    const first = plan.problems.find((problem) => problem.severity === 'error');
    throw new AppError(
      'layout-invalid',
      `${loaded.layoutPath} has errors${first ? `: ${first.message}` : ''}; nothing will be flashed.`,
      { path: loaded.layoutPath },
      first?.hint ?? 'Run `stm32mp-flash layout` on it for every located problem.',
    );
  }
  const pins = new Map(loaded.binaries.map((binary) => [binary.path, binary.sha256]));
  const sent = filesSentByPlan(plan);
  const changed: Changed[] = [];
  for (const file of sent) {
    const expected = pins.get(file.path) ?? null;
    if (expected !== file.sha256) changed.push({ path: file.path, expected, actual: file.sha256 });
    pins.delete(file.path);
  }
  for (const [filePath, expected] of pins) changed.push({ path: filePath, expected, actual: null });
  if (changed.length > 0) throw changedError(changed, 'binary');
  return {
    plan,
    verification: {
      at: options.clock.wallNow().toISOString(),
      durationMs: Math.round(options.clock.nowMs() - startMs),
      files: sent.length + 1,
      bytes: sent.reduce((sum, file) => sum + file.sizeBytes, layout.sizeBytes),
      layoutSha256: layout.sha256,
    },
  };
}

function changedError(changed: Changed[], kind: 'layout' | 'binary'): AppError {
  const first = changed[0]!;
  const what =
    first.expected === null
      ? `${first.path} is sent by the layout but not pinned by the station profile (sha256 ${first.actual ?? '?'})`
      : first.actual === null
        ? `${first.path} is pinned by the station profile (sha256 ${first.expected}) but the layout no longer sends it`
        : `${first.path} has changed since the station profile was made: expected sha256 ${first.expected}, found ${first.actual}`;
  const more =
    changed.length > 1 ? ` (and ${changed.length - 1} more file${changed.length > 2 ? 's' : ''})` : '';
  return new AppError(
    'station-file-changed',
    `${kind === 'layout' ? 'The FlashLayout ' : ''}${what}${more}. Nothing will be flashed.`,
    { changed },
    'Restore the original files, or have an engineer re-create the station profile (stm32mp-flash station init).',
  );
}
