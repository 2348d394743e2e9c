import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { parseStm32Header } from './stm32-header.js';

/** Bytes read from the start of every binary: any STM32 header (≤ 0x240) and a FIP TOC of 100 entries. */
export const BINARY_PROBE_BYTES = 4096;
const STREAM_CHUNK_BYTES = 1024 * 1024;

/**
 * ASCII strings TF-A's USB/programmer builds carry (plat/st/stm32mp1/stm32mp1_usb_dfu.c: the DFU
 * interface string and the virtual alt), and which SD/eMMC/NOR builds do not.
 */
export const USB_FSBL_MARKERS: readonly string[] = ['@virtual /0xF1/', 'DFU Interface'];

export type BinaryFacts =
  | { state: 'missing' }
  | { state: 'not-a-file'; what: string }
  | { state: 'unreadable'; message: string }
  | {
      state: 'ok';
      sizeBytes: number;
      /** The first BINARY_PROBE_BYTES (fewer for a small file). */
      head: Uint8Array;
      /** 32-bit byte sum of the STM32 payload; null when not an STM32 image or the file is short. */
      payloadChecksum: number | null;
      /** Whether a USB_FSBL_MARKERS string occurs in the payload; null when not searched. */
      usbMarkerFound: boolean | null;
      sha256: string | null;
    };

export interface ReadBinaryOptions {
  hash: boolean;
  searchUsbMarkers: boolean;
  signal?: AbortSignal;
}

/**
 * Inspects one binary without reading it whole: stat through the handle, read the header, then
 * stream only the STM32 payload (for the checksum) or, with `hash`, the whole file once. Works for
 * sparse files of any size. Throws only when `signal` aborts.
 */
export async function readBinaryFacts(path: string, options: ReadBinaryOptions): Promise<BinaryFacts> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return openFailure(error);
  }
  try {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile())
      return { state: 'not-a-file', what: stats.isDirectory() ? 'a directory' : 'not a regular file' };
    if (stats.size > BigInt(Number.MAX_SAFE_INTEGER)) {
      return { state: 'unreadable', message: `its size (${stats.size} bytes) is beyond 2^53-1` };
    }
    const sizeBytes = Number(stats.size);
    const head = new Uint8Array(Math.min(sizeBytes, BINARY_PROBE_BYTES));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const probe = head.subarray(0, bytesRead);
    const parsed = parseStm32Header(probe);
    const payload =
      parsed.ok && parsed.header.headerBytes + parsed.header.imageLengthBytes <= sizeBytes
        ? {
            start: parsed.header.headerBytes,
            end: parsed.header.headerBytes + parsed.header.imageLengthBytes,
          }
        : null;
    const streamed = await streamFile(path, sizeBytes, payload, options);
    return { state: 'ok', sizeBytes, head: probe, ...streamed };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { state: 'unreadable', message: error instanceof Error ? error.message : String(error) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function openFailure(error: unknown): BinaryFacts {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing' };
  if (code === 'EISDIR') return { state: 'not-a-file', what: 'a directory' };
  return { state: 'unreadable', message: error instanceof Error ? error.message : String(error) };
}

interface StreamResult {
  payloadChecksum: number | null;
  usbMarkerFound: boolean | null;
  sha256: string | null;
}

async function streamFile(
  path: string,
  sizeBytes: number,
  payload: { start: number; end: number } | null,
  options: ReadBinaryOptions,
): Promise<StreamResult> {
  const hash = options.hash ? createHash('sha256') : null;
  const searchMarkers = options.searchUsbMarkers && payload !== null;
  const start = hash !== null ? 0 : (payload?.start ?? 0);
  const end = hash !== null ? sizeBytes : (payload?.end ?? 0);
  let checksum = 0;
  let markerFound = false;
  let carry = Buffer.alloc(0);
  const markerOverlap = Math.max(...USB_FSBL_MARKERS.map((marker) => marker.length)) - 1;
  if (end > start) {
    const stream = createReadStream(path, {
      start,
      end: end - 1,
      highWaterMark: STREAM_CHUNK_BYTES,
      signal: options.signal,
    });
    let position = start;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash?.update(chunk);
      if (payload !== null) {
        const from = Math.max(payload.start - position, 0);
        const to = Math.min(payload.end - position, chunk.length);
        if (to > from) {
          const slice = chunk.subarray(from, to);
          for (const byte of slice) checksum += byte;
          checksum %= 0x1_0000_0000;
          if (searchMarkers && !markerFound) {
            const window = Buffer.concat([carry, slice]);
            markerFound = USB_FSBL_MARKERS.some((marker) => window.includes(marker, 0, 'latin1'));
            carry = window.subarray(Math.max(window.length - markerOverlap, 0));
          }
        }
      }
      position += chunk.length;
    }
  }
  return {
    payloadChecksum: payload === null ? null : checksum >>> 0,
    usbMarkerFound: searchMarkers ? markerFound : null,
    sha256: hash === null ? null : hash.digest('hex'),
  };
}
