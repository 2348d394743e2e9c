import { AppError } from '../core/app-error.js';
import { abortedError } from '../core/clock.js';
import { BlockCutter, blockNumberFor } from './dfu-blocks.js';
import type { DfuClient } from './dfu-client.js';
import { statusAfterStall, type WaitForStateOptions } from './dfu-poll.js';
import { dfuDnload } from './dfu-requests.js';
import { DFU_STATE, dfuStateName } from './dfu-status.js';

/**
 * What ends a download, i.e. which state after the zero-length DNLOAD means "this file is done":
 *  - 'idle': poll through MANIFEST-SYNC / MANIFEST until dfuIDLE. U-Boot and TF-A (protocol §3.2,
 *    §3.3) and the MP13/MP25 ROM, whose real logs show 7 then 2 before the DETACH (DH README).
 *  - 'manifest': stop as soon as the device reports dfuMANIFEST (7). The MP15 ROM jumps to the FSBL
 *    there, so the next answer comes from different firmware (§1.2 step 3, §3.4); the caller confirms
 *    the hand-over with GetPhase. dfuIDLE and MANIFEST-WAIT-RESET also end it.
 * Stage profiles in main/stm32mp/soc-quirks.ts pick one; the download loop has no stage knowledge.
 */
export type DownloadEnd = 'idle' | 'manifest';

const END_RULES: Record<DownloadEnd, { accept: number[]; transient: number[] }> = {
  idle: { accept: [DFU_STATE.dfuIDLE], transient: [DFU_STATE.dfuMANIFEST_SYNC, DFU_STATE.dfuMANIFEST] },
  manifest: {
    accept: [DFU_STATE.dfuMANIFEST, DFU_STATE.dfuIDLE, DFU_STATE.dfuMANIFEST_WAIT_RESET],
    transient: [DFU_STATE.dfuMANIFEST_SYNC],
  },
};

export interface DownloadOptions {
  alternate: number;
  /** The image, in chunks of any size; re-cut into wTransferSize blocks here. */
  source: AsyncIterable<Uint8Array>;
  /** Exact size of `source`. A source that yields more or less is refused before the ZLP. */
  totalBytes: number;
  end?: DownloadEnd;
  /** Called after every block; keep it cheap (throttling is the caller's business). */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
  /** Per-DNLOAD timeout; default DfuTimeouts.dnloadMs (30 s: U-Boot may drain 8 MiB inside one). */
  dnloadTimeoutMs?: number;
  /** Per-GETSTATUS timeout after the ZLP; default DfuTimeouts.manifestStatusMs (30 s). */
  manifestStatusTimeoutMs?: number;
  /** For anomalies and errors, e.g. 'phase 0x03'. */
  context?: string;
}

export interface DownloadResult {
  sentBytes: number;
  /** Data blocks sent (the ZLP not counted). */
  blocks: number;
  /** wValue of the zero-length DNLOAD: the block number after the last data block. */
  zlpBlockNumber: number;
  finalState: number;
  finalStateName: string;
  elapsedMs: number;
}

const AFTER_BLOCK = {
  accept: [DFU_STATE.dfuDNLOAD_IDLE],
  // TF-A reports 3 then 5, the ROM 4 then 5, U-Boot 5 directly (§3.2–§3.4).
  transient: [DFU_STATE.dfuDNLOAD_SYNC, DFU_STATE.dfuDNBUSY],
};

/**
 * One file into one alternate: SET_INTERFACE, make sure of dfuIDLE, DNLOAD blocks 0,1,2… (wrapping at
 * 0x10000) each followed by GETSTATUS until dfuDNLOAD-IDLE, then the zero-length DNLOAD with the next
 * block number, then GETSTATUS until the `end` rule is met (§3.5).
 */
