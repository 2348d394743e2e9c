import { open, readFile, unlink } from 'node:fs/promises';
import { AppError } from '../../core/app-error.js';

export interface LockOwner {
  pid: number;
  hostname: string;
}

interface LockContent extends LockOwner {
  startedAt: string;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One station process per records folder: the startup recovery turns every unresolved in-flight
 * marker into an `interrupted` record, which would be wrong for units another live process is still
 * flashing. A lock left by a dead process on this host is taken over; one from another host (a shared
 * folder) is never guessed about.
 */
export async function acquireRecordsLock(
  lockPath: string,
  owner: LockOwner,
  startedAt: Date,
  isAlive: (pid: number) => boolean = processIsAlive,
): Promise<() => Promise<void>> {
  const content: LockContent = { ...owner, startedAt: startedAt.toISOString() };
  const text = JSON.stringify(content);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      return async () => {
        // only remove the lock if it is still ours (a stale-lock takeover may have replaced it)
        const now = await readFile(lockPath, 'utf8').catch(() => null);
        if (now === text) await unlink(lockPath).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AppError(
          'file-unwritable',
          `Cannot write in the records folder (${lockPath}): ${(error as Error).message}.`,
          { path: lockPath },
          'Give the station a writable records folder.',
        );
      }
    }
    const holder = await readLock(lockPath);
    const stale = holder !== null && holder.hostname === owner.hostname && !isAlive(holder.pid);
    if (holder !== null && !stale) {
      throw new AppError(
        'station-records-locked',
        `The records folder is in use by another station process (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}).`,
        { path: lockPath, ...holder },
        `Close the other station first. If it is gone for good, delete ${lockPath}.`,
      );
    }
    await unlink(lockPath).catch(() => undefined);
  }
  throw new AppError('station-records-locked', `Could not take the records lock ${lockPath}.`, {
    path: lockPath,
  });
}

/** null when the lock file is unreadable or half-written (a crash while taking it): treated as stale. */
async function readLock(lockPath: string): Promise<LockContent | null> {
  try {
    const data = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockContent>;
    if (
      typeof data.pid === 'number' &&
      typeof data.hostname === 'string' &&
      typeof data.startedAt === 'string'
    )
      return data as LockContent;
  } catch {
    // fall through
  }
  return null;
}
