import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { AppError } from '../../core/app-error.js';

export interface BundleEntry {
  name: string;
  bytes: Uint8Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes the zip next to its destination and renames it into place, so a failed or cancelled export
 * never leaves a half-written bundle under the name the user chose.
 */
/** Resolves with the zip's size in bytes. */
export async function writeZip(
  outputPath: string,
  entries: readonly BundleEntry[],
  mtime: Date,
): Promise<number> {
  const files: Zippable = {};
  for (const entry of entries) files[entry.name] = [entry.bytes, { mtime, level: 9 }];
  const zipped = zipSync(files, { mtime });
  const temp = path.join(path.dirname(outputPath), `.${path.basename(outputPath)}.${process.pid}.partial`);
  try {
    await writeFile(temp, zipped, { flag: 'wx' });
    await rename(temp, outputPath);
    return zipped.byteLength;
  } catch (error) {
    await rm(temp, { force: true });
    throw new AppError(
      'file-unwritable',
      `Cannot write the support bundle ${outputPath}: ${(error as Error).message}`,
      { outputPath },
      'Choose a writable folder for the bundle.',
      { cause: error },
    );
  }
}

/** Limits for reading a zip someone sent: a bundle is small (no binaries), a zip bomb is not. */
export const BUNDLE_MAX_ZIP_BYTES = 256 * 1024 * 1024;
export const BUNDLE_MAX_ENTRY_BYTES = 256 * 1024 * 1024;
export const BUNDLE_MAX_ENTRIES = 64;

/** The entries of a zip, only those `wanted` accepts; throws bundle-invalid for anything not a zip. */
export function readZipEntries(
  zipPath: string,
  bytes: Uint8Array,
  wanted: (name: string) => boolean,
): Map<string, Uint8Array> {
  let seen = 0;
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, {
      filter: (file) => {
        seen += 1;
        if (seen > BUNDLE_MAX_ENTRIES) throw new Error(`more than ${BUNDLE_MAX_ENTRIES} entries`);
        if (!wanted(file.name)) return false;
        if (file.originalSize > BUNDLE_MAX_ENTRY_BYTES) {
          throw new Error(`${file.name} would unpack to ${file.originalSize} bytes`);
        }
        return true;
      },
    });
  } catch (error) {
    const message = (error as Error).message;
    const notZip = /invalid zip|unexpected EOF|invalid/i.test(message) && seen === 0;
    throw new AppError(
      'bundle-invalid',
      notZip
        ? `${zipPath} is not a zip file, so not a support bundle.`
        : `${zipPath} could not be unpacked: ${message}.`,
      { zipPath },
      'Open a .zip made with "Export session…" or `stm32mp-flash bundle`.',
      { cause: error },
    );
  }
  return new Map(Object.entries(unzipped));
}