export async function runDownload(client: DfuClient, options: DownloadOptions): Promise<DownloadResult> {
  const { totalBytes, signal } = options;
  const context = options.context ?? `download to alt ${options.alternate}`;
  const end = options.end ?? 'idle';
  if (!Number.isSafeInteger(totalBytes) || totalBytes <= 0) {
    // A ZLP straight from dfuIDLE is an error on U-Boot and TF-A, so an empty file cannot be "sent".
    throw new AppError('bad-input', `${context}: nothing to send (${totalBytes} bytes).`, {
      context,
      totalBytes,
    });
  }
  const startedMs = client.clock.nowMs();
  const dnloadTimeoutMs = options.dnloadTimeoutMs ?? client.timeouts.dnloadMs;
  const blockSizeBytes = client.transferSizeBytes;

  await client.selectAlternate(options.alternate, { signal });
  await client.ensureIdle({ signal, context: `${context}: before the first block` });

  let blockIndex = 0;
  let sentBytes = 0;
  // True while a block is between its DNLOAD and dfuDNLOAD-IDLE: the device state is then unknown and
  // an ABORT could itself be an error (U-Boot stalls it outside the IDLE states).
  let blockInFlight = false;
  // The hot path (once per 4 KiB block on U-Boot): blocks are cut synchronously from each chunk, the
  // DNLOAD options are built once, and the poll's context text only when something goes wrong.
  const dnloadIo = { timeoutMs: dnloadTimeoutMs, signal };
  const afterBlock: WaitForStateOptions = {
    ...AFTER_BLOCK,
    context: () => `${context}: block ${blockIndex}`,
    statusTimeoutMs: client.timeouts.controlMs,
    signal,
  };
  const sendBlock = async (block: Uint8Array): Promise<void> => {
    if (signal?.aborted) throw abortedError(signal);
    if (sentBytes + block.length > totalBytes) {
      throw new AppError(
        'bad-input',
        `${context}: the source is larger than the declared ${totalBytes} bytes.`,
        {
          context,
          totalBytes,
          sentBytes,
        },
      );
    }
    const blockNumber = blockNumberFor(blockIndex);
    blockInFlight = true;
    const result = await dfuDnload(client.transport, client.interfaceNumber, blockNumber, block, dnloadIo);
    if (result.status === 'stall') throw await stallError(client, context, blockNumber, blockIndex);
    await client.waitForState(afterBlock);
    blockInFlight = false;
    sentBytes += block.length;
    blockIndex++;
    options.onProgress?.(sentBytes, totalBytes);
  };
  try {
    const cutter = new BlockCutter(blockSizeBytes);
    for await (const chunk of options.source) {
      for (const block of cutter.blocks(chunk)) await sendBlock(block);
    }
    const rest = cutter.rest();
    if (rest) await sendBlock(rest);
    if (sentBytes !== totalBytes) {
      throw new AppError(
        'bad-input',
        `${context}: the source ended after ${sentBytes} of ${totalBytes} bytes; the end of download was not sent.`,
        { context, totalBytes, sentBytes },
        'Did the file change while it was being sent?',
      );
    }
  } catch (error) {
    if (blockIndex > 0 && !blockInFlight) await abortQuietly(client);
    throw error;
  }

  const zlpBlockNumber = blockNumberFor(blockIndex);
  const zlp = await dfuDnload(client.transport, client.interfaceNumber, zlpBlockNumber, new Uint8Array(0), {
    timeoutMs: dnloadTimeoutMs,
    signal,
  });
  if (zlp.status === 'stall')
    throw await stallError(client, `${context}: end of download`, zlpBlockNumber, blockIndex);
  const final = await client.waitForState({
    ...END_RULES[end],
    context: `${context}: manifestation`,
    statusTimeoutMs: options.manifestStatusTimeoutMs ?? client.timeouts.manifestStatusMs,
    signal,
  });
  return {
    sentBytes,
    blocks: blockIndex,
    zlpBlockNumber,
    finalState: final.state,
    finalStateName: dfuStateName(final.state),
    elapsedMs: client.clock.nowMs() - startedMs,
  };
}

/**
 * A refused DNLOAD: TF-A stalls when the alt is not the current phase or the buffer is full (§3.3),
 * U-Boot when the state machine is off. Read the status once so the error says where the device is,
 * and clear dfuERROR so a following GetPhase can read the device's reason.
 */
async function stallError(
  client: DfuClient,
  context: string,
  blockNumber: number,
  blockIndex: number,
): Promise<AppError> {
  client.report({
    kind: 'stall',
    atMs: client.clock.nowMs(),
    request: 'DNLOAD',
    context: `${context}: block ${blockIndex}`,
  });
  const fields = {
    request: 'DNLOAD',
    context,
    blockNumber,
    blockIndex,
    ...(await statusAfterStall(client, context, DFU_STATE.dfuDNLOAD_IDLE)),
  };
  return new AppError(
    'stall',
    `${context}: DNLOAD block ${blockIndex} (wValue ${blockNumber}) was refused (STALL).`,
    fields,
    'The device refused the data. On STM32MP, GetPhase usually says why (phase 0xFF and a message).',
  );
}

/**
 * Leaves dfuDNLOAD-IDLE after a host-side failure between blocks (source error, size mismatch,
 * cancellation) so the next request starts clean. No signal: it must run after the signal fired.
 * Note U-Boot keeps its expected block sequence across ABORT (§3.2): a retry of the same alt from
 * block 0 will be refused with "Wrong sequence number"; that is the device's rule, not ours.
 */
async function abortQuietly(client: DfuClient): Promise<void> {
  try {
    await client.abort({ timeoutMs: client.timeouts.controlMs });
  } catch {
    // Best effort: the device may be gone or in a state where ABORT stalls.
  }
}
