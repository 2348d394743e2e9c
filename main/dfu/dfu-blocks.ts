/**
 * Block bookkeeping for DNLOAD/UPLOAD. wValue is 16 bits and wraps 0xFFFF → 0 (U-Boot handles the wrap
 * explicitly, protocol §3.2); with 4 KiB blocks that happens every 256 MiB, so a rootfs crosses it.
 */
export const BLOCK_NUMBER_MODULO = 0x10000;

/** The wValue for the block at `blockIndex` (0-based). `%` rather than `&` so indexes past 2^31 stay right. */
export function blockNumberFor(blockIndex: number): number {
  return blockIndex % BLOCK_NUMBER_MODULO;
}

/**
 * Cuts a chunk stream into blocks of exactly `blockSizeBytes` (the last may be shorter), synchronously
 * per chunk: the download loop iterates the blocks of a chunk without an extra promise per block (the
 * engine's hot path; see bench/ and the README's performance section). Whole blocks inside a chunk are
 * subarrays (no copy); only a block that straddles two chunks is assembled in a fresh buffer, so memory
 * stays at one chunk plus one block.
 *
 * The consumer must be done with a block before it pushes the next chunk (the DFU loop awaits each
 * DNLOAD), which also makes sources that reuse their read buffer safe.
 */
export class BlockCutter {
  private pending: Uint8Array | null = null;
  private pendingBytes = 0;

  constructor(readonly blockSizeBytes: number) {
    if (!Number.isInteger(blockSizeBytes) || blockSizeBytes <= 0) {
      throw new RangeError(`block size must be a positive integer, got ${blockSizeBytes}`);
    }
  }

  /** The whole blocks that `chunk` completes, in order. */
  *blocks(chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    const size = this.blockSizeBytes;
    let offset = 0;
    if (this.pending) {
      const take = Math.min(size - this.pendingBytes, chunk.length);
      this.pending.set(chunk.subarray(0, take), this.pendingBytes);
      this.pendingBytes += take;
      offset = take;
      if (this.pendingBytes < size) return;
      const full = this.pending;
      this.pending = null;
      this.pendingBytes = 0;
      yield full;
    }
    while (chunk.length - offset >= size) {
      yield chunk.subarray(offset, offset + size);
      offset += size;
    }
    if (offset < chunk.length) {
      this.pending = new Uint8Array(size);
      this.pending.set(chunk.subarray(offset), 0);
      this.pendingBytes = chunk.length - offset;
    }
  }

  /** The short last block, or null when the stream ended on a block boundary. */
  rest(): Uint8Array | null {
    const rest = this.pending && this.pendingBytes > 0 ? this.pending.subarray(0, this.pendingBytes) : null;
    this.pending = null;
    this.pendingBytes = 0;
    return rest;
  }
}

/** `BlockCutter` as an async generator, for consumers that want one stream of blocks. */
export async function* rechunk(
  source: AsyncIterable<Uint8Array>,
  blockSizeBytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  const cutter = new BlockCutter(blockSizeBytes);
  for await (const chunk of source) yield* cutter.blocks(chunk);
  const rest = cutter.rest();
  if (rest) yield rest;
}
