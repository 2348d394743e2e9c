import { open, stat } from 'node:fs/promises';
import { AppError } from '../core/app-error.js';

/**
 * The one file in main/dfu that touches the disk: it turns a path into the `AsyncIterable<Uint8Array>`
 * that DfuClient.download() consumes. Memory is bounded: one chunk being consumed plus one being read
 * ahead, whatever the file size (a multi-GB rootfs included).
 */
export interface FileBlockSource extends AsyncIterable<Uint8Array> {
  readonly path: string;
  /** Size at open time; the iterator never yields more than this. */
  readonly sizeBytes: number;
}

export interface FileBlockSourceOptions {
  /** Read size. Default 1 MiB: big enough for disk throughput, small next to an 8 MiB U-Boot buffer. */
  chunkBytes?: number;
}

export const DEFAULT_FILE_CHUNK_BYTES = 1024 * 1024;

function fileError(path: string, error: unknown): AppError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') {
    return new AppError('file-not-found', `File not found: ${path}`, { path }, null, { cause: error });
  }
  if (code === 'EISDIR') {
    return new AppError('not-a-file', `Not a regular file: ${path}`, { path }, null, { cause: error });
  }
  return new AppError(
    'file-unreadable',
    `Cannot read ${path}: ${message}`,
    { path, osCode: code ?? null },
    null,
    {
      cause: error,
    },
  );
}

export async function openFileBlockSource(
  path: string,
  options: FileBlockSourceOptions = {},
): Promise<FileBlockSource> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_FILE_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0) {
    throw new AppError('bad-input', `chunkBytes must be a positive integer, got ${chunkBytes}`, {
      chunkBytes,
    });
  }
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AppError('not-a-file', `Not a regular file: ${path}`, { path });
    sizeBytes = info.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fileError(path, error);
  }

  async function* iterate(): AsyncGenerator<Uint8Array, void, undefined> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw fileError(path, error);
    }
    const file = handle;
    const readAt = async (position: number): Promise<Uint8Array> => {
      const length = Math.min(chunkBytes, sizeBytes - position);
      // A fresh buffer per read: the consumer may still hold the previous chunk's slices.
      const buffer = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled);
        if (bytesRead === 0) break; // the file shrank; the download notices the short total
        filled += bytesRead;
      }
      return filled === length ? buffer : buffer.subarray(0, filled);
    };
    let position = 0;
    let next: Promise<Uint8Array> | null = sizeBytes > 0 ? readAt(0) : null;
    // Marks the read-ahead as handled while the consumer is busy; it is awaited (and rethrown) below.
    void next?.catch(() => undefined);
    try {
      while (next) {
        let chunk: Uint8Array;
        try {
          chunk = await next;
        } catch (error) {
          next = null;
          throw fileError(path, error);
        }
        next = null;
        if (chunk.length === 0) break;
        const wasComplete = chunk.length === Math.min(chunkBytes, sizeBytes - position);
        position += chunk.length;
        if (wasComplete && position < sizeBytes) {
          next = readAt(position);
          void next.catch(() => undefined);
        }
        yield chunk;
      }
    } finally {
      if (next) await next.catch(() => undefined);
      await file.close();
    }
  }

  return { path, sizeBytes, [Symbol.asyncIterator]: iterate };
}
