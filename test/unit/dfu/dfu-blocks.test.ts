import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blockNumberFor, rechunk } from '../../../main/dfu/dfu-blocks.js';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const block of source) out.push(block.slice());
  return out;
}

async function* fromChunks(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield await Promise.resolve(c);
}

describe('block numbers', () => {
  it('count 0,1,2… and wrap 0xFFFF → 0', () => {
    expect([0, 1, 0xfffe, 0xffff, 0x10000, 0x10001].map(blockNumberFor)).toEqual([
      0, 1, 0xfffe, 0xffff, 0, 1,
    ]);
  });

  it('stay right past 2^31 and 2^32 blocks', () => {
    expect(blockNumberFor(2 ** 31 + 5)).toBe(5);
    expect(blockNumberFor(2 ** 32 + 0x1234)).toBe(0x1234);
    expect(blockNumberFor(2 ** 40 + 0xffff)).toBe(0xffff);
  });
});

describe('rechunk', () => {
  it('cuts into exact blocks with a short last block', async () => {
    const data = Uint8Array.from({ length: 10 }, (_, i) => i);
    const blocks = await collect(
      rechunk(fromChunks([data.subarray(0, 3), data.subarray(3, 4), data.subarray(4)]), 4),
    );
    expect(blocks.map((b) => Array.from(b))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('passes whole blocks through without copying', async () => {
    const chunk = new Uint8Array(8);
    const seen: Uint8Array[] = [];
    for await (const block of rechunk(fromChunks([chunk]), 4)) seen.push(block);
    expect(seen.every((b) => b.buffer === chunk.buffer)).toBe(true);
  });

  it('yields nothing for an empty source', async () => {
    expect(await collect(rechunk(fromChunks([new Uint8Array(0)]), 4))).toEqual([]);
  });

  it('preserves the bytes and the block sizes for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 17 }),
        async (chunks, blockSize) => {
          const blocks = await collect(rechunk(fromChunks(chunks), blockSize));
          const joined = blocks.flatMap((b) => Array.from(b));
          expect(joined).toEqual(chunks.flatMap((c) => Array.from(c)));
          blocks.slice(0, -1).forEach((b) => expect(b.length).toBe(blockSize));
          if (blocks.length > 0) expect(blocks.at(-1)!.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('rejects a non-positive block size', async () => {
    await expect(collect(rechunk(fromChunks([]), 0))).rejects.toThrow(RangeError);
  });
});
