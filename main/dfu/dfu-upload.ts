import { AppError } from '../core/app-error.js';
import { abortedError } from '../core/clock.js';
import { blockNumberFor } from './dfu-blocks.js';
import type { DfuClient } from './dfu-client.js';
import { statusAfterStall } from './dfu-poll.js';
import { dfuUpload } from './dfu-requests.js';
import { DFU_STATE } from './dfu-status.js';

export interface UploadOptions {
  alternate: number;
  /**
   * wLength of every UPLOAD. Default: wTransferSize. U-Boot fills replies from its own 4096-byte buffer
   * whatever wLength says (protocol §4.2), so asking for less than wTransferSize can overflow on the
   * host; the one exception is the command alt (0xF1), read with 512 as CubeProgrammer and P1 do.
   */
  requestLengthBytes?: number;
  /** Stop (with ABORT) once this many bytes arrived without a short packet. Guards runaway devices. */
  maxBytes?: number;
  /** Receives each chunk as it arrives. With `collect: false` the result is empty and memory stays flat. */
  onChunk?: (chunk: Uint8Array) => void;
  collect?: boolean;
  /** Skip the GETSTATUS/recovery before the first UPLOAD (the caller just verified dfuIDLE). */
  skipIdleCheck?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  context?: string;
}

/**
 * UPLOAD blocks 0,1,2… until the device sends a short packet (DFU 1.1 §6.2), which also returns it to
 * dfuIDLE. Both U-Boot and TF-A go to dfuIDLE on a first short reply.
 */
export async function runUpload(client: DfuClient, options: UploadOptions): Promise<Uint8Array> {
  const context = options.context ?? `upload from alt ${options.alternate}`;
  const requestLengthBytes = options.requestLengthBytes ?? client.transferSizeBytes;
  const collect = options.collect ?? true;
  const { signal } = options;
  if (!Number.isInteger(requestLengthBytes) || requestLengthBytes <= 0 || requestLengthBytes > 0xffff) {
    throw new AppError('bad-input', `${context}: invalid UPLOAD length ${requestLengthBytes}.`, { context });
  }
  // timeoutMs applies to every request here: right after the MP15 ROM jumps, the first of them waits
  // for TF-A to start answering on the same handle.
  await client.selectAlternate(options.alternate, { signal, timeoutMs: options.timeoutMs });
  if (!options.skipIdleCheck) {
    await client.ensureIdle({
      signal,
      timeoutMs: options.timeoutMs,
      context: `${context}: before the first block`,
    });
  }

  const chunks: Uint8Array[] = [];
  let receivedBytes = 0;
  for (let blockIndex = 0; ; blockIndex++) {
    if (signal?.aborted) throw abortedError(signal);
    const blockNumber = blockNumberFor(blockIndex);
    const result = await dfuUpload(
      client.transport,
      client.interfaceNumber,
      blockNumber,
      requestLengthBytes,
      {
        timeoutMs: options.timeoutMs ?? client.timeouts.controlMs,
        signal,
      },
    );
    if (result.status === 'stall') throw await uploadStallError(client, context, blockIndex);
    const chunk = result.data;
    receivedBytes += chunk.length;
    options.onChunk?.(chunk);
    if (collect) chunks.push(chunk);
    if (chunk.length < requestLengthBytes) break;
    if (options.maxBytes !== undefined && receivedBytes >= options.maxBytes) {
      client.report({
        kind: 'upload-truncated',
        atMs: client.clock.nowMs(),
        context,
        receivedBytes,
        maxBytes: options.maxBytes,
      });
      // Full packets leave the device in dfuUPLOAD-IDLE, where ABORT is the legal way out.
      await client.abort({ signal, timeoutMs: options.timeoutMs });
      break;
    }
  }
  return collect ? concat(chunks, receivedBytes) : new Uint8Array(0);
}

/**
 * TF-A stalls UPLOAD on any alt but the command alt and enters dfuERROR/errSTALLEDPKT (§3.3); clear
 * that so the next request works, and say so in the error.
 */
async function uploadStallError(client: DfuClient, context: string, blockIndex: number): Promise<AppError> {
  client.report({
    kind: 'stall',
    atMs: client.clock.nowMs(),
    request: 'UPLOAD',
    context: `${context}: block ${blockIndex}`,
  });
  const fields = {
    request: 'UPLOAD',
    context,
    blockIndex,
    ...(await statusAfterStall(client, context, DFU_STATE.dfuUPLOAD_IDLE)),
  };
  return new AppError(
    'stall',
    `${context}: UPLOAD block ${blockIndex} was refused (STALL).`,
    fields,
    'This alternate may not be readable at this stage (TF-A only reads the command alt 0xF1).',
  );
}

function concat(chunks: Uint8Array[], totalBytes: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
