import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { StationRecordLine } from '../../../shared/domain/station.js';
import { AppError } from '../../core/app-error.js';

export const RECORDS_FILE_NAME = 'station-records.jsonl';
export const RECORDS_JOURNALS_DIR = 'journals';

export function recordsFilePath(recordsDir: string): string {
  return path.join(recordsDir, RECORDS_FILE_NAME);
}

export interface RecordLineProblem {
  line: number;
  text: string;
}

const KINDS: ReadonlySet<string> = new Set(['in-flight', 'unit', 'audit']);

/**
 * Streams the records file line by line (it grows for years; it is never read whole). A line that
 * is not a record — the half-written last line of a crash, or damage — is reported to `onProblem`
 * and skipped, so one bad line never hides the others. A missing file is an empty history.
 */
export async function* readStationRecords(
  recordsDir: string,
  options: { signal?: AbortSignal; onProblem?: (problem: RecordLineProblem) => void } = {},
): AsyncGenerator<StationRecordLine> {
  const stream = createReadStream(recordsFilePath(recordsDir), {
    encoding: 'utf8',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const opened = new Promise<boolean>((resolve, reject) => {
    stream.once('ready', () => resolve(true));
    stream.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? resolve(false) : reject(error),
    );
  });
  try {
    if (!(await opened)) return;
  } catch (error) {
    throw new AppError(
      'file-unreadable',
      `Cannot read the station records in ${recordsDir}: ${(error as Error).message}.`,
      { path: recordsDir },
    );
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number++;
    if (text.trim() === '') continue;
    const record = parseRecordLine(text);
    if (record) yield record;
    else options.onProblem?.({ line: number, text: text.slice(0, 200) });
  }
}

function parseRecordLine(text: string): StationRecordLine | null {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const kind = (value as { kind?: unknown }).kind;
    return typeof kind === 'string' && KINDS.has(kind) ? (value as StationRecordLine) : null;
  } catch {
    return null;
  }
}
