import { readFile } from 'node:fs/promises';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { AppError } from '../../core/app-error.js';

export interface LoadedJournal {
  sessionId: string | null;
  schema: number | null;
  events: FlashEvent[];
  /** Lines that were not complete JSON (a cut at the end, or damage), with their 1-based numbers. */
  skippedLines: number[];
  /** True when the file ended in the middle of a line (a crash or power cut while writing). */
  truncated: boolean;
}

/** Parses journal text up to its last complete line; never throws on content. */
export function parseJournal(text: string): LoadedJournal {
  const result: LoadedJournal = {
    sessionId: null,
    schema: null,
    events: [],
    skippedLines: [],
    truncated: false,
  };
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  if (last.length > 0) result.truncated = true;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      result.skippedLines.push(i + 1);
      return;
    }
    if (!value || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') {
      result.skippedLines.push(i + 1);
      return;
    }
    const record = value as { type: string; schema?: unknown; sessionId?: unknown };
    if (record.type === 'journal') {
      result.schema = typeof record.schema === 'number' ? record.schema : null;
      result.sessionId = typeof record.sessionId === 'string' ? record.sessionId : null;
      return;
    }
    result.events.push(value as FlashEvent);
  });
  return result;
}

export async function loadJournal(filePath: string): Promise<LoadedJournal> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? 'file-not-found' : 'file-unreadable',
      `Cannot read the journal ${filePath}: ${(error as Error).message}`,
      { filePath },
    );
  }
  return parseJournal(text);
}
