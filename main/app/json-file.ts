import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../core/app-error.js';

/** Reads a JSON file; null when it does not exist or is not JSON (a half-written file after a crash). */
export async function readJsonFile(filePath: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(filePath, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Writes through a temporary file and a rename, so a crash leaves the old file or the new one. */
export async function writeJsonFile(filePath: string, value: unknown): Promise<void> {
  const temporary = `${filePath}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(filePath), { recursive: true });
    await writeFile(temporary, JSON.stringify(value, null, 2) + '\n');
    await rename(temporary, filePath);
  } catch (error) {
    throw new AppError(
      'file-unwritable',
      `Could not save ${filePath}.`,
      { path: filePath },
      'Check that the folder exists and that this user may write to it.',
      { cause: error },
    );
  }
}
