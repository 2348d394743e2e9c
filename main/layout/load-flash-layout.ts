import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FlashPlan, LayoutSoc } from '../../shared/domain/flash-plan.js';
import { AppError } from '../core/app-error.js';
import { abortedError } from '../core/clock.js';
import { readBinaryFacts } from './binary-reader.js';
import type { BinaryFacts } from './binary-reader.js';
import { binariesToRead, buildFlashPlan } from './build-flash-plan.js';
import { findNonTextByte, parseFlashLayoutBytes } from './decode-layout.js';
import { STM32_V1_HEADER_BYTES, parseStm32Header } from './stm32-header.js';

/** A layout is a few KiB; U-Boot's alt takes 256 KiB at most. Anything above 1 MiB is the wrong file. */
export const LAYOUT_MAX_BYTES = 1024 * 1024;
/** Sniffed before anything else so a 100 MB image is refused after one small read. */
export const LAYOUT_SNIFF_BYTES = 64 * 1024;

export interface LoadFlashLayoutOptions {
  /** Stream every binary the plan sends through SHA-256. */
  hash?: boolean;
  /** The SoC being flashed, when known: STM32 header versions are then checked against it. */
  soc?: LayoutSoc | null;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Reads a FlashLayout and the headers of the binaries it sends, and returns the FlashPlan. Bad layout
 * content never throws: it becomes located problems in the plan. Unusable input throws an AppError
 * (file-not-found, not-a-file, not-text, file-too-large, file-unreadable), as do cancellation
 * (aborted) and `timeoutMs` (timeout).
 */
export async function loadFlashLayout(
  layoutPath: string,
  options: LoadFlashLayoutOptions = {},
): Promise<FlashPlan> {
  const absolute = resolve(layoutPath);
  const signals = [
    options.signal,
    options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
  ];
  const active = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const signal = active.length === 0 ? undefined : AbortSignal.any(active);
  try {
    const bytes = await readLayoutBytes(absolute);
    const parsed = parseFlashLayoutBytes(bytes);
    const notText = parsed.problems.find((problem) => problem.code === 'not-text');
    if (notText !== undefined) {
      throw new AppError(
        'not-text',
        `${absolute}: ${notText.message}`,
        { path: absolute, line: notText.line },
        notText.hint,
      );
    }
    const layoutDir = dirname(absolute);
    const files = new Map<string, BinaryFacts>();
    // one binary at a time: the checks are disk-bound and a flash station may sit on a slow share
    for (const wanted of binariesToRead(parsed, layoutDir)) {
      throwIfAborted(signal);
      const facts = await readBinaryFacts(wanted.path, {
        hash: options.hash ?? false,
        searchUsbMarkers: wanted.searchUsbMarkers,
        signal,
      });
      files.set(wanted.path, facts);
    }
    throwIfAborted(signal);
    return buildFlashPlan({ parsed, layoutPath: absolute, layoutDir, files, soc: options.soc ?? null });
  } catch (error) {
    if (signal?.aborted === true) throw cancellation(options, absolute);
    throw error;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new Error('aborted');
}

function cancellation(options: LoadFlashLayoutOptions, path: string): AppError {
  if (options.signal?.aborted === true) return abortedError(options.signal);
  return new AppError(
    'timeout',
    `Checking ${path} and its binaries took longer than ${options.timeoutMs ?? 0} ms.`,
    { path, timeoutMs: options.timeoutMs },
    'Run again without --hash, or check that the binaries are on a local disk.',
  );
}

async function readLayoutBytes(path: string): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw openError(path, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new AppError(
        'not-a-file',
        `${path} is ${stats.isDirectory() ? 'a directory' : 'not a regular file'}, not a FlashLayout.`,
        { path },
        'Give the path of the FlashLayout .tsv file itself.',
      );
    }
    const sniff = await readAt(handle, Math.min(stats.size, LAYOUT_SNIFF_BYTES), 0);
    // a layout wrapped in an STM32 v1 header (as U-Boot accepts it) is text after the 256-byte header
    const wrapped = parseStm32Header(sniff.subarray(0, STM32_V1_HEADER_BYTES));
    const textStart = wrapped.ok && wrapped.header.version === 'v1' ? STM32_V1_HEADER_BYTES : 0;
    const found = findNonTextByte(sniff.subarray(textStart), sniff.length < stats.size);
    const bad = found === null ? null : { ...found, index: found.index + textStart };
    if (bad !== null) {
      throw new AppError(
        'not-text',
        `${path} is not a text file: ${bad.description} at line ${bad.line} (byte ${bad.index}).`,
        { path, byteOffset: bad.index, line: bad.line },
        'Pick the FlashLayout .tsv (TAB-separated text), not an image or an archive.',
      );
    }
    if (stats.size > LAYOUT_MAX_BYTES) {
      throw new AppError(
        'file-too-large',
        `${path} is ${stats.size} bytes; a FlashLayout is a few KiB (this tool reads at most ${LAYOUT_MAX_BYTES}).`,
        { path, sizeBytes: stats.size },
        'Pick the FlashLayout .tsv, not an image.',
      );
    }
    const rest = await readAt(handle, stats.size - sniff.length, sniff.length);
    const bytes = new Uint8Array(sniff.length + rest.length);
    bytes.set(sniff, 0);
    bytes.set(rest, sniff.length);
    return bytes;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'file-unreadable',
      `${path} cannot be read: ${describe(error)}.`,
      { path },
      'Check the file permissions.',
      { cause: error },
    );
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readAt(handle: FileHandle, length: number, position: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break; // the file shrank since stat
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function openError(path: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new AppError(
      'file-not-found',
      `${path}: no such file.`,
      { path },
      'Check the path (relative paths start from the current folder).',
      { cause: error },
    );
  }
  if (code === 'EISDIR') {
    return new AppError(
      'not-a-file',
      `${path} is a directory, not a FlashLayout.`,
      { path },
      'Give the path of the FlashLayout .tsv file itself.',
      { cause: error },
    );
  }
  return new AppError(
    'file-unreadable',
    `${path} cannot be opened: ${describe(error)}.`,
    { path, errno: code },
    'Check the file permissions.',
    { cause: error },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
