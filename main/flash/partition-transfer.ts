import type { BootStage } from '../../shared/domain/flash-event.js';
import type { PlannedPartition } from '../../shared/domain/flash-plan.js';
import { AppError } from '../core/app-error.js';
import type { DfuClient } from '../dfu/dfu-client.js';
import type { DownloadEnd } from '../dfu/dfu-download.js';
import { openFileBlockSource } from '../dfu/file-block-source.js';
import { ProgressThrottle } from './progress-throttle.js';
import type { SessionContext } from './session-context.js';

function single(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => {
      let done = false;
      return {
        next: () => {
          const result = done
            ? { done: true as const, value: undefined }
            : { done: false as const, value: bytes };
          done = true;
          return Promise.resolve(result);
        },
      };
    },
  };
}

/**
 * One file to one alternate, streamed from disk (memory does not grow with the file), with progress
 * throttled at the source and a partition-start / partition-end pair around it.
 */
export async function transferPartition(
  context: SessionContext,
  client: DfuClient,
  options: { stage: BootStage; alt: number; end: DownloadEnd; partition: PlannedPartition },
): Promise<void> {
  const { partition } = options;
  const file = partition.file!;
  const source = await openFileBlockSource(file.path);
  if (source.sizeBytes !== file.sizeBytes) {
    throw new AppError(
      'bad-input',
      `${file.path} changed size since the preflight (${file.sizeBytes} → ${source.sizeBytes} bytes).`,
      { path: file.path },
      'Do not rebuild images while flashing; start again.',
    );
  }
  await transfer(context, client, {
    ...options,
    phaseId: partition.phaseId ?? 0,
    name: partition.name ?? '?',
    file: file.path,
    source,
    totalBytes: file.sizeBytes,
  });
}

/** The FlashLayout as phase 0x00. */
export async function transferLayout(
  context: SessionContext,
  client: DfuClient,
  options: { stage: BootStage; alt: number; end: DownloadEnd },
): Promise<void> {
  const bytes = context.layout.bytes;
  await transfer(context, client, {
    ...options,
    phaseId: 0,
    name: 'FlashLayout',
    file: context.plan.layoutPath,
    source: single(bytes),
    totalBytes: bytes.length,
  });
  context.layoutSent = true;
}

async function transfer(
  context: SessionContext,
  client: DfuClient,
  options: {
    stage: BootStage;
    alt: number;
    end: DownloadEnd;
    phaseId: number;
    name: string;
    file: string;
    source: AsyncIterable<Uint8Array>;
    totalBytes: number;
  },
): Promise<void> {
  const { clock, emit } = context;
  const startMs = clock.nowMs();
  emit({
    type: 'partition-start',
    stage: options.stage,
    phaseId: options.phaseId,
    name: options.name,
    alt: options.alt,
    sizeBytes: options.totalBytes,
    file: options.file,
  });
  const throttle = new ProgressThrottle(options.totalBytes, startMs);
  let sent = 0;
  const finish = (ok: boolean): void => {
    const durationMs = clock.nowMs() - startMs;
    emit({
      type: 'partition-end',
      phaseId: options.phaseId,
      ok,
      bytesSent: sent,
      durationMs,
      rateBytesPerS: durationMs > 0 ? Math.round((sent * 1000) / durationMs) : 0,
    });
  };
  try {
    await client.download({
      alternate: options.alt,
      source: options.source,
      totalBytes: options.totalBytes,
      end: options.end,
      signal: context.signal,
      dnloadTimeoutMs: context.timeouts.drainMs,
      manifestStatusTimeoutMs: context.timeouts.drainMs,
      context: `phase 0x${options.phaseId.toString(16).padStart(2, '0')} (${options.name})`,
      onProgress: (sentBytes) => {
        sent = sentBytes;
        const report = throttle.update(clock.nowMs(), sentBytes);
        if (report) emit({ type: 'partition-progress', phaseId: options.phaseId, ...report });
      },
    });
  } catch (error) {
    finish(false);
    throw error;
  }
  finish(true);
  context.bytesWritten += options.totalBytes;
}
