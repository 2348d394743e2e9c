/**
 * A sparse byte store for one simulated medium. Chunks that hold only the erased value are never
 * allocated, so an 8 GiB eMMC that receives a 4 GiB, mostly-zero image costs only what is really
 * written. Offsets are plain numbers: exact up to 2^53, far above any simulated device.
 */
import { Buffer } from 'node:buffer';

export const DEFAULT_CHUNK_SIZE_BYTES = 64 * 1024;

export class SparseStorage {
  private readonly chunks = new Map<number, Uint8Array>();
  /** One chunk of erased bytes, compared with memcmp so multi-GiB zero images stay cheap. */
  private readonly fillChunk: Buffer;

  constructor(
    readonly sizeBytes: number,
    /** The erased value: 0x00 for MMC, 0xFF for NOR/NAND. */
    readonly fillByte = 0x00,
    readonly chunkSizeBytes = DEFAULT_CHUNK_SIZE_BYTES,
  ) {
    this.fillChunk = Buffer.alloc(chunkSizeBytes, fillByte);
  }

  write(offset: number, data: Uint8Array): void {
    this.checkRange(offset, data.length);
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const index = Math.floor(at / this.chunkSizeBytes);
      const within = at - index * this.chunkSizeBytes;
      const count = Math.min(this.chunkSizeBytes - within, data.length - done);
      const slice = data.subarray(done, done + count);
      const existing = this.chunks.get(index);
      const sliceIsFill = this.isFill(slice);
      if (!existing) {
        if (!sliceIsFill) {
          const chunk = new Uint8Array(this.chunkSizeBytes).fill(this.fillByte);
          chunk.set(slice, within);
          this.chunks.set(index, chunk);
        }
      } else {
        existing.set(slice, within);
        // Only a write of erased bytes can turn a chunk back into "nothing stored".
        if (sliceIsFill && this.isFill(existing)) this.chunks.delete(index);
      }
      done += count;
    }
  }

  read(offset: number, length: number): Uint8Array {
    this.checkRange(offset, length);
    const out = new Uint8Array(length).fill(this.fillByte);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const index = Math.floor(at / this.chunkSizeBytes);
      const within = at - index * this.chunkSizeBytes;
      const count = Math.min(this.chunkSizeBytes - within, length - done);
      const chunk = this.chunks.get(index);
      if (chunk) out.set(chunk.subarray(within, within + count), done);
      done += count;
    }
    return out;
  }

  /** Sets a range back to the erased value. */
  erase(offset: number, length: number): void {
    this.checkRange(offset, length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const index = Math.floor(at / this.chunkSizeBytes);
      const within = at - index * this.chunkSizeBytes;
      const count = Math.min(this.chunkSizeBytes - within, length - done);
      const chunk = this.chunks.get(index);
      if (chunk) {
        if (count === this.chunkSizeBytes) this.chunks.delete(index);
        else {
          chunk.fill(this.fillByte, within, within + count);
          if (this.isFill(chunk)) this.chunks.delete(index);
        }
      }
      done += count;
    }
  }

  clear(): void {
    this.chunks.clear();
  }

  /** Bytes of chunk memory held, for memory-efficiency tests. */
  allocatedBytes(): number {
    return this.chunks.size * this.chunkSizeBytes;
  }

  private isFill(bytes: Uint8Array): boolean {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return view.equals(this.fillChunk.subarray(0, bytes.byteLength));
  }

  private checkRange(offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new RangeError(`bad storage range ${offset}+${length}`);
    }
    if (offset + length > this.sizeBytes) {
      throw new RangeError(`range 0x${offset.toString(16)}+0x${length.toString(16)} beyond the medium`);
    }
  }
}
