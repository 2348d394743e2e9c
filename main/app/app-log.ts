import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface AppLog {
  write(level: LogLevel, message: string, context?: Record<string, unknown>): void;
  /** Resolves when every line so far is on disk. */
  flush(): Promise<void>;
}

/**
 * The app's diagnostic log: JSON lines in `<userData>/logs/app.log`. Writes are chained so lines keep
 * their order, and a failing disk never breaks the caller. (electron-log can replace the sink later.)
 */
export function createFileAppLog(dir: string, clock: Clock, mirror?: (line: string) => void): AppLog {
  const file = path.join(dir, 'app.log');
  let chain: Promise<void> = mkdir(dir, { recursive: true }).then(
    () => undefined,
    () => undefined,
  );
  return {
    write(level, message, context) {
      const line = JSON.stringify({
        at: clock.wallNow().toISOString(),
        level,
        message,
        ...(context ? { context } : {}),
      });
      if (level === 'warn' || level === 'error') mirror?.(line);
      chain = chain
        .then(
          () => appendFile(file, line + '\n'),
          () => undefined,
        )
        .catch(() => undefined);
    },
    flush() {
      return chain;
    },
  };
}

export const silentAppLog: AppLog = {
  write: () => undefined,
  flush: () => Promise.resolve(),
};
