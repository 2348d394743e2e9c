import { open } from 'node:fs/promises';
import path from 'node:path';
import { APP_LOG_DEFAULT_ARCHIVES } from './app-log.js';

export interface AppLogTailOptions {
  /** Lines whose timestamp falls in this window (ISO or ms since epoch) are preferred over the plain tail. */
  window?: { fromMs: number; toMs: number };
  maxLines?: number;
  /** Bytes read from the end of each file at most: a support bundle carries a tail, not the history. */
  maxBytesPerFile?: number;
  archives?: number;
}

export interface AppLogTail {
  /** The files read, newest last. */
  files: string[];
  lines: string[];
  /** 'window' = the lines around the session; 'tail' = the last lines (no timestamp fell in the window). */
  selection: 'window' | 'tail' | 'none';
}

const LINE_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s/;

/**
 * The end of the app log (app.log and its archives app.1.log …), oldest line first. With a window, the
 * lines written during the session (and a little around it) are picked; otherwise the last lines.
 * Never throws: a missing or unreadable log is an empty tail.
 */
export async function readAppLogTail(
  appLogPath: string,
  options: AppLogTailOptions = {},
): Promise<AppLogTail> {
  const maxLines = options.maxLines ?? 400;
  const maxBytes = options.maxBytesPerFile ?? 256 * 1024;
  const parsed = path.parse(appLogPath);
  const archives = options.archives ?? APP_LOG_DEFAULT_ARCHIVES;
  const candidates = [
    ...Array.from({ length: archives }, (_, i) =>
      path.join(parsed.dir, `${parsed.name}.${archives - i}${parsed.ext}`),
    ),
    appLogPath,
  ];
  const files: string[] = [];
  const lines: string[] = [];
  for (const file of candidates) {
    const text = await readEnd(file, maxBytes);
    if (text === null) continue;
    files.push(file);
    lines.push(...text.split(/\r?\n/).filter((line) => line.trim() !== ''));
  }
  if (lines.length === 0) return { files, lines: [], selection: 'none' };
  if (options.window) {
    const { fromMs, toMs } = options.window;
    const inside = lines.filter((line) => {
      const stamp = LINE_TIME.exec(line)?.[1];
      if (!stamp) return false;
      const ms = Date.parse(stamp);
      return ms >= fromMs && ms <= toMs;
    });
    if (inside.length > 0) return { files, lines: inside.slice(-maxLines), selection: 'window' };
  }
  return { files, lines: lines.slice(-maxLines), selection: 'tail' };
}

async function readEnd(file: string, maxBytes: number): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let text = buffer.toString('utf8');
    // the first line of a cut read is partial
    if (length < size) text = text.slice(text.indexOf('\n') + 1);
    return text;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
