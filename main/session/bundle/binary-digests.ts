import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { isAppError } from '../../core/app-error.js';
import { LAYOUT_MAX_BYTES, loadFlashLayout } from '../../layout/load-flash-layout.js';

export interface BinaryDigest {
  /** Absolute path at export time (the bundle stores it redacted). */
  path: string;
  /** The layout rows that name it: "0x01 fsbl-boot (line 2)". */
  rows: string[];
  status: 'ok' | 'missing' | 'not-a-file' | 'unreadable';
  sizeBytes: number | null;
  sha256: string | null;
  /** The size the session sent, from the journal (null when this file was not sent). */
  sizeAtFlashBytes: number | null;
}

export interface LayoutSnapshot {
  /** The layout's text at export time, or null with the reason. */
  text: string | null;
  unavailableReason: string | null;
  binaries: BinaryDigest[];
}

/**
 * The FlashLayout named by the session, as it is now, and the size and SHA-256 of every binary it
 * names (streamed: a 4 GiB rootfs is hashed, never loaded or copied). The journal's sizes tell whether
 * a file changed since the flash.
 */
export async function snapshotLayout(
  layoutPath: string,
  events: readonly FlashEvent[],
  options: { signal?: AbortSignal; hash?: boolean } = {},
): Promise<LayoutSnapshot> {
  let text: string;
  try {
    const info = await stat(layoutPath);
    if (!info.isFile()) return { text: null, unavailableReason: 'not a file', binaries: [] };
    if (info.size > LAYOUT_MAX_BYTES) {
      return { text: null, unavailableReason: `too large for a layout (${info.size} bytes)`, binaries: [] };
    }
    text = await readFile(layoutPath, 'utf8');
  } catch (error) {
    return { text: null, unavailableReason: unreadableReason(error), binaries: [] };
  }

  let plan;
  try {
    plan = await loadFlashLayout(layoutPath, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (isAppError(error, 'aborted')) throw error;
    return { text, unavailableReason: null, binaries: [] };
  }

  const sentSizes = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'partition-start' && event.file)
      sentSizes.set(path.resolve(event.file), event.sizeBytes);
  }
  const byPath = new Map<string, BinaryDigest>();
  const layoutDir = path.dirname(path.resolve(layoutPath));
  for (const row of plan.partitions) {
    if (!row.binary || row.binary.trim() === '' || row.binary.trim().toLowerCase() === 'none') continue;
    const filePath = row.file?.path ?? path.resolve(layoutDir, row.binary.trim());
    let entry = byPath.get(filePath);
    if (!entry) {
      entry = {
        path: filePath,
        rows: [],
        status: 'ok',
        sizeBytes: null,
        sha256: null,
        sizeAtFlashBytes: sentSizes.get(filePath) ?? null,
      };
      byPath.set(filePath, entry);
    }
    entry.rows.push(`${row.id ?? '?'} ${row.name ?? '?'} (line ${row.line})`);
  }
  for (const entry of byPath.values()) {
    options.signal?.throwIfAborted();
    await digestFile(entry, options.hash !== false, options.signal);
  }
  return { text, unavailableReason: null, binaries: [...byPath.values()] };
}

async function digestFile(entry: BinaryDigest, hash: boolean, signal?: AbortSignal): Promise<void> {
  try {
    const info = await stat(entry.path);
    if (!info.isFile()) {
      entry.status = 'not-a-file';
      return;
    }
    entry.sizeBytes = info.size;
    if (!hash) return;
    const digest = createHash('sha256');
    await pipeline(createReadStream(entry.path, signal ? { signal } : {}), digest);
    entry.sha256 = digest.digest('hex');
  } catch (error) {
    if (signal?.aborted) throw error;
    entry.status = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

function unreadableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found on this machine';
  if (code === 'EACCES' || code === 'EPERM') return 'not readable (permission)';
  return `not readable (${code ?? 'error'})`;
}
