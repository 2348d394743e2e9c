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
 * Re-cuts an arbitrary chunk stream into blocks of exactly `blockSizeBytes` (the last may be shorter).
 * Chunks that already contain whole blocks are sliced without copying; only a block that straddles two
 * chunks is assembled in a fresh buffer, so memory stays at one chunk plus one block.
 *
 * The consumer must be done with a block before asking for the next one (the DFU loop awaits each
 * DNLOAD), which also makes sources that reuse their read buffer safe.
 */
export async function* rechunk(
  source: AsyncIterable<Uint8Array>,
  blockSizeBytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (!Number.isInteger(blockSizeBytes) || blockSizeBytes <= 0) {
    throw new RangeError(`block size must be a positive integer, got ${blockSizeBytes}`);
  }
  let pending: Uint8Array | null = null;
  let pendingBytes = 0;
  for await (const chunk of source) {
    let offset = 0;
    if (pending) {
      const take = Math.min(blockSizeBytes - pendingBytes, chunk.length);
      pending.set(chunk.subarray(0, take), pendingBytes);
      pendingBytes += take;
      offset = take;
      if (pendingBytes < blockSizeBytes) continue;
      yield pending;
      pending = null;
      pendingBytes = 0;
    }
    while (chunk.length - offset >= blockSizeBytes) {
      yield chunk.subarray(offset, offset + blockSizeBytes);
      offset += blockSizeBytes;
    }
    if (offset < chunk.length) {
      pending = new Uint8Array(blockSizeBytes);
      pending.set(chunk.subarray(offset), 0);
      pendingBytes = chunk.length - offset;
    }
  }
  if (pending && pendingBytes > 0) yield pending.subarray(0, pendingBytes);
}
