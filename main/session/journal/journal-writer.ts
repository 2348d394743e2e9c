import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { FlashEvent } from '../../../shared/domain/flash-event.js';
import { AppError } from '../../core/app-error.js';

/** Events after which the journal is forced to disk: a power cut loses at most the progress since. */
const SYNC_AFTER: ReadonlySet<FlashEvent['type']> = new Set([
  'session-start',
  'stage',
  'wait-start',
  'wait-end',
  'error',
  'outcome',
]);

export const JOURNAL_SCHEMA = 1;

/**
 * Writes a session journal while the session runs: JSON lines, one per FlashEvent, appended in order.
 * Every line is written as a whole; after stage changes, waits, errors and the outcome the file is
 * fdatasync'ed, so a crash leaves a journal readable up to its last complete line.
 */
export class JournalWriter {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  private constructor(
    readonly filePath: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(dir: string, sessionId: string, startedAt: Date): Promise<JournalWriter> {
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
    const filePath = path.join(dir, `flash-${stamp}-${sessionId}.jsonl`);
    try {
      await mkdir(dir, { recursive: true });
      const handle = await open(filePath, 'wx');
      const writer = new JournalWriter(filePath, handle);
      writer.enqueue(JSON.stringify({ type: 'journal', schema: JOURNAL_SCHEMA, sessionId }) + '\n', true);
      return writer;
    } catch (error) {
      throw new AppError(
        'file-unwritable',
        `Cannot write the session journal in ${dir}: ${(error as Error).message}`,
        { dir },
        'Choose a writable folder with --journal <dir>.',
        { cause: error },
      );
    }
  }

  /** Queues one event; never throws (a journal failure must not stop a flash). */
  write(event: FlashEvent): void {
    this.enqueue(JSON.stringify(event) + '\n', SYNC_AFTER.has(event.type));
  }

  /** Resolves when everything queued is on disk; reports the first write failure, if any. */
  async close(): Promise<void> {
    await this.chain;
    await this.handle.close().catch(() => undefined);
    if (this.failure) {
      throw new AppError(
        'file-unwritable',
        `The session journal ${this.filePath} is incomplete: ${this.failure instanceof Error ? this.failure.message : 'write failed'}`,
        {
          filePath: this.filePath,
        },
      );
    }
  }

  private enqueue(line: string, sync: boolean): void {
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await this.handle.write(line);
        if (sync) await this.handle.datasync();
      } catch (error) {
        this.failure = error;
      }
    });
  }
}
